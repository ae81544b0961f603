// The information letter's order form: the dates are asked only for a span of one's own (no
// study period chosen), the choice of files only for the whole class. The fields stay in the
// form, so without this script everything still works.
(() => {
  "use strict";

  function update(form) {
    const period = form.querySelector("[data-letters-period]");
    const student = form.querySelector("[data-letters-student]");
    form.querySelectorAll("[data-letters-dates]").forEach((box) => {
      box.hidden = Boolean(period && period.value);
    });
    form.querySelectorAll("[data-letters-files]").forEach((box) => {
      box.hidden = Boolean(student && student.value);
    });
  }

  document.querySelectorAll("[data-letter-form]").forEach((form) => {
    update(form);
    form.addEventListener("change", () => update(form));
  });
})();
