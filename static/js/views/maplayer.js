// The live layer of a map view: a canvas over its plot where a dragged lane's map, curve and markers are drawn the
// moment they arrive (a Plotly redraw of a figure of five maps costs 100-150 ms, of the sweep's curves about 90; this,
// a millisecond or two), until Plotly draws the whole figure again once the slider rests.
//
// Data coordinates become pixels here only, from the geometry Plotly gave the last full drawing: the plot area, each
// subplot's domain and its axes' ranges (log axes in decades), read once per drawing (plotGeometry).
const RADIUS = { star: 7.5, diamond: 8 };

/** Each subplot's box after a Plotly drawing of ``el``: ``count`` subplots (axes x, x2, ... / y, y2, ...), from what
 *  Plotly makes public: the figure's size and each axis's range and type as its layout holds them after the drawing
 *  (an autorange written back), each subplot's area as its drag rectangle covers it. */
export function plotGeometry(el, count) {
  const layout = el.layout;
  if (!layout?.width || !layout?.height) return null;
  const boxes = [];
  for (let i = 0; i < count; i++) {
    const s = i === 0 ? "" : String(i + 1);
    const xa = layout[`xaxis${s}`], ya = layout[`yaxis${s}`];
    const area = el.querySelector(`.nsewdrag[data-subplot="x${s}y${s}"]`);
    if (!xa?.range || !ya?.range || !area) return null;
    const [left, top, width, height] = ["x", "y", "width", "height"].map((a) => Number(area.getAttribute(a)));
    boxes.push({ left, top, width, height,
      x: { range: xa.range.slice(), log: xa.type === "log" }, y: { range: ya.range.slice(), log: ya.type === "log" } });
  }
  return { width: layout.width, height: layout.height, boxes };
}

/** A Plotly line dash (its name) as a canvas dash pattern for a line ``width`` wide (Plotly's lengths). */
export function dashPattern(name, width) {
  const w = Math.max(width, 3);
  return { dot: [w, w], dash: [3 * w, 3 * w], longdash: [5 * w, 5 * w], dashdot: [3 * w, w, w, w],
    longdashdot: [5 * w, 2 * w, w, 2 * w] }[name] || [];
}

