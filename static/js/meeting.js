/* A branch meeting's shared device (ballots/meeting_devices.py): leave nothing of the last voter.
   - "Next voter" opens a blank start page in place of the receipt (location.replace), so
     Back does not bring the receipt again.
   - A page marked data-idle-return goes back to the start by itself after that many seconds
     without a key press, click or touch, in the same way: each one starts the count again, so
     someone who needs longer is never hurried off the page.
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
      var timer = null;
      var restart = function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          window.location.replace(idle.getAttribute("data-idle-return"));
        }, seconds * 1000);
      };
      ["keydown", "pointerdown", "touchstart", "input"].forEach(function (kind) {
        document.addEventListener(kind, restart, { passive: true });
      });
      restart();
    }
  }
})();
