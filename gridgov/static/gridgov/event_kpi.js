// Events by first-level category, as a bar chart.
(function () {
  "use strict";
  var el = document.getElementById("category-chart");
  var data = document.getElementById("by-category");
  if (!el || !data || !window.echarts) { return; }
  var rows = JSON.parse(data.textContent).slice().reverse();
  var chart = echarts.init(el);
  chart.setOption({
    grid: { left: 90, right: 20, top: 10, bottom: 20 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
    series: [{ type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: { color: "#b3261e" } }],
    tooltip: {}
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
