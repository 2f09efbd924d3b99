// The officers' inbox: j / k move to the next / previous grievance, Enter opens it (the
// focused link does that itself). An enhancement only: the page works without it.
(function () {
  "use strict";
  var links = Array.prototype.slice.call(document.querySelectorAll(".inbox-row a.code"));
  if (!links.length) {
    return;
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey || target.isContentEditable ||
        /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName)) {
      return;
    }
    var step = event.key === "j" ? 1 : event.key === "k" ? -1 : 0;
    if (!step) {
      return;
    }
    var current = links.indexOf(document.activeElement);
    var next = current === -1 ? (step > 0 ? 0 : links.length - 1) : current + step;
    if (next < 0 || next >= links.length) {
      return;
    }
    event.preventDefault();
    links[next].focus();
    links[next].closest(".inbox-row").scrollIntoView({ block: "nearest" });
  });
})();
