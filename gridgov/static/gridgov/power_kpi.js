// The power-item statistics: items by kind, by holding unit, and the comprehensive
// enforcement share of penalty items against the provincial target.
(function () {
  "use strict";
  var data = document.getElementById("power-figures");
  if (!data || !window.echarts) { return; }
  var figures = JSON.parse(data.textContent);
  var charts = [];

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = echarts.init(el);
    c.setOption(option);
    charts.push(c);
  }

  var kinds = figures.by_kind.filter(function (r) { return r.count > 0; });
  chart("kind-chart", {
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    series: [{
      type: "pie", radius: ["35%", "65%"],
      label: { formatter: "{b}\n{c}" },
      data: kinds.map(function (r) { return { name: r.label, value: r.count }; })
    }]
  });

  var share = figures.penalty_share;
  chart("share-chart", {
    grid: { left: 110, right: 50, top: 20, bottom: 30 },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: [figures.jurisdiction.name] },
    tooltip: { trigger: "axis" },
    series: [{
      type: "bar", barWidth: 28, itemStyle: { color: "#b3261e" },
      label: { show: true, position: "right", formatter: "{c}%" },
      data: [share.share === null ? 0 : share.share],
      markLine: {
        symbol: "none", lineStyle: { color: "#1f6f43", type: "dashed", width: 2 },
        label: { formatter: "{c}%" },
        data: [{ xAxis: share.target }]
      }
    }]
  });

  var units = figures.by_department.slice().reverse();
  var el = document.getElementById("department-chart");
  if (el) { el.style.height = Math.max(240, units.length * 26 + 40) + "px"; }
  chart("department-chart", {
    grid: { left: 170, right: 40, top: 30, bottom: 20 },
    legend: { top: 0 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: units.map(function (r) { return r.name; }) },
    series: [
      { name: el ? el.dataset.itemsLabel || "" : "", type: "bar", itemStyle: { color: "#8a8f98" },
        data: units.map(function (r) { return r.count; }) },
      { name: el ? el.dataset.penaltyLabel || "" : "", type: "bar", itemStyle: { color: "#b3261e" },
        data: units.map(function (r) { return r.penalty; }) }
    ]
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
