// Behaviour every page shares, without inline script (the Content-Security-Policy forbids it):
//   <form data-confirm="Yakin?"> or <button data-confirm="Yakin?">: ask before submitting;
//   <select data-autosubmit>: submit its form when the choice changes;
//   <span data-width="42">: a bar drawn at 42 % of its track;
//   <button data-shortcut="ctrl+enter">: Ctrl+Enter (Cmd+Enter on a Mac) presses it.
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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bars);
  } else {
    bars();
  }
})();
