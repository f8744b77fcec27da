// The landscape of the state's surface (its metadata and contour grid), loaded once per key (surface, formula,
// domain, penalties) and published as results.land.
import { getJSON, postJSON } from "./api.js";
import { prepareLandscape } from "./figure.js";
import { landKeyOf, landscapeKey } from "./state.js";

export class Landscapes {
  /** ``onError(err, state)``: a landscape that could not be loaded (``err.detail``: a formula's 422 detail). */
  constructor({ store, results, catalogue, onError }) {
    Object.assign(this, { store, results, catalogue, onError });
    this.cache = new Map();  // key -> Promise of the landscape
    this.customMeta = new Map();  // key -> a custom formula's metadata, as its validation answered it
    store.subscribe((next, prev) => { if (this.key(next) !== this.key(prev)) this.load(); });
    results.subscribe((value, prev, patch) => {
      // the server may have restarted: a landscape not yet loaded is asked for again
      if (patch.connected && (!value.land || value.land.key !== this.key(store.peek()))) this.load();
    });
  }

  key(state) { return landKeyOf(state, (id) => this.catalogue.hasDataset(id)); }

  /** A custom formula's metadata, already known (the formula box validated it): no second POST. */
  remember(formula, domain, meta) { this.customMeta.set(landscapeKey({ surface: "custom", formula, domain }), meta); }

  gridURL(state, meta) {
    const n = meta.minima.length > 50 ? 220 : 160;
    if (state.surface === "custom") {
      const d = state.domain || meta.domain;
      return `/api/surfaces/custom/grid?n=${n}&formula=${encodeURIComponent(state.formula)}&x0=${d.x[0]}&x1=${d.x[1]}&y0=${d.y[0]}&y1=${d.y[1]}`;
    }
    const o = this.catalogue.hasDataset(state.surface) ? state.surface_options || {} : {};
    return `/api/surfaces/${encodeURIComponent(state.surface)}/grid?n=${n}&l1=${o.l1 || 0}&l2=${o.l2 || 0}`;
  }

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
