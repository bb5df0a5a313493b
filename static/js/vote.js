/* Voting pages: take the voting code out of the address bar.
   The personal link puts the member's number and code in the address; once its ballot paper
   is shown, the address is replaced by the paper's plain one, so the code is not left in the
   browser's history or on screen. The pages work the same without this. */
(function () {
  "use strict";
  var page = document.querySelector("[data-clean-address]");
  if (page && window.location.search && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", page.getAttribute("data-clean-address"));
  }
})();
