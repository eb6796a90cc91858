// The command centre's big screen: the tiles' key figures and two charts from data.json, asked
// again every data-refresh seconds (and the maps told to fetch their points again), never
// reloading the page. Values are shown as text, never as HTML.
(function () {
  "use strict";
  var frame = document.querySelector(".screen-frame");
  if (!frame) { return; }
  var seconds = Math.max(30, Math.min(60, parseInt(frame.dataset.refresh, 10) || 45));
  var maps = document.querySelector(".cockpit-maps");
  var charts = {};

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }

  // One request at a time with the maps' (map.js), when they are on the page.
  function getJSON(url) {
    if (window.gridgovCockpitGet) { return window.gridgovCockpitGet(url); }
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }

  function shown(value, unit) {
    if (value === null || value === undefined) { return "—"; }
    if (typeof value === "number" && !Number.isInteger(value)) { value = Math.round(value * 10) / 10; }
    return String(value) + (unit || "");
  }

  function drawTotals(data) {
    var el = frame.querySelector("[data-role=totals]");
    clear(el);
    var labels = data.urgency.series;
    [[labels[0].name, data.urgency.totals.events], [labels[1].name, data.urgency.totals.warnings]].forEach(function (pair) {
      var box = text("div", "", "screen-total");
      box.appendChild(text("span", shown(pair[1]), "value"));
      box.appendChild(text("span", pair[0], "label"));
      el.appendChild(box);
    });
  }

  function drawTiles(tiles) {
    var el = frame.querySelector("[data-role=tiles]");
    clear(el);
    if (!tiles.length) { el.appendChild(text("p", frame.dataset.noTiles, "screen-empty")); return; }
    tiles.forEach(function (tile) {
      var box = text("section", "", "screen-tile");
      box.dataset.tile = tile.name;
      box.appendChild(text("h2", tile.label));
      tile.figures.forEach(function (f) {
        var row = text("div", "", "screen-figure");
        row.dataset.figure = f.key;
        row.appendChild(text("span", f.label, "label"));
        row.appendChild(text("span", shown(f.value, f.unit), "value"));
        box.appendChild(row);
      });
      el.appendChild(box);
    });
  }

  function chart(role) {
    if (!charts[role]) {
      charts[role] = echarts.init(frame.querySelector("[data-role=" + role + "]"), "dark", { renderer: "canvas" });
    }
    return charts[role];
  }

  var PALETTE = ["#e5484d", "#f5a524", "#30a46c"];

  function drawCharts(data) {
    if (!window.echarts) { return; }
    // One bar per kind of work, stacked by urgency: overdue, due soon, on time.
    var kinds = data.urgency.series.map(function (s) { return s.name; });
    chart("urgency-chart").setOption({
      backgroundColor: "transparent",
      title: { text: frame.dataset.urgency, left: 10, top: 6, textStyle: { fontSize: 16 } },
      tooltip: { trigger: "axis" },
      legend: { top: 34, right: 10 },
      grid: { left: 50, right: 16, top: 64, bottom: 30 },
      xAxis: { type: "category", data: kinds },
      yAxis: { type: "value", minInterval: 1 },
      series: data.urgency.categories.map(function (name, level) {
        return {
          name: name, type: "bar", stack: "urgency", barMaxWidth: 60, color: PALETTE[level],
          data: data.urgency.series.map(function (s) { return s.data[level]; })
        };
      })
    });
    chart("daily-chart").setOption({
      backgroundColor: "transparent",
      title: { text: frame.dataset.daily, left: 10, top: 6, textStyle: { fontSize: 16 } },
      tooltip: { trigger: "axis" },
      grid: { left: 50, right: 16, top: 48, bottom: 30 },
      xAxis: { type: "category", data: data.daily.days },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "line", data: data.daily.counts, smooth: true, areaStyle: { opacity: 0.25 }, color: "#3ec5ff", showSymbol: false }]
    });
  }

  function dataUrl() {
    // The maps may have drilled down: the figures follow the region they show.
    var code = maps ? maps.dataset.region : "";
    var url = frame.dataset.data;
    if (code) { url = url.replace(/\/[^/]+\/data\.json$/, "/" + encodeURIComponent(code) + "/data.json"); }
    return url + "?period=" + encodeURIComponent(frame.dataset.period);
  }

  function refresh() {
    return getJSON(dataUrl())
      .then(function (data) {
        frame.querySelector("[data-role=region-name]").textContent = data.region.name;
        frame.querySelector("[data-role=updated]").textContent = frame.dataset.updated + " " + data.refreshed_at;
        drawTotals(data);
        drawTiles(data.tiles);
        drawCharts(data);
      })
      .catch(function () { /* keep what is shown; the next round tries again */ });
  }

  refresh();
  window.setInterval(function () {
    refresh();
    if (maps) { maps.dispatchEvent(new CustomEvent("cockpit:refresh")); }
  }, seconds * 1000);
  if (maps) { maps.addEventListener("cockpit:region", refresh); }
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
})();
