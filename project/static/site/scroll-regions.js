// A table wider than its box scrolls inside it (site.css, on phones). A keyboard user must be
// able to reach it to scroll it (WCAG 2.1.1): such a table joins the tab order, named by its
// caption where it has one; it leaves it again once it fits.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table").forEach(function (table) {
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.setAttribute("data-scroll-region", "");
      } else if (!scrolls && table.hasAttribute("data-scroll-region")) {
        table.removeAttribute("tabindex");
        table.removeAttribute("data-scroll-region");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
})();
