// A counter under each text box that has a length limit (data-limit). The server refuses a
// text past its limit with both numbers; the counter only says so earlier. No maxlength:
// the browser would cut a pasted note short without a word.
(function () {
  "use strict";
  const number = new Intl.NumberFormat();
  document.querySelectorAll("textarea[data-limit]").forEach((box) => {
    const limit = Number(box.dataset.limit);
    const counter = document.createElement("small");
    counter.className = "muted char-counter";
    counter.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", counter);
    function update() {
      const length = box.value.length;
      counter.textContent = number.format(length) + " / " + number.format(limit) + " characters";
      counter.classList.toggle("over", length > limit);
      if (length > limit) {
        counter.textContent += ": " + number.format(length - limit) + " too many";
      }
    }
    box.addEventListener("input", update);
    update();
  });
})();
