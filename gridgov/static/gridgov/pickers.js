// Choosing from long lists by name instead of typing codes: a <select data-search> gets a
// search box above it that keeps only the choices (and groups) whose text matches, and picks
// the choice when one is left. Without JavaScript the list works as it is.
(function () {
  "use strict";
  function enhance(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-search";
    box.placeholder = select.dataset.search;
    box.setAttribute("aria-label", select.dataset.search);
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      var left = [];
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) { return; }  // the "choose…" line stays
        var group = option.parentNode.tagName === "OPTGROUP" ? option.parentNode.label : "";
        var shown = !words || (group + " " + option.text).toLowerCase().indexOf(words) >= 0;
        option.hidden = !shown;
        if (shown) { left.push(option); }
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
      if (words && left.length === 1) {
        select.value = left[0].value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("select[data-search]"), enhance);
})();
