// The mail's recipient picker: a text box that narrows the long list of people and groups
// (templates/messaging/mail/compose.html). Chosen options stay visible, whatever is typed.
(function () {
  "use strict";

  function normalised(text) {
    return text.toLocaleLowerCase("ru").replace(/ё/g, "е");
  }

  function setUp(filter) {
    const select = document.getElementById(filter.dataset.pickerFilter);
    if (!select) return;
    const counter = document.querySelector(`[data-picker-count="${select.id}"]`);

    function showCount() {
      if (!counter) return;
      const chosen = select.selectedOptions.length;
      counter.textContent = chosen ? `Выбрано: ${chosen}` : "";
    }

    function apply() {
      const words = normalised(filter.value).split(/\s+/).filter(Boolean);
      select.querySelectorAll("optgroup").forEach((group) => {
        const section = normalised(group.label);
        let shown = 0;
        group.querySelectorAll("option").forEach((option) => {
          const text = `${section} ${normalised(option.textContent)}`;
          const match = option.selected || words.every((word) => text.includes(word));
          option.hidden = !match;
          if (match) shown += 1;
        });
        group.hidden = shown === 0;
      });
    }

    filter.addEventListener("input", apply);
    select.addEventListener("change", showCount);
    apply();
    showCount();
  }

  document.querySelectorAll("[data-picker-filter]").forEach(setUp);
})();
