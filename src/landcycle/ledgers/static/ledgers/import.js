(function () {
  // the town and the shipped formats are offered only for the ledgers they apply to
  var kind = document.getElementById("id_kind"), fields = document.querySelectorAll("[data-kinds]");
  if (!kind || !fields.length) return;
  function show() {
    fields.forEach(function (f) {
      f.hidden = f.dataset.kinds.split(" ").indexOf(kind.value) < 0 && !f.classList.contains("has-error");
    });
  }
  kind.addEventListener("change", show);
  show();
})();
