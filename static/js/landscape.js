// The landscape of the state's surface (its metadata and contour grid), loaded once per key (surface, formula,
// domain, penalties) and published as results.land. The grid reaches a little past the domain (the plots keep a
// margin around it); a plot whose axes reach further (equal axes on a wide plot, a zoom out) asks cover() for a grid
// over its own box, loaded once and kept.
import { getJSON, postJSON } from "./api.js";
import { prepareLandscape } from "./figure.js";
import { landKeyOf, landscapeKey } from "./state.js";

const GRID_MARGIN = 0.06;  // of the domain's span on each side: the base grid covers the plots' margins
const COVER_SLACK = 0.08;  // a cover grid reaches this much past the box asked for (a small resize needs no other)

/** ``box`` grown by ``f`` of its span on each side. */
export function grownBox(box, f) {
  const g = (r) => { const d = (r[1] - r[0]) * f; return [r[0] - d, r[1] + d]; };
  return { x: g(box.x), y: g(box.y) };
}

const contains = (grid, box) => {
  const tx = (grid.x[grid.x.length - 1] - grid.x[0]) * 1e-3, ty = (grid.y[grid.y.length - 1] - grid.y[0]) * 1e-3;
  return grid.x[0] <= box.x[0] + tx && grid.x[grid.x.length - 1] >= box.x[1] - tx && grid.y[0] <= box.y[0] + ty
    && grid.y[grid.y.length - 1] >= box.y[1] - ty;
};

export class Landscapes {
  /** ``onError(err, state)``: a landscape that could not be loaded (``err.detail``: a formula's 422 detail). */
  constructor({ store, results, catalogue, onError }) {
    Object.assign(this, { store, results, catalogue, onError });
    this.cache = new Map();  // key -> Promise of the landscape
    this.customMeta = new Map();  // key -> a custom formula's metadata, as its validation answered it
    this.covers = new Map();  // landscape key -> [{box, land (a grid over box, prepared) or null while loading}]
    this.loading = new Set();  // the cover entries on their way
    store.subscribe((next, prev) => { if (this.key(next) !== this.key(prev)) this.load(); });
    results.subscribe((value, prev, patch) => {
      // the server may have restarted: a landscape not yet loaded is asked for again
      if (patch.connected && (!value.land || value.land.key !== this.key(store.peek()))) this.load();
    });
  }

  key(state) { return landKeyOf(state, (id) => this.catalogue.hasDataset(id)); }

  /** A custom formula's metadata, already known (the formula box validated it): no second POST. */
  remember(formula, domain, meta) { this.customMeta.set(landscapeKey({ surface: "custom", formula, domain }), meta); }

  /** The grid's address: over ``box`` (default: the domain and its margin), n a side (default: the surface's own
   *  detail over the domain, kept over a larger box up to the server's limit). */
  gridURL(state, meta, box = null) {
    const base = meta.minima.length > 50 ? 220 : 160;
    const domain = state.surface === "custom" ? state.domain || meta.domain : meta.domain;
    const d = box || grownBox(domain, GRID_MARGIN);
    const ratio = Math.max((d.x[1] - d.x[0]) / (domain.x[1] - domain.x[0]), (d.y[1] - d.y[0]) / (domain.y[1] - domain.y[0]), 1);
    const n = Math.min(Math.ceil(base * ratio), this.catalogue.limits?.max_grid || 1000);
    const r = (v) => +v.toPrecision(8);
    const range = `x0=${r(d.x[0])}&x1=${r(d.x[1])}&y0=${r(d.y[0])}&y1=${r(d.y[1])}`;
    if (state.surface === "custom") return `/api/surfaces/custom/grid?n=${n}&formula=${encodeURIComponent(state.formula)}&${range}`;
    const o = this.catalogue.hasDataset(state.surface) ? state.surface_options || {} : {};
    return `/api/surfaces/${encodeURIComponent(state.surface)}/grid?n=${n}&l1=${o.l1 || 0}&l2=${o.l2 || 0}&${range}`;
  }

  /** The landscape ``land`` drawn over ``box``: itself when its grid covers the box, else a grid over the box (and a
   *  little more) once loaded, with the same colours; until then ``land`` itself, and ``ready()`` is called when the
   *  wider grid is in (or could not be loaded: ``land`` stays). ``covering()`` says whether one is on its way (the
   *  figure is not yet as it will be). */
  cover(land, box, ready) {
    const state = this.store.peek();
    if (contains(land.grid, box) || this.key(state) !== land.key) return land;
    const list = this.covers.get(land.key) || [];
    this.covers.set(land.key, list);
    const hit = list.find((c) => contains(c.box, box));
    if (hit) return hit.land || land;
    const entry = { box: grownBox(box, COVER_SLACK), land: null };
    entry.box = { x: entry.box.x, y: entry.box.y };
    list.push(entry);
    if (list.length > 6) list.shift();
    this.loading.add(entry);
    getJSON(this.gridURL(state, land.meta, entry.box)).then((grid) => {
      entry.box = { x: [grid.x[0], grid.x[grid.x.length - 1]], y: [grid.y[0], grid.y[grid.y.length - 1]] };
      entry.land = { ...land, grid, ...prepareLandscape(land.meta, grid, land.colour), covers: entry.box };
    }, () => {}).finally(() => { this.loading.delete(entry); ready(); });  // (a failed one stays: not asked again)
    return land;
  }

  covering() { return this.loading.size > 0; }

  async meta(state, key) {
    if (state.surface === "custom") {
      if (this.customMeta.has(key)) return this.customMeta.get(key);
      return postJSON("/api/surfaces/custom", { formula: state.formula, domain: state.domain });
    }
    const o = state.surface_options || {};
    if (this.catalogue.hasDataset(state.surface) && (o.l1 || o.l2)) return getJSON(`/api/surfaces/${state.surface}?l1=${o.l1 || 0}&l2=${o.l2 || 0}`);
    return this.catalogue.surface(state.surface);
  }

  ensure(state) {
    const key = this.key(state);
    if (!this.cache.has(key)) {
      const job = (async () => {
        const meta = await this.meta(state, key);
        const grid = await getJSON(this.gridURL(state, meta));
        return { key, meta, grid, ...prepareLandscape(meta, grid) };
      })();
      this.cache.set(key, job);
      job.catch(() => this.cache.delete(key));
    }
    return this.cache.get(key);
  }

  async load() {
    const state = this.store.peek();
    const key = this.key(state);
    try {
      const land = await this.ensure(state);
      if (key !== this.key(this.store.peek())) return;
      this.results.set({ land });
    } catch (err) {
      if (key !== this.key(this.store.peek())) return;
      this.onError(err, state);
    }
  }
}
