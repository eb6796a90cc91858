// The report form's map: tap to drop the pin, or use the device's location (browsers give
// WGS84). The pin's point fills the hidden lon/lat fields and looks for reports nearby.
// window.gridgovMap is the Leaflet map, so end-to-end tests can click a known point.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var lonField = document.getElementById("lon");
  var latField = document.getElementById("lat");
  var label = document.getElementById("point-label");
  var category = document.getElementById("category");
  var duplicates = document.getElementById("duplicates");
  var map = L.map(el, { preferCanvas: true, attributionControl: false });
  window.gridgovMap = map;
  map.setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], 15);
  var marker = null;

  function setPoint(lat, lon) {
    lonField.value = lon.toFixed(7);
    latField.value = lat.toFixed(7);
    label.textContent = lon.toFixed(6) + ", " + lat.toFixed(6);
    if (marker) { marker.setLatLng([lat, lon]); } else { marker = L.circleMarker([lat, lon], { radius: 8, color: "#b3261e", fillOpacity: 0.9 }).addTo(map); }
    suggestDuplicates();
  }

  function suggestDuplicates() {
    if (!duplicates || !category.value || !lonField.value) { return; }
    var url = duplicates.dataset.url + "?category=" + encodeURIComponent(category.value) +
      "&lon=" + lonField.value + "&lat=" + latField.value;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (rows) {
        duplicates.replaceChildren();
        duplicates.classList.toggle("hidden", rows.length === 0);
        if (!rows.length) { return; }
        var title = document.createElement("p");
        title.textContent = duplicates.dataset.title;
        duplicates.appendChild(title);
        rows.forEach(function (row) {
          var link = document.createElement("a");
          link.href = "/events/" + encodeURIComponent(row.number) + "/";
          link.textContent = row.number + " " + row.title + " (" + row.distance_m + " m, " + row.status_label + ")";
          var line = document.createElement("div");
          line.appendChild(link);
          duplicates.appendChild(line);
        });
      });
  }

  map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng); });
  if (category) { category.addEventListener("change", suggestDuplicates); }  // other pages pick a point only
  document.getElementById("locate-me").addEventListener("click", function () {
    if (!navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      map.setView([p.coords.latitude, p.coords.longitude], 17);
      setPoint(p.coords.latitude, p.coords.longitude);
    });
  });
  if (lonField.value && latField.value) { setPoint(parseFloat(latField.value), parseFloat(lonField.value)); }
  if (el.dataset.geojson) {
    fetch(el.dataset.geojson, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var layer = L.geoJSON(data, {
          style: function (f) {
            return f.properties.role === "focus" ? { color: "#b3261e", weight: 3, fill: false }
              : { color: "#4e79a7", weight: 1, fillOpacity: 0.08 };
          },
          // Clicks on a polygon still drop the pin.
          onEachFeature: function (f, l) { l.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng); }); }
        }).addTo(map);
        if (!lonField.value && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); }
      });
  }
})();
