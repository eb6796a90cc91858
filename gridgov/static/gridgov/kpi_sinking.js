(function () {
  "use strict";
  var el = document.getElementById("ranking");
  var data = JSON.parse(document.getElementById("figures").textContent);
  if (!el || !window.echarts || !data.by_subregion.length) { return; }
  var rows = data.by_subregion.slice().reverse();
  echarts.init(el).setOption({
    grid: { left: 90, right: 40, top: 10, bottom: 30 },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
    tooltip: { trigger: "axis" },
    series: [{
      type: "bar", itemStyle: { color: "#b3261e" },
      label: { show: true, position: "right", formatter: "{c}%" },
      data: rows.map(function (r) { return r.share_percent === null ? 0 : r.share_percent; })
    }]
  });
})();
