// Behaviour every page shares. No page has inline scripts or style attributes (the site's
// Content-Security-Policy refuses them): what they did is done here, from data-* attributes.
(function () {
  "use strict";
  // Bootstrap's dialogs ignore autofocus: the marked button takes the focus, so Enter answers.
  document.addEventListener("shown.bs.modal", (event) => {
    event.target.querySelector("[autofocus]")?.focus();
  });

  // A choice that shows its result at once (a period's marks): the form goes when it changes.
  document.addEventListener("change", (event) => {
    const field = event.target.closest?.("[data-submit-on-change]");
    if (field && field.form) field.form.submit();
  });

  // Progress bars take their width from data-progress (a percentage, 0–100).
  function sizeBars(root) {
    root.querySelectorAll("[data-progress]").forEach((bar) => {
      const value = Math.min(100, Math.max(0, Number(bar.dataset.progress) || 0));
      bar.style.width = `${value}%`;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => sizeBars(document));
  } else {
    sizeBars(document);
  }
  document.addEventListener("htmx:load", (event) => sizeBars(event.target));
})();
