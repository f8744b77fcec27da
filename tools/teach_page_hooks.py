"""Teach's hooks in the page's files (issue 17), for the page built around the store (static/js/store.js):

* the store keeps a lane's ``gradient``, ``objective`` and ``surface_options`` and passes them to the API
  (numerical_gradient, mse_vs_mae, l1_sparse and hinge_vs_ce compare lanes that differ only there);
* it keeps ``view.inspect`` ({lane, step}) and ``view.test_contour``, and a lesson sets its ``test_contour``;
* a lesson's lane label is shown in the page's language (lessons carry ``labels: {en: [...], ko: [...]}``);
* the step inspector and the test-landscape contour are loaded.

Usage, once the page's store is on the branch: ``python tools/teach_page_hooks.py .`` (idempotent: an edit
already made is skipped; an anchor that moved fails loudly with the file and the text it looked for).
"""
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "."

def edit(p, a, b, count=1):
    path = f"{root}/{p}"
    s = open(path).read()
    if b in s:
        return
    assert s.count(a) == count, (p, a[:70], s.count(a))
    open(path, "w").write(s.replace(a, b))

S = "static/js/state.js"
edit(S, '''    tuned: false, lesson: null, equal: false, zoom: null, markers: "near" };
}''', '''    tuned: false, lesson: null, equal: false, zoom: null, markers: "near", inspect: null, test_contour: false };
}''')
edit(S, '''    markers: field(v.markers, oneOf(["near", "all"]), fv.markers),
  };''', '''    markers: field(v.markers, oneOf(["near", "all"]), fv.markers),
    inspect: v.inspect === null ? null : field(v.inspect, inspectAt, fv.inspect ?? null),
    test_contour: field(v.test_contour, bool, fv.test_contour ?? false),
  };''')
edit(S, '''function field(value, check, fallback) {''', '''/** The step inspector's place: a lane and a step (0-based), or undefined. */
const inspectAt = (v) => (isObj(v) && int(v.lane, 0, MAX_LANES - 1) !== undefined && int(v.step, 0, MAX_STEPS) !== undefined
  ? { lane: v.lane, step: v.step } : undefined);

/** A lane's own gradient settings: any of mode, h, noise, seed. */
function laneGradient(v) {
  if (!isObj(v)) return undefined;
  const out = {};
  if (v.mode !== undefined) { const m = oneOf(["analytic", "numerical"])(v.mode); if (m === undefined) return undefined; out.mode = m; }
  if (v.h !== undefined) { const h = num(v.h, 1e-12, 1); if (h === undefined) return undefined; out.h = h; }
  if (v.noise !== undefined) { const n = num(v.noise, 0, MAX_NOISE); if (n === undefined) return undefined; out.noise = n; }
  if (v.seed !== undefined) { const s = int(v.seed, 0, 2 ** 32 - 1); if (s === undefined) return undefined; out.seed = s; }
  return out;
}

function penalties(v) {
  if (!isObj(v)) return undefined;
  const l1 = num(v.l1 ?? 0, 0, 100), l2 = num(v.l2 ?? 0, 0, 100);
  return l1 === undefined || l2 === undefined ? undefined : { l1, l2 };
}

function field(value, check, fallback) {''')
edit(S, '''  if (v.batch_size !== undefined && v.batch_size !== null) {
    const b = int(v.batch_size, 1, 100000);
    if (b !== undefined) out.batch_size = b;
  }
  return out;''', '''  if (v.batch_size !== undefined && v.batch_size !== null) {
    const b = int(v.batch_size, 1, 100000);
    if (b !== undefined) out.batch_size = b;
  }
  if (v.gradient !== undefined && v.gradient !== null) { const g = laneGradient(v.gradient); if (g) out.gradient = g; }
  if (v.objective !== undefined && v.objective !== null) { const o = ident(v.objective); if (o) out.objective = o; }
  if (v.surface_options !== undefined && v.surface_options !== null) {
    const o = penalties(v.surface_options);
    if (o) out.surface_options = o;
  }
  return out;''')
edit(S, '''    for (const key of ["label", "schedule", "switch"]) if (o[key]) lane[key] = o[key];
    if (o.batch_size && dataset) lane.batch_size = o.batch_size;''', '''    for (const key of ["label", "schedule", "switch", "gradient"]) if (o[key]) lane[key] = o[key];
    if (o.batch_size && dataset) lane.batch_size = o.batch_size;
    if (dataset) for (const key of ["objective", "surface_options"]) if (o[key]) lane[key] = o[key];''')

M = "static/js/main.js"
edit(M, '''  const own = store.peek().optimizers[i]?.label;
  if (own) return tOr(`label:${own}`, own);''', '''  const own = store.peek().optimizers[i]?.label;
  if (own) return lessonLabel(own) ?? tOr(`label:${own}`, own);''')
edit(M, '''/** The user's label (translated when it is a lesson's), or the optimizer's name in the page's language with its lr. */''',
'''/** A lesson's lane label in the page's language (lessons carry labels: {en: [...], ko: [...]}), or null. */
function lessonLabel(label) {
  const lang = document.documentElement.lang;
  for (const lesson of app.lessons) {
    const i = lesson.labels?.en?.indexOf(label) ?? -1;
    if (i >= 0) return lesson.labels[lang]?.[i] ?? label;
  }
  return null;
}

/** The user's label (translated when it is a lesson's), or the optimizer's name in the page's language with its lr. */''')

T = "templates/index.html"
edit(T, '''  <script type="module" src="/static/js/main.js"></script>''', '''  <script type="module" src="/static/js/main.js"></script>
  <script type="module" src="/static/js/inspector.js"></script>
  <script type="module" src="/static/js/testcontour.js"></script>''')
print("patched", root)
edit(M, '''view: { mode: s.view?.mode || "overlay", arrows: !!s.view?.arrows, lesson: id,''',
     '''view: { mode: s.view?.mode || "overlay", arrows: !!s.view?.arrows, lesson: id, test_contour: !!s.view?.test_contour, inspect: null,''')
print("patched lesson view", root)
