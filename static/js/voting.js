/* Voting pages: small helps on top of pages that work without JavaScript.
   - Move focus to the error summary, so a screen reader reads the problem first.
   - Stop a second press of a submit button sending the form twice (the server counts
     a vote once anyway; this just spares the member a confusing "already voted" page). */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
  document.querySelectorAll("form.js-once").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
    });
  });
})();
