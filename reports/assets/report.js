// privacy-scan HTML report: filtering and sorting of findings, and printing everything expanded.
// Inlined into the page and allowed by its sha256 in the Content-Security-Policy. Without it,
// every finding stays visible and expanded. It reads the page and never writes HTML: nodes are
// only moved, shown or hidden, so app and policy text stays the escaped text the server wrote.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("finding-list");
  if (!form || !list) {
    return;
  }
  var byId = function (id) { return document.getElementById(id); };
  var severity = byId("f-severity");
  var rule = byId("f-rule");
  var sdk = byId("f-sdk");
  var text = byId("f-text");
  var sort = byId("f-sort");
  var count = byId("f-count");
  var noMatch = byId("no-match");
  var cards = Array.prototype.slice.call(list.querySelectorAll(".finding"));
  var haystack = cards.map(function (card) { return card.textContent.toLowerCase(); });

  function apply() {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card, i) {
      var d = card.dataset;
      var ok = (!severity.value || d.severity === severity.value) &&
        (!rule.value || d.rule === rule.value) &&
        (!sdk.value || d.sdk === sdk.value) &&
        words.every(function (w) { return haystack[i].indexOf(w) !== -1; });
      card.classList.toggle("filtered-out", !ok);
      if (ok) {
        shown += 1;
      }
    });
    count.textContent = shown === cards.length
      ? cards.length + " findings"
      : shown + " of " + cards.length + " findings";
    noMatch.hidden = shown !== 0;
  }

  function compare(key) {
    var order = function (a, b) { return Number(a.dataset.order) - Number(b.dataset.order); };
    if (key === "rule") {
      return function (a, b) {
        return a.dataset.rule.localeCompare(b.dataset.rule) || order(a, b);
      };
    }
    if (key === "subject") {
      return function (a, b) {
        return a.dataset.subject.localeCompare(b.dataset.subject) || order(a, b);
      };
    }
    return function (a, b) {
      return Number(b.dataset.rank) - Number(a.dataset.rank) || order(a, b);
    };
  }

  function reorder() {
    cards.slice().sort(compare(sort.value)).forEach(function (card) {
      list.appendChild(card);
    });
  }

  function setOpen(open) {
    cards.forEach(function (card) { card.open = open; });
  }

  [severity, rule, sdk].forEach(function (el) { el.addEventListener("change", apply); });
  text.addEventListener("input", apply);
  sort.addEventListener("change", reorder);
  byId("f-expand").addEventListener("click", function () { setOpen(true); });
  byId("f-collapse").addEventListener("click", function () { setOpen(false); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  // Printing shows every finding expanded, whatever the filters and toggles say.
  var closedBeforePrint = [];
  window.addEventListener("beforeprint", function () {
    closedBeforePrint = Array.prototype.slice.call(
      document.querySelectorAll("details:not([open])")
    );
    closedBeforePrint.forEach(function (el) { el.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedBeforePrint.forEach(function (el) { el.open = false; });
    closedBeforePrint = [];
  });

  form.hidden = false;
  document.documentElement.classList.add("js");
  apply();
}());
