// Page scripting (API.md, docs/scripting.md): window.slopes.state() and update(patch) -> Promise (resolved
// with the state once its result is drawn), and the same update from a parent frame's {type: "slopes:update", patch}
// message. A script's patch with an invalid field is refused whole: the promise rejects with an Error naming the
// field, and the state stays.

const FIELDS = ["surface", "start", "steps", "gradient", "formula", "domain", "surface_options", "view"];

/** The first field of a script's ``patch`` that the state would not take as given (``next``: the state it gives),
 *  as "path: reason", or null. A leaf the sanitizer replaced (a number out of range, a wrong type) was invalid; an
 *  optimizer the server does not offer, or a hyperparameter it dropped, too. A null leaf asks for the default. */
function patchProblem(patch, next, catalogue) {
  const walk = (p, n, path) => {
    if (p === null) return null;
    if (typeof p !== "object" || Array.isArray(p)) {
      return JSON.stringify(p) === JSON.stringify(n) ? null : `${path}: ${JSON.stringify(p)?.slice(0, 40)} is not valid`;
    }
    if (n === null || typeof n !== "object") return `${path}: ${JSON.stringify(p).slice(0, 40)} is not valid`;
    for (const [k, v] of Object.entries(p)) {
      if (v === undefined) continue;
      const r = walk(v, n[k], path ? `${path}.${k}` : k);
      if (r) return r;
    }
    return null;
  };
  for (const [k, v] of Object.entries(patch)) {
    if (k === "optimizers") {
      if (v === null) continue;
      if (!Array.isArray(v) || JSON.stringify(next.optimizers.map((o) => o.optimizer)) !== JSON.stringify(v.map((o) => o?.optimizer))) {
        return "optimizers: a list of 1 to 8 lanes, each {optimizer, params}";
      }
      for (const [i, lane] of v.entries()) {
        if (!catalogue.offers(lane.optimizer)) return `optimizers[${i}].optimizer: unknown optimizer ${JSON.stringify(lane.optimizer).slice(0, 40)}`;
        const r = walk(lane.params || {}, next.optimizers[i].params, `optimizers[${i}].params`);
        if (r) return r;
      }
    } else if (FIELDS.includes(k)) {
      const r = walk(v, next[k], k);
      if (r) return r;
    } else return `${k}: not a field of the state`;
  }
  return null;
}

/** The slopes:update messages (a parent frame's, answered once the page has started), and window.slopes once it has:
 *  ``ready`` is a promise of {store, stage, catalogue}. */
export function exposeScripting({ ready }) {
  let page = null;
  const update = (patch) => {
    const { store, stage, catalogue } = page;
    const problem = !patch || typeof patch !== "object" || Array.isArray(patch) ? "patch: must be an object"
      : patchProblem(patch, store.preview(patch), catalogue);
    if (problem) return Promise.reject(new Error(`slopes.update: ${problem}`));
    const { version } = store.update(patch, "script");
    return stage.whenDrawn(version);
  };
  const started = ready.then((p) => {
    page = p;
    window.slopes = { state: () => p.store.get(), update: (patch) => update(patch) };
  });
  window.addEventListener("message", (event) => {
    const data = event.data;
    if (!data || typeof data !== "object" || data.type !== "slopes:update") return;
    if (event.source !== window.parent && event.source !== window) return;
    if (data.patch && typeof data.patch === "object" && !Array.isArray(data.patch)) {
      started.then(() => update(data.patch)).catch((e) => console.warn(e.message));
    }
  });
}
