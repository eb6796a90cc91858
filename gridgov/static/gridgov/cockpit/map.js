// The cockpit's maps (templates/cockpit/_maps.html): the live map of open events and active
// warnings, clustered by the server per zoom, or the period's heat map (cells counted by the
// server); and the region's children coloured by a figure, a click on one opening it (the
// address follows, so a view can be shared). Without a configured tile server only the
// outlines are drawn, which works offline. Names are shown as text, never as HTML.
(function () {
  "use strict";
  if (!window.L) { return; }

  var URGENCY = { red: "#e5484d", yellow: "#f5a524", green: "#30a46c" };
  var KIND = { event: "#3e8ef7", warning: "#b86bff" };
  // Worst to best, for the legend's five classes.
  var CLASSES = ["#d7301f", "#fc8d59", "#fdcc8a", "#a1d99b", "#31a354"];

  // The page's data requests go one at a time, in order (the big screen's script uses this
  // too): a screen asks the server for one thing after another, never in bursts.
  var queue = Promise.resolve();
  function getJSON(url) {
    var answer = queue.then(function () {
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    }).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
    queue = answer.catch(function () { return null; });
    return answer;
  }
  window.gridgovCockpitGet = getJSON;

  function urlFor(template, code, params) {
    var url = template.replace("__code__", encodeURIComponent(code));
    var query = Object.keys(params).filter(function (k) { return params[k] !== "" && params[k] != null; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
    return query ? url + "?" + query : url;
  }

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }

  function newMap(el, tiles) {
    var map = L.map(el, { preferCanvas: true, attributionControl: !!(tiles && tiles.url), zoomSnap: 0.5 });
    if (tiles && tiles.url) {
      L.tileLayer(tiles.url, { attribution: tiles.attribution || "", maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  function CockpitMaps(section) {
    this.section = section;
    this.code = section.dataset.region;
    this.period = section.dataset.period;
    this.figure = section.dataset.figure || "";
    this.mode = "live";
    this.liveEl = section.querySelector("[data-role=live]");
    this.childrenEl = section.querySelector("[data-role=children]");
    this.select = section.querySelector("[data-role=figure]");
    this.note = section.querySelector("[data-role=live-note]");
    this.legendEl = section.querySelector("[data-role=legend]");
    this.title = section.querySelector("[data-role=children-title]");
    this.liveMap = null;
    this.childrenMap = null;
    this.pointsLayer = null;
    this.childrenLayer = null;
    this.outlineLayer = null;
    this.request = 0;
    this.bind();
    this.loadChildren(false);
  }

  CockpitMaps.prototype.bind = function () {
    var self = this;
    this.select.addEventListener("change", function () {
      self.figure = self.select.value;
      self.loadChildren(true, true);
    });
    Array.prototype.forEach.call(this.section.querySelectorAll(".map-mode"), function (button) {
      button.addEventListener("click", function () {
        self.mode = button.dataset.mode;
        Array.prototype.forEach.call(self.section.querySelectorAll(".map-mode"), function (b) {
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
        self.loadPoints();
      });
    });
    // The big screen asks for fresh points without reloading the page.
    this.section.addEventListener("cockpit:refresh", function () { self.loadPoints(); self.loadChildren(false); });
    window.addEventListener("popstate", function (e) {
      if (e.state && e.state.cockpitRegion) {
        self.code = e.state.cockpitRegion;
        self.figure = e.state.figure || "";
        self.loadChildren(false, false, true);
      }
    });
    if (window.history.replaceState) {
      window.history.replaceState({ cockpitRegion: this.code, figure: this.figure }, "");
    }
  };

  CockpitMaps.prototype.params = function () {
    return { period: this.period, figure: this.figure };
  };

  // The children map (and the live map's view) for the present region. push: record the new
  // address in the history; replace: rewrite the present one; fit: move both maps to it.
  CockpitMaps.prototype.loadChildren = function (replace, keepView, fit) {
    var self = this;
    var ds = this.section.dataset;
    var url = urlFor(ds.children, this.code, this.params());
    return getJSON(url).then(function (data) {
      var first = !self.childrenMap;
      if (first) {
        self.childrenMap = newMap(self.childrenEl, data.basemap);
        self.liveMap = newMap(self.liveEl, data.basemap);
        window.gridgovMap = self.childrenMap;
        self.liveMap.on("moveend", function () { self.loadPoints(); });
      }
      self.fillFigures(data.figures);
      self.drawChildren(data);
      self.section.dataset.region = self.code;
      if (replace && window.history.replaceState) {
        window.history.replaceState({ cockpitRegion: self.code, figure: self.figure }, "",
          urlFor(ds.page, self.code, self.params()));
      }
      if ((first || fit) && !keepView) { self.fit(); }
    }).catch(function () { self.failed(self.childrenEl); });
  };

  CockpitMaps.prototype.fit = function () {
    var bounds = this.outlineLayer && this.outlineLayer.getBounds();
    if (bounds && bounds.isValid()) {
      this.childrenMap.fitBounds(bounds, { padding: [8, 8], animate: false });
      this.liveMap.fitBounds(bounds, { padding: [8, 8], animate: false });
    } else {
      this.childrenMap.setView([30.746, 120.755], 10);
      this.liveMap.setView([30.746, 120.755], 10);
    }
  };

  CockpitMaps.prototype.failed = function (el) {
    var note = this.section.querySelector(".map-failed");
    if (!note) {
      note = text("p", this.section.dataset.error, "map-failed");
      el.parentNode.appendChild(note);
    }
  };

  CockpitMaps.prototype.fillFigures = function (figures) {
    var select = this.select;
    var chosen = this.figure;
    while (select.options.length > 1) { select.remove(1); }
    (figures || []).forEach(function (f) {
      var option = document.createElement("option");
      option.value = f.key;
      option.textContent = f.tile + " · " + f.label + (f.unit ? " (" + f.unit + ")" : "");
      option.selected = f.key === chosen;
      select.appendChild(option);
    });
  };

  CockpitMaps.prototype.drawChildren = function (data) {
    var self = this;
    if (this.childrenLayer) { this.childrenMap.removeLayer(this.childrenLayer); }
    if (this.outlineLayer) { this.liveMap.removeLayer(this.outlineLayer); }
    this.title.textContent = data.region.name;
    // The page's own heading names the region shown, after a drill-down too.
    Array.prototype.forEach.call(document.querySelectorAll("[data-role=region-name]"), function (el) {
      el.textContent = data.region.name;
    });
    var figure = data.figure;
    this.childrenLayer = L.geoJSON(data, {
      style: function (f) {
        if (f.properties.role === "focus") { return { color: "#1f6feb", weight: 3, fill: false }; }
        var colour = f.properties["class"] == null ? "#9aa4b2" : CLASSES[f.properties["class"]];
        return { color: "#ffffff", weight: 1, fillColor: colour, fillOpacity: figure ? 0.75 : 0.35 };
      },
      onEachFeature: function (f, layer) {
        if (f.properties.role === "focus") { return; }
        var label = document.createElement("div");
        label.appendChild(text("strong", f.properties.name));
        if (figure) {
          var value = f.properties.value == null ? self.section.dataset.noValue : f.properties.value + (figure.unit || "");
          label.appendChild(text("div", figure.label + ": " + value));
        }
        layer.bindTooltip(label, { sticky: true });
        if (f.properties.drillable) {
          layer.on("click", function () { self.open(f.properties.code); });
        }
      }
    }).addTo(this.childrenMap);
    this.outlineLayer = L.geoJSON({ type: "FeatureCollection", features: data.features.filter(function (f) { return f.properties.role === "focus"; }) },
      { style: { color: "#1f6feb", weight: 2, fill: false }, interactive: false }).addTo(this.liveMap);
    this.drawLegend(data);
  };

  CockpitMaps.prototype.drawLegend = function (data) {
    var el = this.legendEl;
    while (el.firstChild) { el.removeChild(el.firstChild); }
    if (!data.figure || !data.legend) {
      el.appendChild(text("span", data.figure ? this.section.dataset.noValue : this.section.dataset.noFigure, "muted"));
      return;
    }
    el.appendChild(text("span", data.figure.label + (data.figure.unit ? " (" + data.figure.unit + ")" : ""), "legend-title"));
    var edges = [data.legend.low].concat(data.legend.breaks, [data.legend.high]);
    for (var i = 0; i < data.legend.classes; i++) {
      var rank = data.legend.higher_is_better ? i : data.legend.classes - 1 - i;
      var item = text("span", round(edges[i]) + "–" + round(edges[i + 1]), "legend-item");
      var swatch = text("i", "", "swatch c" + rank);
      item.insertBefore(swatch, item.firstChild);
      el.appendChild(item);
    }
  };

  function round(x) { return Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 10) / 10; }

  // Drill down: the child's children, and the address names the child.
  CockpitMaps.prototype.open = function (code) {
    var self = this;
    this.code = code;
    this.loadChildren(false, false, true).then(function () {
      if (window.history.pushState) {
        window.history.pushState({ cockpitRegion: code, figure: self.figure }, "",
          urlFor(self.section.dataset.page, code, self.params()));
      }
      self.section.dispatchEvent(new CustomEvent("cockpit:region", { detail: { code: code } }));
    });
  };

  CockpitMaps.prototype.loadPoints = function () {
    if (!this.liveMap) { return; }
    var self = this;
    var ds = this.section.dataset;
    var zoom = Math.max(3, Math.min(19, Math.round(this.liveMap.getZoom())));
    var ticket = ++this.request;
    var url = this.mode === "heat"
      ? urlFor(ds.heat, this.code, { period: this.period, zoom: zoom })
      : urlFor(ds.live, this.code, { zoom: zoom });
    getJSON(url).then(function (data) {
      if (ticket !== self.request) { return; }  // an older answer arriving late
      if (self.pointsLayer) { self.liveMap.removeLayer(self.pointsLayer); }
      self.pointsLayer = self.mode === "heat" ? heatLayer(data) : liveLayer(data);
      self.pointsLayer.addTo(self.liveMap);
      self.note.textContent = data.capped ? ds.capped : "";
    }).catch(function () { self.failed(self.liveEl); });
  };

  function liveLayer(data) {
    return L.geoJSON(data, {
      pointToLayer: function (f, latlng) {
        var p = f.properties;
        if (p.cluster) {
          var colour = p.red ? URGENCY.red : (p.yellow ? URGENCY.yellow : KIND[p.kind]);
          var size = 22 + Math.min(22, Math.round(Math.log(p.count) * 5));
          var icon = L.divIcon({ className: "map-cluster " + p.kind, html: "", iconSize: [size, size] });
          var marker = L.marker(latlng, { icon: icon, title: String(p.count) });
          marker.on("add", function () {
            var el = marker.getElement();
            el.textContent = p.count;
            el.style.background = colour;
          });
          return marker;
        }
        return L.circleMarker(latlng, {
          radius: 7, color: KIND[p.kind], weight: 2,
          fillColor: URGENCY[p.urgency] || KIND[p.kind], fillOpacity: 0.9
        });
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        if (p.cluster) { return; }
        layer.bindTooltip(text("span", p.number + " " + p.label));
        layer.on("click", function () { window.location.href = p.url; });
      }
    });
  }

  function heatLayer(data) {
    var half = data.cell_degrees / 2;
    var max = data.max_weight || 1;
    var group = L.featureGroup();
    data.features.forEach(function (f) {
      var c = f.geometry.coordinates;
      var share = f.properties.weight / max;
      L.rectangle([[c[1] - half, c[0] - half], [c[1] + half, c[0] + half]], {
        stroke: false, fillColor: share > 0.66 ? "#d7301f" : (share > 0.33 ? "#fc8d59" : "#fdcc8a"),
        fillOpacity: 0.35 + 0.5 * share, interactive: false
      }).addTo(group);
    });
    return group;
  }

  Array.prototype.forEach.call(document.querySelectorAll(".cockpit-maps"), function (section) {
    section.cockpitMaps = new CockpitMaps(section);
  });
})();
