// The mail's recipient picker: a text box that narrows the long list of people and groups
// (templates/messaging/mail/compose.html). Checked people stay visible, whatever is typed.
(function () {
  "use strict";

  function normalised(text) {
    return text.toLocaleLowerCase("ru").replace(/ё/g, "е");
  }

  function setUp(filter) {
    const picker = document.getElementById(filter.dataset.pickerFilter);
    if (!picker) return;
    const counter = document.querySelector(`[data-picker-count="${picker.id}"]`);

    function showCount() {
      if (!counter) return;
      const chosen = picker.querySelectorAll("input:checked").length;
      counter.textContent = chosen ? `Выбрано: ${chosen}` : "";
    }

    function apply() {
      const words = normalised(filter.value).split(/\s+/).filter(Boolean);
      picker.querySelectorAll("[data-picker-section]").forEach((section) => {
        const heading = normalised(section.querySelector("legend").textContent);
        let shown = 0;
        section.querySelectorAll("[data-picker-option]").forEach((option) => {
          const text = `${heading} ${normalised(option.textContent)}`;
          const match = option.querySelector("input").checked
            || words.every((word) => text.includes(word));
          option.hidden = !match;
          if (match) shown += 1;
        });
        section.hidden = shown === 0;
      });
    }

    filter.addEventListener("input", apply);
    picker.addEventListener("change", showCount);
    apply();
    showCount();
  }

  document.querySelectorAll("[data-picker-filter]").forEach(setUp);
})();
