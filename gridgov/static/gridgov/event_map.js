// An event's place: a pin over the micro-grids of its grid (drawn from the region API, so no
// tiles are needed; set GRIDGOV_MAP_TILE_URL for a basemap where one is available).
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var point = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  var map = L.map(el, { attributionControl: false }).setView(point, 16);
  if (el.dataset.geojson) {
    fetch(el.dataset.geojson, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        L.geoJSON(data, {
          style: function (f) {
            return f.properties.role === "focus" ? { color: "#b3261e", weight: 2, fill: false }
              : { color: "#4e79a7", weight: 1, fillOpacity: 0.08 };
          },
          // Region names come from uploaded files: text, never HTML.
          onEachFeature: function (f, l) {
            var label = document.createElement("span");
            label.textContent = f.properties.name;
            l.bindTooltip(label, { sticky: true });
          }
        }).addTo(map);
        marker.bringToFront();
      });
  }
  var marker = L.circleMarker(point, { radius: 9, color: "#b3261e", fillOpacity: 0.9 }).addTo(map);
})();
