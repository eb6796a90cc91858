// Inspections by trigger (plan, event, warning), as a pie.
(function () {
  "use strict";
  var el = document.getElementById("trigger-chart");
  var data = document.getElementById("by-trigger");
  if (!el || !data || !window.echarts) { return; }
  var rows = JSON.parse(data.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    series: [{
      type: "pie",
      radius: ["35%", "65%"],
      data: rows.map(function (r) { return { name: r.label, value: r.count }; }),
      color: ["#1f6feb", "#8c959f", "#b3261e"]
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
