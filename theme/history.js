// Clausebook, sites with [history]: review dates checked when the page is
// viewed (a site published months ago still flags reviews that have
// become due or overdue since), and the print date of "Uncontrolled when
// printed". Without JavaScript the build-time state stays visible.
(function () {
  "use strict";

  function today() {
    var d = new Date();
    var p = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate());
  }

  function addDays(iso, days) {
    var d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  function reviews() {
    var now = today();
    var docs = document.querySelectorAll("article[data-review-by]");
    for (var i = 0; i < docs.length; i++) {
      var a = docs[i];
      var review = a.getAttribute("data-review-by");
      var note = a.querySelector(".review-live");
      if (!review || !note || a.getAttribute("data-overdue") === "true") continue;
      var published = (a.getAttribute("data-published") || "").slice(0, 10);
      var days = parseInt(a.getAttribute("data-due-days") || "30", 10);
      if (review < now) {
        note.textContent = "The review of this document was due on " + review +
          ": it has become overdue since this page was published on " + published + ".";
        note.setAttribute("data-state", "overdue");
        note.hidden = false;
      } else if (review <= addDays(now, days)) {
        note.textContent = "The review of this document is due on " + review + ".";
        note.setAttribute("data-state", "due");
        note.hidden = false;
      }
    }
  }

  function printDate() {
    var spans = document.querySelectorAll(".print-date");
    for (var i = 0; i < spans.length; i++) spans[i].textContent = today();
  }

  window.addEventListener("beforeprint", printDate);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { reviews(); printDate(); });
  } else {
    reviews();
    printDate();
  }
})();
