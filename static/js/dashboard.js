// reports/dashboard.html: the trend and sector charts (data in the "dashboard-charts" JSON script).
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  function bar(id, names, found, closed, urls) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: {trigger: "axis"},
      legend: {data: [data.labels.found, data.labels.closed]},
      grid: {left: 40, right: 16, bottom: 40, top: 36},
      xAxis: {type: "category", data: names, axisLabel: {interval: 0, rotate: names.length > 6 ? 30 : 0}},
      yAxis: {type: "value", minInterval: 1},
      series: [
        {name: data.labels.found, type: urls ? "line" : "bar", data: found},
        {name: data.labels.closed, type: urls ? "line" : "bar", data: closed}
      ]
    });
    if (urls) {
      chart.on("click", function (p) { window.location.href = urls[p.seriesIndex][p.dataIndex]; });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }
  bar("chart-trend", data.months, data.found, data.closed, [data.found_urls, data.closed_urls]);
  bar("chart-sector", data.sectors, data.sector_found, data.sector_closed, null);
})();
