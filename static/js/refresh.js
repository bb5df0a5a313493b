// Reloads a page that shows work in progress (an element with data-auto-refresh="seconds"),
// so an officer watching emails go out need not press Refresh. The page works without it.
(function () {
  var element = document.querySelector("[data-auto-refresh]");
  if (!element) {
    return;
  }
  var seconds = parseInt(element.getAttribute("data-auto-refresh"), 10);
  if (seconds > 0) {
    window.setTimeout(function () {
      window.location.reload();
    }, seconds * 1000);
  }
})();
