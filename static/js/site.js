// Behaviour every page shares.
(function () {
  "use strict";
  // Bootstrap's dialogs ignore autofocus: the marked button takes the focus, so Enter answers.
  document.addEventListener("shown.bs.modal", (event) => {
    event.target.querySelector("[autofocus]")?.focus();
  });
})();
