// Bar charts of the statistics page, drawn with ECharts from the JSON the page carries.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("stats-data").textContent || "[]");
  data.forEach(function (c) {
    const el = document.getElementById(c.id);
    if (!el || !window.echarts) { return; }
    const chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      grid: { left: 48, right: 16, top: 16, bottom: 72 },
      tooltip: {},
      xAxis: { type: "category", data: c.labels || [], axisLabel: { rotate: 40, interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: c.counts || [], itemStyle: { color: "#0b57b0" } }],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
