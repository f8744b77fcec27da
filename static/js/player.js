// The player inside an exported HTML file: no server, no network. Reads the precomputed runs from
// <script id="slopes-data" type="application/json"> and draws them with the inlined plotly.js.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("slopes-data").textContent);
  var plot = document.getElementById("plot");
  var scrub = document.getElementById("scrub");
  var play = document.getElementById("play");
  var label = document.getElementById("step");
  var lanes = data.runs.runs;
  var maxStep = Math.max.apply(null, lanes.map(function (l) { return l.points.length - 1; }));
  var grid = data.grid;
  var zmin = Infinity, zmax = -Infinity;
  grid.z.forEach(function (row) { row.forEach(function (v) { if (v !== null) { zmin = Math.min(zmin, v); zmax = Math.max(zmax, v); } }); });
  var eps = Math.max((zmax - zmin) * 1e-7, 1e-12);
  var z = data.surface.log_scale ? grid.z.map(function (row) {
    return row.map(function (v) { return v === null ? null : Math.log10(v - zmin + eps); });
  }) : grid.z;
  var traces = [{ type: "contour", x: grid.x, y: grid.y, z: z, showscale: false, ncontours: 28, hoverinfo: "skip",
    colorscale: [[0, "#7f9cc6"], [0.15, "#a9bfdb"], [0.35, "#d0dcea"], [0.6, "#ebebe8"], [0.85, "#f5efe3"], [1, "#fbf6ec"]],
    contours: { coloring: "fill" }, line: { color: "rgba(0,0,0,0.22)", width: 0.6 } }];
  traces.push({ type: "scatter", mode: "markers", showlegend: false, hoverinfo: "skip",
    x: data.surface.minima.map(function (m) { return m.point[0]; }), y: data.surface.minima.map(function (m) { return m.point[1]; }),
    marker: { symbol: "star", size: 14, color: "#1d1d1f" } });
  lanes.forEach(function (lane) {
    traces.push({ type: "scatter", mode: "lines", name: lane.label, x: lane.points.map(function (p) { return p[0]; }),
      y: lane.points.map(function (p) { return p[1]; }), line: { color: lane.color, width: 3.5 } });
  });
  var firstMarker = traces.length;
  lanes.forEach(function (lane) {
    traces.push({ type: "scatter", mode: "markers", showlegend: false, hoverinfo: "skip", x: [lane.points[0][0]], y: [lane.points[0][1]],
      marker: { size: 15, color: lane.color, line: { color: "#ffffff", width: 2.5 } } });
  });
  var layout = { margin: { l: 55, r: 15, t: 40, b: 45 }, font: { size: 16 }, legend: { orientation: "h", y: 1.08 },
    xaxis: { range: data.surface.domain.x }, yaxis: { range: data.surface.domain.y }, paper_bgcolor: "#ffffff" };
  Plotly.newPlot(plot, traces, layout, { displaylogo: false, responsive: true });
  scrub.max = maxStep;
  var cursor = maxStep, playing = false, last = 0;
  function show(step) {
    cursor = Math.max(0, Math.min(maxStep, Math.round(step)));
    scrub.value = cursor;
    label.textContent = cursor + " / " + maxStep;
    var xs = [], ys = [], idx = [];
    lanes.forEach(function (lane, i) {
      var p = lane.points[Math.min(cursor, lane.points.length - 1)];
      xs.push([p[0]]); ys.push([p[1]]); idx.push(firstMarker + i);
    });
    return Plotly.restyle(plot, { x: xs, y: ys }, idx);
  }
  function tick(now) {
    if (!playing) return;
    var speed = Number(document.getElementById("speed").value);
    cursor += Math.max(1, (now - last) / 1000 * speed);
    last = now;
    if (cursor >= maxStep) { cursor = maxStep; playing = false; play.textContent = data.text.play; }
    show(cursor).then(function () { if (playing) requestAnimationFrame(tick); });
  }
  play.addEventListener("click", function () {
    playing = !playing;
    play.textContent = playing ? data.text.pause : data.text.play;
    if (playing) { if (cursor >= maxStep) cursor = 0; last = performance.now(); requestAnimationFrame(tick); }
  });
  scrub.addEventListener("input", function () { playing = false; play.textContent = data.text.play; show(Number(scrub.value)); });
  show(maxStep);
  window.slopesExport = { data: data, show: show };
})();
