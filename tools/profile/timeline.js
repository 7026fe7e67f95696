// The legate.numpy timeline page (tools/profile/lnp_trace.py fills in the
// data): one row per StarPU worker, grouped by rank, tasks coloured by op;
// a row per memory node for the transfers into it; profile_region bands.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("lnp-data").textContent);
  var T = D.tasks, X = D.transfers;
  var nT = T.start.length, nX = X.start.length;
  var canvas = document.getElementById("lnp-canvas");
  var ctx = canvas.getContext("2d");
  var tip = document.getElementById("lnp-tip");
  var LABEL_W = 150, AXIS_H = 24, REGION_H = 16, PAD = 3;
  var ROW_H = D.rows.length <= 8 ? 30 : D.rows.length <= 32 ? 20 : 14;

  // ---- layout: per rank, a regions lane (if any) then its rows
  var regionDepth = {};
  D.regions.forEach(function (r) {
    var d = r.name.split("/").length;
    regionDepth[r.rank] = Math.max(regionDepth[r.rank] || 0, d);
  });
  var lanes = [];          // {y, h, type: 'rank'|'regions'|'row', rank, row}
  var rowY = [];
  var y = AXIS_H;
  var ranks = [];
  D.rows.forEach(function (r) { if (ranks.indexOf(r.rank) < 0) ranks.push(r.rank); });
  Object.keys(regionDepth).forEach(function (r) { r = +r; if (ranks.indexOf(r) < 0) ranks.push(r); });
  ranks.sort(function (a, b) { return a - b; });
  ranks.forEach(function (rank) {
    if (ranks.length > 1) { lanes.push({ y: y, h: 18, type: "rank", rank: rank }); y += 18; }
    if (regionDepth[rank]) {
      var h = regionDepth[rank] * REGION_H;
      lanes.push({ y: y, h: h, type: "regions", rank: rank }); y += h + 2;
    }
    D.rows.forEach(function (r, i) {
      if (r.rank !== rank) return;
      rowY[i] = y;
      lanes.push({ y: y, h: ROW_H, type: "row", rank: rank, row: i }); y += ROW_H;
    });
  });
  var totalH = y + 6;

  // ---- time range
  var tEnd = 0;
  for (var i = 0; i < nT; i++) tEnd = Math.max(tEnd, T.start[i] + T.dur[i]);
  for (i = 0; i < nX; i++) tEnd = Math.max(tEnd, X.start[i] + X.dur[i]);
  D.regions.forEach(function (r) { tEnd = Math.max(tEnd, r.end); });
  if (!(tEnd > 0)) tEnd = 1;
  var view = { t0: 0, t1: tEnd * 1.01 };

  // ---- per-row indices sorted by start (hover search)
  function byRow(rows, starts, n) {
    var m = {};
    for (var k = 0; k < n; k++) (m[rows[k]] = m[rows[k]] || []).push(k);
    Object.keys(m).forEach(function (r) { m[r].sort(function (a, b) { return starts[a] - starts[b]; }); });
    return m;
  }
  var taskRows = byRow(T.row, T.start, nT), xferRows = byRow(X.row, X.start, nX);
  var maxDur = 0;
  for (i = 0; i < nT; i++) maxDur = Math.max(maxDur, T.dur[i]);
  for (i = 0; i < nX; i++) maxDur = Math.max(maxDur, X.dur[i]);

  // ---- header, legend, summary
  var perName = D.names.map(function () { return { n: 0, ms: 0 }; });
  for (i = 0; i < nT; i++) { perName[T.name[i]].n++; perName[T.name[i]].ms += T.dur[i]; }
  var kinds = {};
  D.rows.forEach(function (r) { if (r.kind !== "transfer") kinds[r.kind] = (kinds[r.kind] || 0) + 1; });
  var bytes = 0;
  for (i = 0; i < nX; i++) bytes += X.bytes[i];
  document.getElementById("lnp-stats").textContent =
    nT + " tasks, " + Object.keys(kinds).map(function (k) { return kinds[k] + " " + k; }).join(", ") +
    " workers" + (D.ranks > 1 ? " in " + D.ranks + " ranks" : "") + ", " + fmtMs(tEnd) + " traced, " +
    nX + " transfers (" + fmtBytes(bytes) + ")  \u2014  " + D.title;
  var selected = {};  // op index -> true when highlighted
  var anySelected = false;
  var legend = document.getElementById("lnp-legend");
  D.names.map(function (n, k) { return k; })
    .sort(function (a, b) { return perName[b].ms - perName[a].ms; })
    .forEach(function (k) {
      var chip = document.createElement("span");
      chip.className = "chip";
      chip.innerHTML = '<i style="background:' + D.colors[k] + '"></i>';
      chip.appendChild(document.createTextNode(D.names[k] + " (" + perName[k].n + ", " + fmtMs(perName[k].ms) + ")"));
      chip.addEventListener("click", function () {
        selected[k] = !selected[k];
        anySelected = Object.keys(selected).some(function (q) { return selected[q]; });
        Array.prototype.forEach.call(legend.children, function (c) { c.classList.toggle("off", anySelected && !c._sel()); });
        draw();
      });
      chip._sel = function () { return !!selected[k]; };
      legend.appendChild(chip);
    });
  document.getElementById("lnp-summary").textContent = D.summary_text;

  // ---- drawing
  function fmtMs(ms) {
    if (ms >= 1000) return (ms / 1000).toFixed(3) + " s";
    if (ms >= 1) return ms.toFixed(3) + " ms";
    return (ms * 1000).toFixed(1) + " \u00b5s";
  }
  function fmtTick(t, step) {
    var unit = step >= 1000 ? 1000 : step >= 1 ? 1 : 0.001, name = unit === 1000 ? " s" : unit === 1 ? " ms" : " \u00b5s";
    var digits = Math.max(0, Math.min(6, -Math.floor(Math.log10(step / unit) + 1e-9)));
    return (t / unit).toFixed(digits) + name;
  }
  function fmtBytes(b) {
    var u = ["B", "KiB", "MiB", "GiB", "TiB"], k = 0;
    while (b >= 1024 && k < u.length - 1) { b /= 1024; k++; }
    return (k ? b.toFixed(1) : b) + " " + u[k];
  }
  var W = 800, dpr = window.devicePixelRatio || 1;
  function resize() {
    W = Math.max(400, document.getElementById("lnp-wrap").clientWidth || window.innerWidth || 1200);
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(totalH * dpr);
    canvas.style.width = W + "px";
    canvas.style.height = totalH + "px";
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }
  function xOf(t) { return LABEL_W + (t - view.t0) * (W - LABEL_W - 8) / (view.t1 - view.t0); }
  function tOf(x) { return view.t0 + (x - LABEL_W) * (view.t1 - view.t0) / (W - LABEL_W - 8); }
  function niceStep(span, px) {
    var raw = span / Math.max(1, px / 90), p = Math.pow(10, Math.floor(Math.log10(raw)));
    var m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  }
  function regionColor(name) {
    var h = 0;
    for (var k = 0; k < name.length; k++) h = (h * 31 + name.charCodeAt(k)) >>> 0;
    return "hsl(" + (h % 360) + ",45%,82%)";
  }
  function draw() {
    ctx.clearRect(0, 0, W, totalH);
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    // lanes
    lanes.forEach(function (l, k) {
      if (l.type === "row") {
        var r = D.rows[l.row];
        ctx.fillStyle = r.kind === "transfer" ? "#f3f6fa" : (k % 2 ? "#fafafa" : "#f2f2f2");
        ctx.fillRect(0, l.y, W, l.h);
        ctx.fillStyle = "#333";
        ctx.fillText(r.label, 6, l.y + l.h / 2);
      } else if (l.type === "rank") {
        ctx.fillStyle = "#e4e4ee"; ctx.fillRect(0, l.y, W, l.h);
        ctx.fillStyle = "#223"; ctx.fillText("rank " + l.rank, 6, l.y + l.h / 2);
      } else {
        ctx.fillStyle = "#333"; ctx.fillText("regions", 6, l.y + REGION_H / 2);
      }
    });
    // time axis
    var span = view.t1 - view.t0, step = niceStep(span, W - LABEL_W);
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, AXIS_H);
    ctx.strokeStyle = "#ddd"; ctx.fillStyle = "#444"; ctx.lineWidth = 1;
    for (var t = Math.ceil(view.t0 / step) * step; t <= view.t1; t += step) {
      var x = Math.round(xOf(t)) + 0.5;
      ctx.beginPath(); ctx.moveTo(x, AXIS_H - 5); ctx.lineTo(x, totalH); ctx.stroke();
      ctx.fillText(fmtTick(t, step), x + 3, AXIS_H / 2);
    }
    ctx.save();
    ctx.beginPath(); ctx.rect(LABEL_W, AXIS_H, W - LABEL_W, totalH - AXIS_H); ctx.clip();
    // regions
    lanes.forEach(function (l) {
      if (l.type !== "regions") return;
      D.regions.forEach(function (r) {
        if (r.rank !== l.rank) return;
        var depth = r.name.split("/").length - 1;
        var x0 = xOf(r.start), x1 = Math.max(x0 + 1, xOf(r.end));
        if (x1 < LABEL_W || x0 > W) return;
        var yy = l.y + depth * REGION_H;
        ctx.fillStyle = regionColor(r.name);
        ctx.fillRect(x0, yy + 1, x1 - x0, REGION_H - 2);
        ctx.strokeStyle = "#889"; ctx.strokeRect(x0 + 0.5, yy + 1.5, x1 - x0 - 1, REGION_H - 3);
        var label = r.name.split("/").pop();
        if (x1 - x0 > ctx.measureText(label).width + 6) {
          ctx.fillStyle = "#223"; ctx.fillText(label, Math.max(x0, LABEL_W) + 3, yy + REGION_H / 2);
        }
      });
    });
    // tasks
    var pxPerMs = (W - LABEL_W - 8) / span;
    for (var k = 0; k < nT; k++) {
      var s = T.start[k], e = s + T.dur[k];
      if (e < view.t0 || s > view.t1) continue;
      var x0 = xOf(s), w = Math.max(1, T.dur[k] * pxPerMs);
      ctx.fillStyle = D.colors[T.name[k]];
      ctx.globalAlpha = anySelected && !selected[T.name[k]] ? 0.15 : 1;
      ctx.fillRect(x0, rowY[T.row[k]] + PAD, w, ROW_H - 2 * PAD);
    }
    ctx.globalAlpha = 1;
    // transfers
    for (k = 0; k < nX; k++) {
      s = X.start[k]; e = s + X.dur[k];
      if (e < view.t0 || s > view.t1) continue;
      x0 = xOf(s); w = Math.max(1, X.dur[k] * pxPerMs);
      ctx.fillStyle = X.type[k] === "MPI" ? "#c0392b" : X.type[k] === "fetch" ? "#555" : "#999";
      ctx.fillRect(x0, rowY[X.row[k]] + PAD + 2, w, ROW_H - 2 * PAD - 4);
    }
    // other program events: ticks on the axis
    ctx.restore();
    ctx.strokeStyle = "#c00";
    D.marks.forEach(function (m) {
      var xx = xOf(m.t);
      if (xx < LABEL_W || xx > W) return;
      ctx.beginPath(); ctx.moveTo(xx + 0.5, AXIS_H - 8); ctx.lineTo(xx + 0.5, AXIS_H); ctx.stroke();
    });
    ctx.strokeStyle = "#bbb";
    ctx.beginPath(); ctx.moveTo(LABEL_W - 0.5, AXIS_H); ctx.lineTo(LABEL_W - 0.5, totalH); ctx.stroke();
  }

  // ---- hover
  function laneAt(yy) {
    for (var k = 0; k < lanes.length; k++) if (yy >= lanes[k].y && yy < lanes[k].y + lanes[k].h) return lanes[k];
    return null;
  }
  function findIn(list, starts, durs, t, tol) {
    if (!list) return -1;
    // last index with start <= t + tol, then walk back while it may still cover t
    var lo = 0, hi = list.length - 1, best = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[list[mid]] <= t + tol) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    var found = -1, dist = Infinity;
    for (var k = best; k >= 0; k--) {
      var j = list[k], s = starts[j], e = s + durs[j];
      if (e + tol < t && t - s > maxDur + tol) break;
      var d = t < s ? s - t : t > e ? t - e : 0;
      if (d <= tol && d < dist) { dist = d; found = j; if (d === 0) break; }
    }
    return found;
  }
  function tipText(lane, t, tol) {
    if (!lane) return null;
    if (lane.type === "regions") {
      var best = null;
      D.regions.forEach(function (r) {
        if (r.rank === lane.rank && t >= r.start - tol && t <= r.end + tol) {
          if (!best || r.name.length > best.name.length) best = r;
        }
      });
      return best && ("profile_region " + best.name + "\n" + fmtMs(best.end - best.start) +
                      " (" + fmtMs(best.start) + " \u2192 " + fmtMs(best.end) + ")");
    }
    if (lane.type !== "row") return null;
    var r = lane.row, row = D.rows[r];
    if (row.kind === "transfer") {
      var j = findIn(xferRows[r], X.start, X.dur, t, tol);
      if (j < 0) return null;
      return X.type[j] + " " + X.src[j] + " " + row.label + "\n" + fmtBytes(X.bytes[j]) + " in " + fmtMs(X.dur[j]) +
        (X.dur[j] > 0 ? "  (" + (X.bytes[j] / X.dur[j] / 1e6).toFixed(2) + " GB/s)" : "") +
        "\nstart " + fmtMs(X.start[j]);
    }
    var i2 = findIn(taskRows[r], T.start, T.dur, t, tol);
    if (i2 < 0) return null;
    var name = D.names[T.name[i2]], kernel = D.kernels[T.kernel[i2]];
    var out = name + (kernel && kernel !== name ? "  (kernel " + kernel + ")" : "") +
      "\n" + fmtMs(T.dur[i2]) + " on " + row.label + (D.ranks > 1 ? " (rank " + row.rank + ")" : "") +
      ", start " + fmtMs(T.start[i2]) + "\njob " + T.job[i2];
    if (T.params[i2]) out += "\ndata " + T.params[i2];
    var si = T.site[i2];
    if (si >= 0) {
      var st = D.sites[si];
      out += "\n" + st[2] + ":" + st[3] + (st[4] ? " in " + st[4] + "()" : "");
      if (st[5]) out += "\nregion " + st[5];
    }
    return out;
  }
  canvas.addEventListener("mousemove", function (ev) {
    var rect = canvas.getBoundingClientRect();
    var mx = ev.clientX - rect.left, my = ev.clientY - rect.top;
    if (drag) {
      var dt = (drag.x - mx) * (view.t1 - view.t0) / (W - LABEL_W - 8);
      view.t0 = drag.t0 + dt; view.t1 = drag.t1 + dt;
      draw(); tip.style.display = "none"; return;
    }
    var text = mx > LABEL_W ? tipText(laneAt(my), tOf(mx), 3 * (view.t1 - view.t0) / (W - LABEL_W)) : null;
    if (!text) { tip.style.display = "none"; return; }
    tip.textContent = text;
    tip.style.display = "block";
    var tx = ev.clientX + 14, ty = ev.clientY + 14;
    if (tx + tip.offsetWidth > window.innerWidth) tx = ev.clientX - tip.offsetWidth - 10;
    if (ty + tip.offsetHeight > window.innerHeight) ty = ev.clientY - tip.offsetHeight - 10;
    tip.style.left = tx + "px"; tip.style.top = ty + "px";
  });
  canvas.addEventListener("mouseleave", function () { tip.style.display = "none"; drag = null; });
  var drag = null;
  canvas.addEventListener("mousedown", function (ev) {
    var rect = canvas.getBoundingClientRect();
    drag = { x: ev.clientX - rect.left, t0: view.t0, t1: view.t1 };
  });
  window.addEventListener("mouseup", function () { drag = null; });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var rect = canvas.getBoundingClientRect();
    var mx = Math.max(LABEL_W, ev.clientX - rect.left), tm = tOf(mx);
    var f = Math.exp((ev.deltaY > 0 ? 1 : -1) * 0.2);
    var nt0 = tm - (tm - view.t0) * f, nt1 = tm + (view.t1 - tm) * f;
    if (nt1 - nt0 < 1e-6) return;
    view.t0 = nt0; view.t1 = nt1; draw();
  }, { passive: false });
  canvas.addEventListener("dblclick", function () { view.t0 = 0; view.t1 = tEnd * 1.01; draw(); });
  window.addEventListener("resize", function () { resize(); draw(); });

  resize();
  draw();
  // for tests (headless Chromium) and scripts
  window.lnpTimeline = { tasks: nT, transfers: nX, rows: D.rows.length, regions: D.regions.length,
                         tipText: function (row, t) { return tipText({ type: "row", row: row }, t, 0); } };
  if (location.hash === "#selftest") {
    // the hover text of the first task and of the first transfer (tests)
    var pre = document.createElement("pre");
    pre.id = "lnp-selftest";
    var parts = [];
    if (nT) parts.push(tipText({ type: "row", row: T.row[0] }, T.start[0] + T.dur[0] / 2, 0));
    if (nX) parts.push(tipText({ type: "row", row: X.row[0] }, X.start[0] + X.dur[0] / 2, 0));
    pre.textContent = parts.join("\n----\n");
    document.body.appendChild(pre);
  }
  document.body.setAttribute("data-lnp-status", "ok");
  document.body.setAttribute("data-lnp-tasks", String(nT));
})();
