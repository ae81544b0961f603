// The notice form: the grade and class fields show only for the audience that needs them.
(() => {
  "use strict";

  const form = document.querySelector("[data-testid='notice-form']");
  if (!form) return;
  const audience = form.querySelector("select[name='audience']");
  if (!audience) return;
  const wrappers = {
    grade: form.querySelector("#div_id_grade"),
    class: form.querySelector("#div_id_school_class"),
  };

  function update() {
    for (const [value, wrapper] of Object.entries(wrappers)) {
      if (wrapper) wrapper.hidden = audience.value !== value;
    }
  }

  audience.addEventListener("change", update);
  update();
})();
