// Tooltips for the server-rendered SVG charts: hover, focus (keyboard) or tap a mark. No library.
(function () {
  "use strict";
  var tip;
  function show(el, x, y) {
    tip = tip || document.getElementById("tip");
    if (!tip) { return; }
    tip.textContent = el.getAttribute("data-tip");
    tip.hidden = false;
    var w = tip.offsetWidth;
    tip.style.left = (window.scrollX + Math.max(4, Math.min(window.innerWidth - w - 4, x - w / 2))) + "px";
    tip.style.top = (window.scrollY + Math.max(4, y - tip.offsetHeight - 10)) + "px";
  }
  function hide() { if (tip) { tip.hidden = true; } }
  function at(el) { var r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top]; }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".chart [data-tip]").forEach(function (el) {
      el.addEventListener("mouseenter", function (e) { show(el, e.clientX, e.clientY); });
      el.addEventListener("mousemove", function (e) { show(el, e.clientX, e.clientY); });
      el.addEventListener("mouseleave", hide);
      el.addEventListener("focus", function () { var p = at(el); show(el, p[0], p[1]); });
      el.addEventListener("blur", hide);
      el.addEventListener("click", function () { var p = at(el); show(el, p[0], p[1]); });
    });
  });
})();
