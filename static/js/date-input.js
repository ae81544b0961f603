// Date fields (`data-date-input`) are text fields in ДД.ММ.ГГГГ: a native date input would
// show the browser's format instead (mm/dd/yyyy in an English browser). This adds two aids:
// dots typed for the user on a phone's digit keyboard, and a button that opens the browser's
// own calendar, whose choice is written back as ДД.ММ.ГГГГ.
(() => {
  "use strict";

  const pad = (n) => String(n).padStart(2, "0");

  function toIso(text) {
    const m = /^(\d{1,2})[.,/ -](\d{1,2})[.,/ -](\d{4})$/.exec(text.trim());
    return m ? `${m[3]}-${pad(m[2])}-${pad(m[1])}` : "";
  }

  function fromIso(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    return m ? `${m[3]}.${m[2]}.${m[1]}` : "";
  }

  // Typing digits one by one, 16 becomes "16." and 16.11 becomes "16.11.", so a phone's
  // digit keyboard, which has no dot, is enough; a dot typed right after one is dropped.
  function addDots(input, event) {
    if (event.inputType !== "insertText" || !event.data || event.data.length !== 1) return;
    if (input.selectionStart !== input.value.length) return;
    if (event.data === "." && input.value.endsWith("..")) {
      input.value = input.value.slice(0, -1);
    } else if (/^\d{2}$|^\d{1,2}\.\d{2}$/.test(input.value)) {
      input.value += ".";
    }
  }

  function enhance(input) {
    if (input.dataset.dateReady) return;
    input.dataset.dateReady = "1";
    input.addEventListener("input", (event) => addDots(input, event));

    const native = document.createElement("input");
    if (!("showPicker" in native)) return;
    native.type = "date";
    native.tabIndex = -1;
    native.setAttribute("aria-hidden", "true");
    native.className = "date-input-native";

    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary date-input-button d-print-none";
    button.innerHTML = '<i class="bi bi-calendar3" aria-hidden="true"></i>';
    button.setAttribute("aria-label", "Выбрать дату в календаре");
    button.title = "Выбрать дату в календаре";

    let group = input.closest(".input-group");
    if (!group) {
      group = document.createElement("span");
      group.className = "input-group flex-nowrap date-input-group";
      if (input.classList.contains("form-control-sm")) group.classList.add("input-group-sm");
      // The width asked of the field goes to the group, so the button stays beside it.
      group.style.width = input.style.width ? `calc(${input.style.width} + 2.5rem)` : "";
      input.style.width = "";
      input.replaceWith(group);
      group.append(input);
    }
    group.classList.add("position-relative");
    group.append(button, native);

    button.addEventListener("click", () => {
      native.value = toIso(input.value);
      try {
        native.showPicker();
      } catch (error) {
        input.focus();  // the calendar is only an aid: typing always works
      }
    });
    native.addEventListener("change", () => {
      if (!native.value) return;
      input.value = fromIso(native.value);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
  }

  function enhanceAll(root) {
    root.querySelectorAll("input[data-date-input]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", () => enhanceAll(document));
  // Fragments that htmx swaps in (dialogs, rows) may hold date fields too.
  document.addEventListener("htmx:load", (event) => enhanceAll(event.target));
})();
