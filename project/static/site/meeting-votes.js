/* The review meeting's vote boxes: an "all present agree" button that fills every box with
   the number present, and a running total of the votes typed. The server still checks each
   vote (between 0 and the number present). No inline script or style (CSP). */
(function () {
  "use strict";

  function init() {
    var tools = document.querySelector("[data-vote-tools]");
    if (!tools) return;
    var form = tools.closest("form");
    var present = form.querySelector("input[name=present]");
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[data-vote]"));
    var total = tools.querySelector("[data-votes-total]");
    var filled = tools.querySelector("[data-votes-filled]");
    var notice = tools.querySelector("[data-votes-notice]");
    var button = tools.querySelector("[data-all-agree]");

    function count() {
      var sum = 0;
      var typed = 0;
      boxes.forEach(function (box) {
        var value = box.value.trim();
        if (value === "") return;
        var number = Number(value);
        if (Number.isInteger(number) && number >= 0) {
          sum += number;
          typed += 1;
        }
      });
      total.textContent = String(sum);
      filled.textContent = String(typed);
    }

    button.addEventListener("click", function () {
      var value = present ? present.value.trim() : "";
      var number = Number(value);
      if (value === "" || !Number.isInteger(number) || number < 0) {
        notice.textContent = notice.getAttribute("data-need-present") || "";
        notice.hidden = false;
        if (present) present.focus();
        return;
      }
      notice.hidden = true;
      boxes.forEach(function (box) {
        box.value = String(number);
      });
      count();
    });

    boxes.forEach(function (box) {
      box.addEventListener("input", count);
    });
    tools.hidden = false;
    count();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
