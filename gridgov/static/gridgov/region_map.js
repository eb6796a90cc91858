// Draws a region and its children from the API's GeoJSON. Without a configured tile URL the
// polygons are drawn on a plain background, which works offline.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { preferCanvas: true, attributionControl: !!el.dataset.tiles });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  }
  var palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
  fetch(el.dataset.geojson, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      var i = 0;
      var layer = L.geoJSON(data, {
        style: function (f) {
          if (f.properties.role === "focus") {
            return { color: "#b3261e", weight: 3, fill: false };
          }
          var colour = palette[i++ % palette.length];
          return { color: "#ffffff", weight: 1, fillColor: colour, fillOpacity: 0.55 };
        },
        onEachFeature: function (f, l) {
          if (f.properties.role === "focus") { return; }
          // Names come from uploaded files and rosters: text nodes, never HTML.
          var label = document.createElement("div");
          label.textContent = f.properties.name;
          if (f.properties.leader) {
            var leader = document.createElement("div");
            leader.textContent = f.properties.leader;
            label.appendChild(leader);
          }
          l.bindTooltip(label, { sticky: true });
          l.on("click", function () { window.location.href = "/regions/" + encodeURIComponent(f.properties.code) + "/"; });
        }
      }).addTo(map);
      if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
      else { map.setView([30.75, 120.75], 9); }
    })
    .catch(function () { el.textContent = el.dataset.error || "—"; });
})();
