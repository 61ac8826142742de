/* Draws every chart of the report from the figures embedded in #chart-data (plotly.js is
   inlined above this script: no network access is needed). */
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("chart-data");
    if (!holder || typeof Plotly === "undefined") { return; }
    var figures = JSON.parse(holder.textContent);
    var config = { displaylogo: false, responsive: true,
                   modeBarButtonsToRemove: ["lasso2d", "select2d", "autoScale2d"] };
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var fig = figures[el.getAttribute("data-chart")];
      if (fig) { Plotly.newPlot(el, fig.data, fig.layout, config); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
