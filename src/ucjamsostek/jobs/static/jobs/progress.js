// Polls a background job's status and updates its progress bar; no library, no CDN.
// When the job ends: on success go to data-done-url if given (or the job result's "url"),
// otherwise reload the page.
(function () {
  "use strict";
  function poll(box) {
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector(".job-progress-bar");
    var pct = box.querySelector(".job-progress-percent");
    var stage = box.querySelector(".job-progress-stage");
    var rows = box.querySelector(".job-progress-rows");
    var msg = box.querySelector(".job-progress-message");
    var delay = 600;
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          bar.value = s.percent; bar.textContent = s.percent + "%";
          pct.textContent = s.percent + "%";
          if (s.stage) { stage.textContent = s.stage; }
          if (rows) { rows.textContent = s.rows_text || ""; rows.hidden = !s.rows_text; }
          box.setAttribute("data-status", s.status);
          if (s.message) { msg.textContent = s.message; msg.hidden = false; }
          if (s.status === "failed") { msg.classList.add("error"); }
          if (s.finished) {
            var target = box.getAttribute("data-done-url") || (s.result && s.result.url);
            // A finished job's page is rendered by the server (result or failure with next steps);
            // it does not poll again, so reloading cannot loop.
            if (target && s.status === "done") { window.location.assign(target); } else { window.location.reload(); }
            return;
          }
          setTimeout(tick, delay);
        })
        .catch(function () { setTimeout(tick, delay * 3); });
    }
    tick();
  }
  function init() {
    var boxes = document.querySelectorAll(".job-progress");
    for (var i = 0; i < boxes.length; i++) {
      var s = boxes[i].getAttribute("data-status");
      if (s !== "done" && s !== "failed") { poll(boxes[i]); }
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
