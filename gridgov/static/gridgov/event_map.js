// An event's place on a small map (no tiles needed: a pin on a plain background still shows
// where it is relative to the user's zoom; set GRIDGOV_MAP_TILE_URL for a basemap elsewhere).
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var point = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  var map = L.map(el, { attributionControl: false }).setView(point, 16);
  L.circleMarker(point, { radius: 9, color: "#b3261e", fillOpacity: 0.9 }).addTo(map);
})();
