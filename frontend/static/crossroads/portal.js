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

  // The idle lock. The server ends a session unused for the idle limit; using the page
  // (a key, a click, a scroll) tells it so at most once a minute, through a keep-alive that
  // renews the session's activity cookie, and tells the dashboard's socket with a
  // "crossroads:active" event. A page left alone reloads once the limit has passed, so
  // the sign-in page replaces what it showed.
  const activeUrl = document.body.dataset.sessionActiveUrl;
  if (activeUrl) {
    const idleMs = Number(document.body.dataset.idleSeconds || 1800) * 1000;
    const REPORT_EVERY = 60 * 1000;
    let lastReport = Date.now(); // loading the page was activity
    let lockTimer = null;
    const lock = () => location.replace(location.pathname + location.search);
    const armLock = () => {
      clearTimeout(lockTimer);
      lockTimer = setTimeout(lock, idleMs + 5000);
    };
    const onActivity = () => {
      armLock();
      const now = Date.now();
      if (now - lastReport < REPORT_EVERY) return;
      lastReport = now;
      document.dispatchEvent(new CustomEvent("crossroads:active"));
      fetch(activeUrl, { credentials: "same-origin", cache: "no-store" })
        .then((response) => {
          if (response.status === 401) lock();
        })
        .catch(() => {});
    };
    ["pointerdown", "keydown", "wheel", "touchstart"].forEach((type) => {
      document.addEventListener(type, onActivity, { passive: true });
    });
    armLock();
  }
})();
