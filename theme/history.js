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

  // Served by `clausebook serve`: the stamp comes from theme/stamp.js
  // (window.CLAUSEBOOK_STAMP), rewritten after each change, so that a
  // commit does not make every page again. A built site has it as text.
  function liveStamp() {
    var s = window.CLAUSEBOOK_STAMP;
    if (!s) return;
    var r = s.revision || {};
    var els = document.querySelectorAll("[data-live-stamp] .stamp-text");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      el.textContent = "";
      el.appendChild(document.createTextNode("Published "));
      var t = document.createElement("time");
      t.setAttribute("datetime", s.published_iso);
      t.textContent = s.published;
      el.appendChild(t);
      el.appendChild(document.createTextNode(" from revision "));
      var c = document.createElement("code");
      c.title = r.commit || "";
      c.textContent = r.short || "";
      el.appendChild(c);
      var names = [];
      if (r.branch) names.push(r.branch);
      (r.tags || []).forEach(function (tag) { names.push("tag " + tag); });
      if (names.length) el.appendChild(document.createTextNode(" (" + names.join(", ") + ")"));
      if (r.dirty) {
        el.appendChild(document.createTextNode(" "));
        var d = document.createElement("strong");
        d.className = "stamp-dirty";
        d.textContent = "with uncommitted changes";
        el.appendChild(d);
      }
      if (r.shallow) el.appendChild(document.createTextNode(" · from a shallow clone: histories begin at its oldest commit"));
    }
    var shorts = document.querySelectorAll(".print-control .stamp-short");
    for (var j = 0; j < shorts.length; j++) shorts[j].textContent = r.short || "";
    var docs = document.querySelectorAll("article[data-published='']");
    for (var k = 0; k < docs.length; k++) docs[k].setAttribute("data-published", s.published_iso);
  }

  window.addEventListener("beforeprint", printDate);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { liveStamp(); reviews(); printDate(); });
  } else {
    liveStamp();
    reviews();
    printDate();
  }
})();
