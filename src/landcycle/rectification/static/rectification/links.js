/* Typed lists of objects (相关地块、企业、合同: several, separated by commas). A <datalist> suggests whole
   values only; this keeps what was typed before the last comma in front of each suggestion, so that the
   list helps with the second and third object too. Without JavaScript the field still takes typed text. */
(function () {
  "use strict";
  var SEPARATORS = /[,，、;；]/g;
  document.querySelectorAll("input[data-multi][list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var options = Array.prototype.map.call(list.options, function (o) { return [o.value, o.textContent]; });
    var shown = null;
    function refresh() {
      var value = input.value, last = -1, m;
      SEPARATORS.lastIndex = 0;
      while ((m = SEPARATORS.exec(value)) !== null) last = m.index;
      var head = last >= 0 ? value.slice(0, last + 1).replace(/\s*$/, " ") : "";
      if (head === shown) return;
      shown = head;
      var taken = head.split(SEPARATORS).map(function (s) { return s.trim(); });
      var frag = document.createDocumentFragment();
      options.forEach(function (o) {
        if (taken.indexOf(o[0]) >= 0) return;
        var option = document.createElement("option");
        option.value = head + o[0];
        option.textContent = o[1];
        frag.appendChild(option);
      });
      list.replaceChildren(frag);
    }
    input.addEventListener("input", refresh);
    input.addEventListener("focus", refresh);
  });
})();
