// sellerhealth charts: draws the server's figures (the #chart-data JSON) with the vendored
// uPlot. The value is a solid line with points, the target a dashed line, each named in the
// legend, so the chart reads without telling colours apart; its words are in the page too.
"use strict";

window.sellerhealthCharts = {};

function drawChart(spec, element, small) {
  const days = spec.days;
  const target = days.map(() => spec.target);
  const options = {
    width: small ? 160 : Math.min(element.clientWidth || 560, 560),
    height: small ? 40 : 200,
    legend: { show: !small },
    cursor: { show: !small },
    axes: small ? [{ show: false }, { show: false }] : [{}, { values: (u, ticks) => ticks.map((t) => t + "%") }],
    series: [
      {},
      { label: spec.label + " (%)", stroke: "#0969da", width: 2, points: { show: !small, size: 4 } },
      { label: "target (%)", stroke: "#cf222e", width: 1.5, dash: [6, 4], points: { show: false } },
    ],
  };
  const chart = new uPlot(options, [days, spec.values, target], element);
  window.sellerhealthCharts[spec.id] = chart;
}

document.addEventListener("DOMContentLoaded", () => {
  const island = document.getElementById("chart-data");
  if (!island || typeof uPlot === "undefined") return;
  for (const spec of JSON.parse(island.textContent)) {
    const element = document.getElementById(spec.id);
    if (element) drawChart(spec, element.querySelector(".plot"), element.classList.contains("spark"));
  }
});
