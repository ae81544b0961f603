"""What a phone downloads: the front-end libraries as assets/build.mjs builds them into
static/build/ (`make setup`), and the diary's week as production serves it.

Bootstrap is trimmed to the classes the site names: every class a template, a form rendered
through crispy-forms, a script or a message uses that Bootstrap defines must be in the build,
and every icon named must be drawn. A failure here after a template changed means the build is
stale (`make setup` builds it again) or a class is named in a way the build cannot see (add it
to SAFELIST in assets/build.mjs).
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.core.management import call_command
from django.template import Context, Template
from django.templatetags.static import static
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from tests.conftest import built_once

BASE_DIR = Path(settings.BASE_DIR)
BUILD = BASE_DIR / "static" / "build"
BOOTSTRAP_CSS = BASE_DIR / "node_modules" / "bootstrap" / "dist" / "css" / "bootstrap.css"
ICONS = BASE_DIR / "node_modules" / "bootstrap-icons" / "icons"
APPS = ["accounts", "archive", "diary", "ejournal", "exports", "journal", "messaging"]
# A Friday evening, when parents read the diary: the demo school's week is full of lessons.
FRIDAY_EVENING = dt.datetime(2026, 11, 27, 19, 0, tzinfo=ZoneInfo("Europe/Moscow"))
FIRST_VISIT_LIMIT = 100 * 1024
YEAR = 365 * 24 * 3600


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def css_classes(css: str) -> set[str]:
    """The class names a stylesheet's selectors name."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r'url\([^)]*\)|"[^"]*"', "", css)
    return set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", css))


def classes_in_markup(text: str) -> set[str]:
    """The classes of the class="…" attributes of a template or a page (template tags left out:
    a class made of a variable is not seen here)."""
    found = set()
    for value in re.findall(r'\bclass="([^"]*)"', text):
        value = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", value)
        found |= {token for token in value.split() if re.fullmatch(r"[a-z][a-z0-9-]*", token)}
    return found


@pytest.fixture(scope="module")
def bootstrap() -> set[str]:
    return css_classes(read(BOOTSTRAP_CSS))


@pytest.fixture(scope="module")
def trimmed() -> set[str]:
    assert (BUILD / "vendor.css").exists(), "static/build/ is missing: `make setup` builds it"
    return css_classes(read(BUILD / "vendor.css"))


def missing(used: set[str], bootstrap: set[str], trimmed: set[str]) -> list[str]:
    return sorted((used & bootstrap) - trimmed)


# Bootstrap's classes ---------------------------------------------------------------------------

def test_the_build_holds_every_bootstrap_class_the_templates_use(bootstrap, trimmed):
    used = set()
    for template in (BASE_DIR / "templates").rglob("*.html"):
        used |= classes_in_markup(read(template))

    assert len(used & bootstrap) > 200  # the crawl sees the templates' classes
    assert not missing(used, bootstrap, trimmed), (
        "Bootstrap classes the templates use are not in static/build/vendor.css: run `make setup`")


def test_the_build_holds_the_classes_scripts_and_python_code_give(bootstrap, trimmed):
    used = set()
    for script in (BASE_DIR / "static" / "js").glob("*.js"):
        for call in re.findall(r"classList\.(?:add|remove|toggle|replace)\(([^)]*)\)", read(script)):
            used |= set(re.findall(r"[\"']([a-z][a-z0-9-]*)[\"']", call))
    for app in APPS:
        for module in (BASE_DIR / app).rglob("*.py"):
            for value in re.findall(r"[\"']class[\"']\]?\s*[:=]\s*f?\"([^\"{]*)", read(module)):
                used |= set(value.split())

    assert {"is-invalid", "form-control", "form-select"} <= used
    assert not missing(used, bootstrap, trimmed)


