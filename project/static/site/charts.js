/*
 * The dashboard's charts, drawn with the vendored Chart.js (static/vendor/chartjs).
 *
 * Each <canvas data-chart-source="ID"> reads its data from the
 * <script type="application/json" id="ID"> element Django's json_script renders (data,
 * never executed: the Content-Security-Policy allows no inline script), draws the chart
 * and shows its "Export PNG" button (data-chart-export="canvas id"), which saves the
 * canvas as a PNG file. Each chart's numbers are also in the table beside it.
 */
(function () {
  "use strict";

  var COLOURS = ["#1d5fa8", "#1d6b3a", "#7b3fa0", "#8a5a00"];
  var TARGET = "#a3121d";
  var LATE = "#a3121d";

  // a white background, so the exported PNG is not transparent
  var background = {
    id: "chartsBackground",
    beforeDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.globalCompositeOperation = "destination-over";
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };

  function dataset(spec, item, index, colour) {
    var single = spec.labels.length === 1;
    if (item.role === "target") {
      // over bars the target is red; among lines it takes the colour of its title's line
      var line = spec.type === "line" ? colour : TARGET;
      return {
        type: "line",
        label: item.label,
        data: item.data,
        borderColor: line,
        backgroundColor: line,
        borderDash: [6, 4],
        borderWidth: 2,
        pointRadius: single || spec.type === "line" ? 3 : 0,
        fill: false,
        order: 0,
      };
    }
    var shade = item.role === "late" ? LATE : colour;
    return {
      label: item.label,
      data: item.data,
      borderColor: shade,
      backgroundColor: spec.type === "line" ? shade : shade + "cc",
      borderWidth: 2,
      pointRadius: 3,
      fill: false,
      order: 1,
      stack: spec.percent ? undefined : "steps",
    };
  }

  function config(spec) {
    var colour = 0;
    var datasets = spec.datasets.map(function (item, index) {
      // a value takes the next colour; a target the colour of the value before it
      if (item.role === "value") {
        colour += 1;
      }
      var picked = COLOURS[Math.max(colour - 1, 0) % COLOURS.length];
      return dataset(spec, item, index, picked);
    });
    var y = { beginAtZero: true, ticks: { precision: 0 } };
    if (spec.percent) {
      y.max = 100;
      y.ticks.callback = function (value) {
        return value + "%";
      };
    }
    var stacked = !spec.percent && spec.type === "bar";
    return {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      plugins: [background],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: document.documentElement.lang || "vi",
        scales: {
          x: { stacked: stacked, ticks: { autoSkip: false, maxRotation: 60 } },
          y: Object.assign(y, { stacked: stacked }),
        },
        plugins: {
          title: { display: true, text: spec.title },
          legend: { position: "bottom" },
        },
      },
    };
  }

  function exportPng(button) {
    var canvas = document.getElementById(button.getAttribute("data-chart-export"));
    if (!canvas) {
      return;
    }
    var link = document.createElement("a");
    link.href = canvas.toDataURL("image/png");
    link.download = button.getAttribute("data-filename") || "chart.png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function draw() {
    if (!window.Chart) {
      return;
    }
    var canvases = document.querySelectorAll("canvas[data-chart-source]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart-source"));
      if (!source) {
        return;
      }
      new window.Chart(canvas, config(JSON.parse(source.textContent)));
      canvas.setAttribute("data-chart-drawn", "true");
    });
    var buttons = document.querySelectorAll("button[data-chart-export]");
    Array.prototype.forEach.call(buttons, function (button) {
      var canvas = document.getElementById(button.getAttribute("data-chart-export"));
      if (canvas && canvas.hasAttribute("data-chart-drawn")) {
        button.hidden = false;
        button.addEventListener("click", function () {
          exportPng(button);
        });
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
