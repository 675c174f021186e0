// Behaviour every page shares, without inline script (the Content-Security-Policy forbids it):
//   <form data-confirm="Yakin?"> or <button data-confirm="Yakin?">: ask before submitting;
//   <select data-autosubmit>: submit its form when the choice changes;
//   <span data-width="42">: a bar drawn at 42 % of its track;
//   <button data-shortcut="ctrl+enter">: Ctrl+Enter (Cmd+Enter on a Mac) presses it;
//   <p id="capacity" data-rates data-payers data-template>: the budget form's "kapasitas pagu ≈ N
//     orang", recomputed from the ceiling, months and funder fields as the user types.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) {
      return;
    }
    var button = document.querySelector('[data-shortcut="ctrl+enter"]');
    if (button && button.form) {
      event.preventDefault();
      button.form.requestSubmit ? button.form.requestSubmit(button) : button.click();
    }
  });
  function bars() {
    document.querySelectorAll("[data-width]").forEach(function (bar) {
      var value = parseFloat(bar.getAttribute("data-width"));
      if (!isNaN(value)) {
        bar.style.width = Math.max(0, Math.min(100, value)) + "%";
      }
    });
  }
  function capacity() {
    var out = document.getElementById("capacity");
    var form = out && out.closest("form");
    if (!form) {
      return;
    }
    var rates = JSON.parse(out.getAttribute("data-rates") || "{}");
    var payers = JSON.parse(out.getAttribute("data-payers") || "{}");
    var lang = document.documentElement.lang === "en" ? "en-US" : "id-ID";
    function field(name) {
      var el = form.elements[name];
      return el ? el.value : "";
    }
    function update() {
      var ceiling = parseInt(field("ceiling").replace(/[^0-9]/g, ""), 10);
      var months = parseInt(field("months"), 10);
      var rate = rates[payers[field("funder")] || "public"];
      if (!rate || !(months > 0) || isNaN(ceiling)) {
        out.textContent = "";
        return;
      }
      out.textContent = out.getAttribute("data-template")
        .replace("{people}", Math.floor(ceiling / (rate * months)).toLocaleString(lang))
        .replace("{rate}", "Rp" + rate.toLocaleString(lang))
        .replace("{months}", String(months));
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
  }
  function ready() {
    bars();
    capacity();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