def test_the_build_holds_what_bootstraps_scripts_and_the_messages_add(bootstrap, trimmed):
    # The collapse of the phone's menu, the dropdowns and the dialogs (journal grid, attendance).
    states = {"show", "collapsing", "fade", "modal-backdrop", "modal-open",
              "modal-static", "dropdown-menu-end"}
    # base.html shows a message as alert-{tag}, «error» as alert-danger.
    alerts = {f"alert-{tag}" for tag in message_levels.DEFAULT_TAGS.values()} | {"alert-danger"}

    assert not missing(states | alerts, bootstrap, trimmed)
    assert ".dropdown-menu[data-bs-popper]" in read(BUILD / "vendor.css")


class EveryWidget(forms.Form):
    name = forms.CharField(label="Имя", help_text="Как в документе")
    note = forms.CharField(label="Заметка", widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(label="Вид", choices=[("a", "А"), ("b", "Б")])
    way = forms.ChoiceField(label="Способ", choices=[("a", "А"), ("b", "Б")],
                            widget=forms.RadioSelect)
    days = forms.MultipleChoiceField(label="Дни", choices=[("1", "Пн"), ("2", "Вт")],
                                     widget=forms.CheckboxSelectMultiple)
    agree = forms.BooleanField(label="Согласен")
    file = forms.FileField(label="Файл", required=False)
    when = forms.DateField(label="Дата", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        raise forms.ValidationError("Ошибка формы")


def test_a_form_rendered_through_crispy_keeps_its_bootstrap_classes(bootstrap, trimmed):
    """crispy-forms' templates live in the Python environment, which the build does not read:
    the safelist keeps their classes, and this form (every kind of field, with errors) shows
    whether it still does."""
    template = Template("{% load crispy_forms_tags %}{{ form|crispy }}{{ valid|crispy }}")
    html = template.render(Context({"form": EveryWidget(data={"way": "c"}),
                                    "valid": EveryWidget()}))
    used = classes_in_markup(html)

    assert {"is-invalid", "invalid-feedback", "form-check-input", "form-select"} <= used
    assert not missing(used, bootstrap, trimmed)
    for attribute in ('[type="checkbox"]', "[type=checkbox]"):
        if attribute in read(BOOTSTRAP_CSS):
            assert f".form-check-input{attribute}" in read(BUILD / "vendor.css")


# Icons -----------------------------------------------------------------------------------------

def icons_named() -> dict[str, str]:
    """Every `bi-…` icon the templates and scripts name, and the ones Python code hands them
    (diary/views.py names the diary's tabs' icons): icon → a file naming it."""
    named = {}
    sources = [*(BASE_DIR / "templates").rglob("*.html"), *(BASE_DIR / "static" / "js").glob("*.js")]
    for source in sources:
        for name in re.findall(r"\bbi-[a-z0-9]+(?:-[a-z0-9]+)*", read(source)):
            named.setdefault(name, str(source.relative_to(BASE_DIR)))
    for app in APPS:
        for module in (BASE_DIR / app).rglob("*.py"):
            for name in re.findall(r"[\"'](bi-[a-z0-9]+(?:-[a-z0-9]+)*)[\"']", read(module)):
                named.setdefault(name, str(module.relative_to(BASE_DIR)))
    return named


def test_every_icon_the_site_names_is_a_bootstrap_icon_and_is_drawn():
    named = icons_named()
    css = read(BUILD / "vendor.css")
    drawn = set(re.findall(r"\.(bi-[a-z0-9-]+)\{--bi-icon:url\(\"data:image/svg\+xml,", css))

    assert {"bi-bell", "bi-calendar-week", "bi-123"} <= set(named)  # templates and diary/views.py
    unknown = {name: where for name, where in named.items()
               if not (ICONS / f"{name[3:]}.svg").exists()}
    assert not unknown, f"not icons of Bootstrap Icons: {unknown}"
    assert not set(named) - drawn, f"named but not drawn (run `make setup`): {set(named) - drawn}"
    assert '.bi::before,[class^="bi-"]::before' in css


def test_no_icon_font_is_downloaded():
    css = read(BUILD / "vendor.css")

    assert "@font-face" not in css
    assert not re.search(r"\.woff2?\b", css)


# The week as production serves it --------------------------------------------------------------

built = built_once(lambda: call_command("seed_demo", size="small", verbosity=0), FRIDAY_EVENING)


@pytest.fixture(scope="module")
def production_static(tmp_path_factory):
    """The static files collected as the Dockerfile and `make demo` collect them (hashed names,
    Brotli and gzip), served by WhiteNoise from there as in production; but for the setup site's
    and the packages' own, which no family page links (a quarter of the time)."""
    root = tmp_path_factory.mktemp("collected-static")
    storages = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages, WHITENOISE_USE_FINDERS=False,
                           WHITENOISE_AUTOREFRESH=False):
        call_command("collectstatic", interactive=False, verbosity=0,
                     ignore_patterns=["admin", "guardian", "django_otp", "otp_totp"])
        yield root


@pytest.fixture
def demo_parent(db, built, production_static) -> Client:
    client = Client()  # its own middleware, made with the production settings above
    client.force_login(User.objects.get(username="parent"))
    return client


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"])
        elif tag == "script":
            self.scripts.append(attributes)


def transferred(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def week_page(client: Client) -> tuple[str, bytes]:
    """The address of the parent's first child's week and the page as transferred (gzip)."""
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        response = client.get(reverse("diary:index"), follow=True, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert re.search(r"/diary/\d+/week/$", response.request["PATH_INFO"])
    assert response["Content-Encoding"] == "gzip"
    return response.request["PATH_INFO"], response.content


def test_the_weeks_first_visit_is_under_100_kb_and_a_repeat_visit_loads_only_the_page(
        demo_parent):
    path, body = week_page(demo_parent)
    html = gzip.decompress(body).decode()
    assert html.count('data-testid="lesson"') >= 20  # a whole week of lessons
    assets = _Assets()
    assets.feed(html)
    first = repeat = len(body)
    for url in [*assets.stylesheets, *(s["src"] for s in assets.scripts if s.get("src"))]:
        response = demo_parent.get(urljoin(path, url), HTTP_ACCEPT_ENCODING="gzip, br")
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "br", url
        size = len(transferred(response))
        first += size
        repeat += 0 if "immutable" in response["Cache-Control"] else size
        if url.endswith(".css"):  # and the fonts it declares, which a browser fetches too
            css = transferred(demo_parent.get(urljoin(path, url))).decode()
            for font in set(re.findall(r"url\(\s*['\"]?([^'\")]+\.woff2?)", css)):
                first += len(transferred(demo_parent.get(urljoin(url, font))))

    assert first < FIRST_VISIT_LIMIT, f"first visit: {first} bytes"
    assert repeat == len(body), f"repeat visit: {repeat} bytes, the page {len(body)}"


def test_scripts_are_deferred_and_the_page_links_few_stylesheets(demo_parent):
    _, body = week_page(demo_parent)
    assets = _Assets()
    assets.feed(gzip.decompress(body).decode())

    assert assets.scripts and all("defer" in s for s in assets.scripts if s.get("src"))
    assert len(assets.stylesheets) <= 3
    assert not [url for url in assets.stylesheets if "//" in url]  # nothing from another site


def test_static_files_are_cached_for_good_under_their_hashed_names(demo_parent):
    url = static("build/vendor.css")
    assert re.fullmatch(r"/static/build/vendor\.[0-9a-f]{12}\.css", url)
    response = demo_parent.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    plain = demo_parent.get(url)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert age >= YEAR and "immutable" in response["Cache-Control"]
    assert len(transferred(response)) < len(transferred(plain)) / 4
    # The plain name stays for the server error page's stylesheet, but is not cached for good.
    assert "immutable" not in demo_parent.get("/static/css/error-500.css")["Cache-Control"]
