/* A branch meeting's shared device (ballots/voting/meeting.py): leave nothing of the last voter.
   - "Next voter" opens a blank start page in place of the receipt (location.replace), so
     Back does not bring the receipt again.
   - A page marked data-idle-return goes back to the start by itself after that many seconds,
     in the same way (the page's meta refresh does it a moment later without JavaScript).
   The pages work the same without this. */
(function () {
  "use strict";
  document.querySelectorAll("a[data-next-voter]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.location.replace(link.href);
    });
  });
  var idle = document.querySelector("[data-idle-return]");
  if (idle) {
    var seconds = parseInt(idle.getAttribute("data-idle-seconds"), 10);
    if (seconds > 0) {
      window.setTimeout(function () {
        window.location.replace(idle.getAttribute("data-idle-return"));
      }, seconds * 1000);
    }
  }
})();
