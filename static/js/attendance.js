// A class's attendance week (journal/attendance/week.html).
(() => {
  "use strict";
  // The day's form comes by htmx into the dialog; without scripts the link opens it as a page.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id === "absence-day-body") {
      bootstrap.Modal.getOrCreateInstance(document.getElementById("absence-day")).show();
    }
  });
})();
