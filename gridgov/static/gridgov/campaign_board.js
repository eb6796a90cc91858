// The campaign board: items on the map coloured by stage (stuck ones outlined in red), the
// region's outline, the funnel and the burn-down against the plan. Drawn without a basemap
// unless a tile URL is configured, so it works offline and prints as it looks.
(function () {
  "use strict";
  var figuresNode = document.getElementById("board-figures");
  if (!figuresNode) { return; }
  var figures = JSON.parse(figuresNode.textContent);
  var colours = figures.stages.map(function (s) { return s.colour; });
  var NOT_STARTED = "#bab0ac";
  var STUCK = "#cf222e";

  function colourOf(position) { return position >= 0 ? colours[position] : NOT_STARTED; }

  function drawMap(el) {
    if (!el || !window.L) { return; }
    var map = L.map(el, { preferCanvas: true, attributionControl: !!el.dataset.tiles });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    }
    fetch(el.dataset.board, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var bounds = null;
        if (data.outline) {
          var outline = L.geoJSON(data.outline, { style: { color: "#1f2328", weight: 2, fill: false } }).addTo(map);
          bounds = outline.getBounds();
        }
        var items = L.geoJSON(data.items, {
          style: function (f) {
            var p = f.properties;
            return { color: p.stuck ? STUCK : "#ffffff", weight: p.stuck ? 2 : 0.5, fillColor: colourOf(p.stage), fillOpacity: 0.85 };
          },
          pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 5 }); },
          onEachFeature: function (f, layer) {
            // Names come from imported files: text nodes, never HTML.
            var label = document.createElement("div");
            var stage = f.properties.stage >= 0 ? figures.stages[f.properties.stage].name : "—";
            label.textContent = f.properties.code + " " + f.properties.name + " · " + stage +
              (f.properties.stuck ? " · " + (el.dataset.stuckLabel || "") : "");
            layer.bindTooltip(label, { sticky: true });
            if (el.dataset.itemUrl) {
              layer.on("click", function () { window.location.href = el.dataset.itemUrl + encodeURIComponent(f.properties.id) + "/"; });
            }
          }
        }).addTo(map);
        var itemBounds = items.getBounds();
        if (itemBounds.isValid()) { bounds = itemBounds; }
        if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); }
        else { map.setView([30.75, 120.75], 9); }
        addLegend(map);
      })
      .catch(function () { el.textContent = "—"; });
  }

  function addLegend(map) {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = document.createElement("div");
      box.className = "map-legend";
      figures.stages.forEach(function (s) {
        var row = document.createElement("div");
        var swatch = document.createElement("span");
        swatch.className = "swatch stage-" + s.position;
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(s.name + " " + s.here));
        box.appendChild(row);
      });
      return box;
    };
    legend.addTo(map);
  }

  function drawFunnel(el) {
    if (!el || !window.echarts) { return; }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + p.value + " (" + p.data.area + " 亩)"; } },
      series: [{
        type: "funnel", sort: "none", left: "5%", width: "90%", minSize: "20%",
        label: { show: true, position: "inside", formatter: "{b} {c}" },
        data: figures.stages.map(function (s) {
          return { name: s.name, value: s.reached, area: s.area_mu, itemStyle: { color: s.colour } };
        })
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawBurndown(el) {
    var stageSelect = document.getElementById("burndown-stage");
    var teamSelect = document.getElementById("burndown-team");
    if (!el || !window.echarts || !stageSelect) { return; }
    var chart = echarts.init(el);
    function show() {
      var key = stageSelect.value + ":" + teamSelect.value;
      var series = figures.burndown.series[key] || { actual: [], plan: [] };
      var total = figures.burndown.total[teamSelect.value] || 0;
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { data: [el.dataset.actual, el.dataset.plan] },
        xAxis: { type: "time" },
        yAxis: { type: "value", min: 0, max: total },
        series: [
          { name: el.dataset.actual, type: "line", step: "end", showSymbol: false, data: series.actual },
          { name: el.dataset.plan, type: "line", lineStyle: { type: "dashed" }, data: series.plan }
        ]
      }, true);
    }
    stageSelect.addEventListener("change", show);
    teamSelect.addEventListener("change", show);
    show();
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var printButton = document.getElementById("print-wall");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
  drawMap(document.getElementById("map"));
  drawFunnel(document.getElementById("funnel-chart"));
  drawBurndown(document.getElementById("burndown-chart"));
})();
