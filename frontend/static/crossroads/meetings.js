// The meeting pages' small behaviours: plain JavaScript, bound here because the
// Content-Security-Policy runs no inline script. Every page works without them.
(function () {
  "use strict";
  // The recurrence picker shows only the parts that apply to the chosen repetition.
  document.querySelectorAll("[data-recurrence-picker]").forEach((picker) => {
    const repeat = picker.querySelector("select[name=repeat]");
    if (!repeat) return;
    const units = { daily: "day(s)", weekly: "week(s)", monthly: "month(s)" };
    const checked = (name) => {
      const radio = picker.querySelector(`input[name=${name}]:checked`);
      return radio ? radio.value : "";
    };
    const update = () => {
      picker.querySelectorAll("[data-when-repeat]").forEach((part) => {
        part.hidden = !part.dataset.whenRepeat.split(" ").includes(repeat.value);
      });
      picker.querySelectorAll("[data-when-monthly-by]").forEach((part) => {
        part.hidden = part.dataset.whenMonthlyBy !== (checked("monthly_by") || "weekday");
      });
      picker.querySelectorAll("[data-when-ends]").forEach((part) => {
        part.hidden = part.dataset.whenEnds !== checked("ends");
      });
      const unit = picker.querySelector("[data-interval-unit]");
      if (unit) unit.textContent = units[repeat.value] || "";
    };
    repeat.addEventListener("change", update);
    picker.querySelectorAll("input[type=radio]").forEach((radio) => radio.addEventListener("change", update));
    update();
  });

  // The calendar subscription address: a button copies it; the field stays selectable.
  document.querySelectorAll("[data-copy-target]").forEach((button) => {
    const field = document.getElementById(button.dataset.copyTarget);
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const done = () => {
        button.textContent = "Copied";
        setTimeout(() => { button.textContent = "Copy"; }, 2000);
      };
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, () => document.execCommand("copy") && done());
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });
})();
