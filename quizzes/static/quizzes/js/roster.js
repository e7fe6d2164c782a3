/* October Quiz: the "Print the slips" button on the sheet of new accounts. Without it, the browser's Print works. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
