// Small behaviours declared in the markup, so that no page needs an inline script or handler (the Content Security
// Policy allows scripts from this site only): <form data-confirm="…"> asks before it is sent, [data-print] prints, [data-back] goes back,
// a <select data-autosubmit> sends its form when it changes.
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) field.form.submit();
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest("[data-print]")) window.print();
    if (event.target.closest("[data-back]") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
