/* What-if page: recount as you edit, without reloading the page.
   Optional: without JavaScript the Recount button does the same. On each change the form
   is posted (action=recount) and the outcome and comparison sections are swapped in. */
(function () {
  "use strict";
  var form = document.getElementById("whatif-form");
  if (!form || !window.fetch || !window.DOMParser) { return; }
  var timer = null;
  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  form.parentNode.insertBefore(live, form);

  function swap(doc, id, before) {
    var fresh = doc.getElementById(id);
    var old = document.getElementById(id);
    if (old && fresh) { old.replaceWith(fresh); }
    else if (old) { old.remove(); }
    else if (fresh && before) { before.parentNode.insertBefore(fresh, before); }
  }

  function recount() {
    var data = new FormData(form);
    data.set("action", "recount");
    fetch(form.getAttribute("action") || window.location.pathname, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        swap(doc, "outcome", form);
        swap(doc, "comparison", null);
        var heading = doc.getElementById("outcome-heading");
        live.textContent = heading ? heading.textContent : "The scenario has a problem: press Recount to see it.";
      })
      .catch(function () { /* the Recount button still works */ });
  }

  form.addEventListener("input", function (event) {
    if (event.target.type === "file") { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(recount, 400);
  });
})();
