// The new scenario's checklist rows: as one types a code or words of a name into a power
// field, the jurisdiction's items of that kind in force come up as suggestions, from the
// catalogue API. Without scripts the fields still take a code typed in full.
(function () {
  "use strict";
  var form = document.getElementById("scenario-form");
  if (!form || !window.fetch) { return; }
  var timer = null;

  function suggest(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var text = input.value.trim();
    if (!list || !text) { return; }
    var query = "?jurisdiction=" + encodeURIComponent(form.dataset.jurisdiction) +
      "&kind=" + encodeURIComponent(input.dataset.kind) + "&status=active&page_size=20" +
      "&q=" + encodeURIComponent(text);
    fetch(form.dataset.powers + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (body) {
        list.replaceChildren();
        body.results.forEach(function (row) {
          var option = document.createElement("option");
          option.value = row.code;
          option.textContent = row.code + " " + row.name + (row.department ? " · " + row.department.name : "");
          list.appendChild(option);
        });
      });
  }

  form.addEventListener("input", function (e) {
    if (!e.target.dataset || !e.target.dataset.kind) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(e.target); }, 250);
  });
})();
