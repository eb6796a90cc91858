// The warnings of the listed page on a map: one dot each, coloured by status; a click opens
// the warning. Drawn without tiles (set GRIDGOV_MAP_TILE_URL for a basemap).
(function () {
  "use strict";
  var el = document.getElementById("map");
  var data = document.getElementById("warning-points");
  if (!el || !data || !window.L) { return; }
  var points = JSON.parse(data.textContent);
  var colours = { "new": "#b3261e", handled: "#e8a33d", closed: "#2e7d32", dismissed: "#888" };
  var map = L.map(el, { attributionControl: false });
  if (!points.length) { map.setView([30.746, 120.755], 11); return; }
  var bounds = [];
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 7, color: colours[p.status] || "#4e79a7", fillOpacity: 0.8
    }).addTo(map);
    // Summaries name targets typed in by people: text, never HTML.
    var label = document.createElement("span");
    label.textContent = p.number + " " + p.label;
    marker.bindTooltip(label);
    marker.on("click", function () { window.location.href = p.url; });
    bounds.push([p.lat, p.lon]);
  });
  map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
})();
