// Builds what the pages load from the npm packages into static/build/ (not committed; `make
// setup` and the Dockerfile run it):
//
//   vendor.css  Bootstrap's CSS trimmed to the classes the site's templates, scripts and Python
//               code name (PurgeCSS), and the Bootstrap Icons they name, each drawn from its SVG
//               as a mask over the text colour: no icon font to download (134 KB whole).
//   vendor.js   Bootstrap's JS bundle (collapse, dropdowns, dialogs) and htmx, in one file that
//               the pages load deferred.
//
// A class that only a variable or a script names must be in SAFELIST below; tests/test_assets.py
// fails when the templates use a Bootstrap class or an icon that the build left out.
//
//   node assets/build.mjs

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { PurgeCSS } from "purgecss";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "static", "build");
const MODULES = join(ROOT, "node_modules");
const ICONS = join(MODULES, "bootstrap-icons", "icons");
const SOURCE_MAP = /^\s*(\/\/|\/\*)# sourceMappingURL=.*$/gm;

// What no file names whole, kept all the same: the states Bootstrap's JS gives the collapse,
// dropdowns and dialogs the pages use; the form classes crispy-forms' templates add (they are in
// the Python environment, which the Docker image's asset stage has not got); alert-{tag} of the
// messages; and the elements Bootstrap styles, since Django's form widgets render some of them.
const SAFELIST = {
  standard: ["show", "showing", "hiding", "fade", "collapse", "collapsing", "collapse-horizontal",
    "collapsed", "modal-open", "modal-backdrop", "modal-static", "dropup", "dropend",
    "dropstart", "active", "disabled", "btn-close",
    /^form-/, /^input-group/, /^col-form-label/, /^is-(in)?valid$/, /^(in)?valid-(feedback|tooltip)$/,
    /^was-validated$/, /^alert(-|$)/, "fs-6", "pt-0", "h-auto", "m-0", "mb-0", "mb-2", "mb-3",
    "gap-2", "flex-grow-1", "d-flex", "d-none", "align-self-center", "text-break", "text-danger",
    "col-md", "row", "visually-hidden",
    ...("a abbr address b blockquote body button caption code dd dl dt fieldset figure h1 h2 h3 h4 "
      + "h5 h6 hr iframe img input kbd label legend mark ol optgroup output p pre progress samp "
      + "select small strong sub summary sup svg table tbody td textarea tfoot th thead tr ul")
      .split(" "),
  ],
};
// Attribute selectors kept whatever the files say: the widgets' types, roles and states, and
// the attributes Bootstrap's dropdown sets on the menu it opens (not the dark theme's).
const DYNAMIC_ATTRIBUTES = ["type", "role", "multiple", "size", "readonly", "disabled", "hidden",
  "href", "title", "list", "data-bs-popper", "data-bs-target"];

/** Files under `dir` (recursively) whose names end with one of `extensions`. */
function filesUnder(dir, extensions) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext)))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

/** The files that name classes and icons: templates, the site's scripts, the apps' Python. */
function contentFiles() {
  const apps = readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !["tests", "bench"].includes(entry.name)
      && existsSync(join(ROOT, entry.name, "__init__.py")))
    .map((entry) => entry.name);
  return [
    ...filesUnder(join(ROOT, "templates"), [".html", ".txt"]),
    ...filesUnder(join(ROOT, "static", "js"), [".js"]),
    ...apps.flatMap((app) => filesUnder(join(ROOT, app), [".py"])
      .filter((file) => !file.includes(`${join(app, "migrations")}`))),
  ];
}

/** Every `bi-name` the files mention that is a Bootstrap icon, sorted. */
function iconsUsed(files) {
  const names = new Set();
  for (const file of files) {
    for (const [name] of readFileSync(file, "utf8").matchAll(/\bbi-[a-z0-9]+(?:-[a-z0-9]+)*/g)) {
      if (existsSync(join(ICONS, `${name.slice(3)}.svg`))) names.add(name);
    }
  }
  return [...names].sort();
}

/** An icon's SVG as a CSS url(): minified, quoted for a double-quoted string. */
function iconUrl(name) {
  const svg = readFileSync(join(ICONS, `${name.slice(3)}.svg`), "utf8")
    .replace(/\s(width|height|fill|class)="[^"]*"/g, "")
    .replace(/>\s+</g, "><")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/"/g, "'")
    .replace(/[\r\n%#()<>?[\\\]^`{|}]/g, encodeURIComponent);
  return `url("data:image/svg+xml,${svg}")`;
}

// The icon takes the text's colour and size, as the font's glyph did (1em, a little below the
// baseline). Printing keeps it (a background is otherwise left out), and so does a forced-colours
// display (the colour it inherits is the forced one).
function iconsCss(names) {
  const before = '.bi::before,[class^="bi-"]::before,[class*=" bi-"]::before';
  const mask = "var(--bi-icon) center/contain no-repeat";
  return [
    `${before}{content:"";display:inline-block;width:1em;height:1em;vertical-align:-.125em;`
      + `background-color:currentColor;-webkit-mask:${mask};mask:${mask};`
      + "-webkit-print-color-adjust:exact;print-color-adjust:exact}",
    `@media (forced-colors:active){${before}{forced-color-adjust:none}}`,
    ...names.map((name) => `.${name}{--bi-icon:${iconUrl(name)}}`),
  ].join("\n");
}

async function bootstrapCss(files) {
  const [result] = await new PurgeCSS().purge({
    content: files,
    css: [join(MODULES, "bootstrap", "dist", "css", "bootstrap.min.css")],
    safelist: SAFELIST,
    dynamicAttributes: DYNAMIC_ATTRIBUTES,
    // The site's own stylesheets use Bootstrap's custom properties too: all are kept.
    keyframes: true,
    fontFace: true,
  });
  return result.css.replace(SOURCE_MAP, "").trim();
}

function vendorJs() {
  return [
    join(MODULES, "bootstrap", "dist", "js", "bootstrap.bundle.min.js"),
    join(MODULES, "htmx.org", "dist", "htmx.min.js"),
  ].map((file) => readFileSync(file, "utf8").replace(SOURCE_MAP, "").trim()).join(";\n");
}

const started = performance.now();
const files = contentFiles();
const icons = iconsUsed(files);
const outputs = {
  // Bootstrap's own first: it opens with @charset, which must come first.
  "vendor.css": `${await bootstrapCss(files)}\n`
    + `/* Bootstrap Icons ${version("bootstrap-icons")} (MIT): ${icons.length} icons */\n`
    + `${iconsCss(icons)}\n`,
  "vendor.js": `/* Bootstrap ${version("bootstrap")} (MIT); htmx ${version("htmx.org")} (0BSD) */\n`
    + `${vendorJs()}\n`,
};
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
for (const [name, text] of Object.entries(outputs)) {
  writeFileSync(join(OUT, name), text);
}
const sizes = Object.entries(outputs).map(([name, text]) => `${name} ${Buffer.byteLength(text)} B`);
console.log(`${relative(ROOT, OUT)}: ${sizes.join(", ")} from ${files.length} files in `
  + `${Math.round(performance.now() - started)} ms`);

function version(name) {
  return JSON.parse(readFileSync(join(MODULES, name, "package.json"), "utf8")).version;
}
