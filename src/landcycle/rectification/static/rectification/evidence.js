// The progress report on a phone: list the photos and files chosen so far (camera and album/files are two inputs
// with the same name; the server receives both). Without script the inputs still work; only the list is missing.
(function () {
  var list = document.getElementById("evidence-chosen");
  if (!list) return;
  var inputs = document.querySelectorAll('.evidence input[type="file"]');
  function size(n) {
    return n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(n / 1024)) + " KB";
  }
  function show() {
    list.textContent = "";
    inputs.forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) {
        var li = document.createElement("li");
        li.textContent = f.name + " · " + size(f.size);
        list.appendChild(li);
      });
    });
  }
  inputs.forEach(function (input) { input.addEventListener("change", show); });
  show();
})();
