/* The report centre's pages (registry/templates/registry/reports/): the chart of a report page drawn with ECharts
 * from the figures the page embeds (#report-chart-data, the same figures as its table), and the print button. No
 * words here: every label comes translated from the page. (The run panel needs no script: htmx polls it.) */
(function () {
  "use strict";

  // Tooltips drawn on the canvas (richText), not as HTML with style attributes, which the CSP refuses.
  const TOOLTIP = {renderMode: "richText", trigger: "axis", axisPointer: {type: "shadow"}};
  const COLORS = ["#1d3557", "#2a9d8f", "#e9c46a", "#9c6644"];

  function drawChart() {
    const source = document.getElementById("report-chart-data");
    const el = document.getElementById("chart");
    if (!source || !el || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    const chart = echarts.init(el, null, {renderer: "canvas"});
    // The performance mark "charts-finished" when the chart is first painted (ECharts' 'finished' event): the time
    // from navigation start to the chart drawn, which the benchmark reads.
    chart.on("finished", function done() {
      chart.off("finished", done);
      performance.mark("charts-finished", {detail: {charts: 1}});
    });
    const suffix = data.unit || "";
    chart.setOption({
      animation: false,
      tooltip: TOOLTIP,
      legend: {type: "scroll", top: 0},
      grid: {left: 8, right: 16, top: 40, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: data.categories,
              axisLabel: {interval: 0, rotate: data.categories.length > 6 ? 30 : 0, width: 120, overflow: "truncate"}},
      yAxis: {type: "value", minInterval: suffix ? 0 : 1, axisLabel: {formatter: "{value}" + suffix}},
      series: data.series.map(function (s, i) {
        return {type: "bar", name: s.name, data: s.data, barMaxWidth: 36, itemStyle: {color: COLORS[i % COLORS.length]}};
      }),
    });
    el.dataset.state = "ready";
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
  }

  const print = document.getElementById("print-report");
  if (print) print.addEventListener("click", function () { window.print(); });

  drawChart();
})();
