// Families' access and staff logins: a form that issues passwords answers with the slips' PDF,
// which the browser downloads while the page stays. The server sets a cookie with the form's
// token when the PDF goes out; once it is there the page reloads to show the new status (and
// the messages about who got a slip), or goes to the form's data-after page.
(function () {
  "use strict";
  const COOKIE = "slips_downloaded";

  function token() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function cookieValue() {
    const found = document.cookie.split("; ").find((c) => c.startsWith(`${COOKIE}=`));
    return found ? decodeURIComponent(found.slice(COOKIE.length + 1)) : "";
  }

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-slip-form]");
    if (!form) return;
    const expected = token();
    form.querySelector('input[name="download_token"]').value = expected;
    const started = Date.now();
    const timer = setInterval(() => {
      if (cookieValue() === expected) {
        clearInterval(timer);
        document.cookie = `${COOKIE}=; Max-Age=0; path=/; SameSite=Strict`;
        if (form.dataset.after) window.location.assign(form.dataset.after);
        else window.location.reload();
      } else if (Date.now() - started > 120000) {
        clearInterval(timer);
      }
    }, 300);
  });
})();
