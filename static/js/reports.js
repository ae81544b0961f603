// A report's form: the class is asked only for a class, the grade only for a grade, the dates
// only when no study period is chosen. The fields stay in the form, so without this script
// everything still works.
(() => {
  "use strict";

  function update(form) {
    const scope = form.querySelector("input[name=scope]:checked") || form.querySelector("input[name=scope]");
    const period = form.querySelector("[data-report-period]");
    form.querySelectorAll("[data-report-scope]").forEach((box) => {
      box.hidden = Boolean(scope) && box.dataset.reportScope !== scope.value;
    });
    form.querySelectorAll("[data-report-dates]").forEach((box) => {
      box.hidden = Boolean(period && period.value);
    });
  }

  document.querySelectorAll("[data-report-form]").forEach((form) => {
    update(form);
    form.addEventListener("change", () => update(form));
  });
})();