function rgb(colour) {
  const hex = colour.replace("#", "");
  const v = parseInt(hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex, 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

export class LiveLayer {
  constructor(plot) {
    this.plot = plot;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "overlay live-layer";
    this.canvas.setAttribute("aria-hidden", "true");
    this.geometry = null;
    this.items = new Map();  // key (a lane) -> {box: its subplot's index, items: what is drawn there live}
  }

  /** After each full Plotly drawing: its geometry; what was drawn live goes. */
  reset(count) {
    this.geometry = plotGeometry(this.plot, count);
    this.items.clear();
    if (!this.canvas.isConnected) this.plot.append(this.canvas);  // after Plotly's own container: on top of it
    this.paint();
  }

  get ready() { return !!this.geometry; }

  /** Nothing live under ``key`` (nothing at all without one). */
  clear(key = null) {
    if (key === null) this.items.clear(); else this.items.delete(key);
    this.paint();
  }

  /** What ``key`` (a lane) shows live in box ``box``: a list of {heatmap | markers | line} items (see DRAW below),
   *  drawn in the order they were first set. */
  set(key, box, items) {
    this.items.set(key, { box, items });
    this.paint();
  }

  has(key) { return this.items.has(key); }

  paint() {
    const g = this.geometry;
    const ratio = window.devicePixelRatio || 1;
    const ctx = this.canvas.getContext("2d");
    if (!g || !this.items.size) {
      if (this.painted) ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
      this.painted = false;
      return;
    }
    const width = Math.round(g.width * ratio), height = Math.round(g.height * ratio);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.canvas.style.width = `${g.width}px`;
      this.canvas.style.height = `${g.height}px`;
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, g.width, g.height);
    for (const { box: i, items } of this.items.values()) {
      const box = g.boxes[i];
      if (!box) continue;
      ctx.save();
      ctx.beginPath();
      ctx.rect(box.left, box.top, box.width, box.height);
      ctx.clip();
      for (const item of items) DRAW[item.type](ctx, box, item);
      ctx.restore();
    }
    this.painted = true;
  }
}

/** Data to pixels in ``box`` (log axes: ranges in decades, as Plotly keeps them); ``ux``/``uy``: axis units to
 *  pixels. */
function mapper(box) {
  const along = (axis, start, length, flip) => {
    const [a, b] = axis.range;
    return (u) => start + (flip ? 1 - (u - a) / (b - a) : (u - a) / (b - a)) * length;
  };
  const ux = along(box.x, box.left, box.width, false), uy = along(box.y, box.top, box.height, true);
  const unit = (axis) => (axis.log ? Math.log10 : (v) => v);
  const [tx, ty] = [unit(box.x), unit(box.y)];
  return { px: (v) => ux(tx(v)), py: (v) => uy(ty(v)), ux, uy, tx, ty };
}

const DRAW = {
  /** A grid of cells centred on ``x[i]``, ``y[j]`` (evenly spaced in axis units: a log axis's values evenly spaced
   *  in decades): ``colour(z[j][i])`` -> "#rrggbb" or null (nothing drawn). */
  heatmap(ctx, box, { x, y, z, colour }) {
    const nx = x.length, ny = y.length;
    if (nx < 2 || ny < 2) return;
    const image = new ImageData(nx, ny);
    const cache = new Map();
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = z[j][i];
        let c = cache.get(v);
        if (c === undefined) { const hex = colour(v); c = hex ? rgb(hex) : null; cache.set(v, c); }
        if (!c) continue;
        const o = 4 * ((ny - 1 - j) * nx + i);  // row 0 of the image is the top: the largest y
        image.data[o] = c[0]; image.data[o + 1] = c[1]; image.data[o + 2] = c[2]; image.data[o + 3] = 255;
      }
    }
    const cells = document.createElement("canvas");
    cells.width = nx;
    cells.height = ny;
    cells.getContext("2d").putImageData(image, 0, 0);
    const { ux, uy, tx, ty } = mapper(box);
    const [x0, x1, y0, y1] = [tx(x[0]), tx(x[nx - 1]), ty(y[0]), ty(y[ny - 1])];
    const dx = (x1 - x0) / (nx - 1), dy = (y1 - y0) / (ny - 1);
    const left = ux(x0 - dx / 2), right = ux(x1 + dx / 2), top = uy(y1 + dy / 2), bottom = uy(y0 - dy / 2);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cells, left, top, right - left, bottom - top);
  },

  /** Markers at ``points`` ([[x, y], ...]): ``symbol`` "star" or "diamond", ``fill``, ``stroke``, ``width``. */
  markers(ctx, box, { points, symbol, fill, stroke, width = 1.5, size = 1 }) {
    const { px, py } = mapper(box);
    const r = RADIUS[symbol] * size;
    for (const [x, y] of points) {
      if (!Number.isFinite(x) || !Number.isFinite(y) || (box.x.log && x <= 0) || (box.y.log && y <= 0)) continue;
      const u = px(x), v = py(y);
      ctx.beginPath();
      if (symbol === "star") {
        for (let k = 0; k < 10; k++) {
          const a = -Math.PI / 2 + (k * Math.PI) / 5, rr = k % 2 ? r * 0.45 : r;
          ctx.lineTo(u + rr * Math.cos(a), v + rr * Math.sin(a));
        }
      } else {
        ctx.moveTo(u, v - r); ctx.lineTo(u + r, v); ctx.lineTo(u, v + r); ctx.lineTo(u - r, v);
      }
      ctx.closePath();
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.lineWidth = width;
      ctx.strokeStyle = stroke;
      ctx.stroke();
    }
  },

  /** A polyline through ``xs``, ``ys`` (a null y breaks it), with dots at its points when ``dots`` is a radius. */
  line(ctx, box, { xs, ys, colour, width = 3, dash = [], dots = 0 }) {
    const { px, py } = mapper(box);
    ctx.beginPath();
    let open = false;
    const at = [];
    xs.forEach((x, k) => {
      const y = ys[k];
      if (y === null || y === undefined || !(x > 0 || !box.x.log) || !(y > 0 || !box.y.log)) { open = false; return; }
      const u = px(x), v = py(y);
      if (open) ctx.lineTo(u, v); else ctx.moveTo(u, v);
      open = true;
      at.push([u, v]);
    });
    ctx.setLineDash(dash);
    ctx.lineWidth = width;
    ctx.strokeStyle = colour;
    ctx.lineJoin = "round";
    ctx.stroke();
    ctx.setLineDash([]);
    if (!dots) return;
    ctx.fillStyle = colour;
    for (const [u, v] of at) { ctx.beginPath(); ctx.arc(u, v, dots, 0, 2 * Math.PI); ctx.fill(); }
  },
};
