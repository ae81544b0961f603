// The setup screens (templates/admin/base_site.html).
// The autocomplete boxes (select2) are named only by the value chosen in them, so an empty one
// has no name at all: name each by its field's label, or by the field's own aria-label in a
// table of rows. Runs after the admin has set the boxes up (its handlers come first).
(function () {
  function fieldName(select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim()
                 : select.getAttribute("aria-label");
  }
  function nameBox(select) {
    var container = select.nextElementSibling;
    var box = container && container.querySelector(".select2-selection");
    var name = fieldName(select);
    if (!box || !name) return;
    var label = document.querySelector('label[for="' + select.id + '"]');
    var shown = box.querySelector(".select2-selection__rendered");
    if (label && shown && shown.id) {
      // «Журнал: 5А Математика»: the label, then the chosen value, which is shown text and not
      // a text box of its own.
      label.id = label.id || select.id + "-label";
      box.setAttribute("aria-labelledby", label.id + " " + shown.id);
      shown.removeAttribute("role");
      shown.removeAttribute("aria-readonly");
    } else {
      box.removeAttribute("aria-labelledby");
      box.setAttribute("aria-label", name);
    }
    var search = box.querySelector(".select2-search__field");
    if (search) search.setAttribute("aria-label", name + ": поиск");
    // The «clear all» cross of a multiple choice sits in the list of choices as a bare span.
    box.querySelectorAll("ul > .select2-selection__clear").forEach(function (cross) {
      cross.setAttribute("aria-hidden", "true");
    });
  }
  function nameBoxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      nameBox(select);
      if (!select.dataset.named) {
        select.dataset.named = "1";
        django.jQuery(select).on("change select2:close", function () { nameBox(select); });
      }
    });
  }
  if (window.django && django.jQuery) {
    django.jQuery(function () { nameBoxes(document); });
    document.addEventListener("formset:added", function (event) { nameBoxes(event.target); });
  }
})();
