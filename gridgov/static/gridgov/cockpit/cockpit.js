// The cockpit's charts: each <div data-chart="tile-name"> drawn from the page's JSON.
(function () {
  "use strict";
  var data = document.getElementById("cockpit-charts");
  if (!data || !window.echarts) { return; }
  var charts = JSON.parse(data.textContent);
  var drawn = [];

  function option(c) {
    if (c.kind === "pie") {
      return {
        tooltip: { trigger: "item" },
        series: [{
          type: "pie", radius: ["35%", "65%"],
          data: c.labels.map(function (label, i) { return { name: label, value: c.values[i] }; })
        }]
      };
    }
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 10, bottom: 30, containLabel: true },
      xAxis: { type: "category", data: c.labels },
      yAxis: { type: "value" },
      series: [{ type: c.kind === "line" ? "line" : "bar", data: c.values, smooth: true,
                 itemStyle: { color: "#b3261e" } }]
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var c = charts[el.getAttribute("data-chart")];
    if (!c || !c.labels.length) { el.classList.add("muted"); return; }
    var chart = echarts.init(el);
    chart.setOption(option(c));
    drawn.push(chart);
  });
  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });

  // The tiles come from the server: when the maps open another area (the address is already
  // that area's cockpit), or the back button returns to one, load that area's cockpit whole.
  var maps = document.querySelector(".cockpit-maps");
  if (maps) {
    maps.addEventListener("cockpit:region", function () { window.location.reload(); });
    window.addEventListener("popstate", function () { window.location.reload(); });
  }
})();
