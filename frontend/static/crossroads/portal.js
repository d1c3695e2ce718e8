// Small behaviours shared by the pages: plain JavaScript, no build step. They are bound here
// because the Content-Security-Policy runs no inline script and no on* attribute.
(function () {
  "use strict";
  // A read-only field meant for copying (the calendar subscription address) selects itself.
  document.querySelectorAll("[data-select-on-click]").forEach((field) => {
    field.addEventListener("click", () => field.select());
  });
  // A select that decides what the rest of the page is about submits its form at once; the
  // form's own button does the same without JavaScript.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
})();
