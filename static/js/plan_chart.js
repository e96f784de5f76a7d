// publicity/plan_detail.html: planned against held activities per month ("plan-chart-data" JSON script).
(function () {
  "use strict";
  var el = document.getElementById("plan-chart");
  var source = document.getElementById("plan-chart-data");
  if (!el || !source || typeof window.echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.planned, data.labels.held] },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: data.labels.planned, type: "bar", data: data.planned },
      { name: data.labels.held, type: "bar", data: data.held }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
