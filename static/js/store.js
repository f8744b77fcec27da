// Two published objects, zustand-like (get, subscribe):
//   Store:     the state that lives in the address, changed only by update(patch). A patch is a JSON Merge Patch
//              (RFC 7386): objects merge key by key, arrays and plain values replace, and a null leaf resets that
//              field to its default. Every result is cleaned (known keys, valid values), and the subscribers are told
//              the state before and after: what must follow a change is decided by them, from the difference.
//   Published: what the page knows but does not keep in the address (the server's results): set(patch) replaces
//              keys and tells the subscribers.

const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** ``patch`` merged into ``base`` (RFC 7386); a null leaf takes its value from ``defaults`` (or is removed where the
 *  defaults have none), and an ``undefined`` one is removed (the page's own patches use it). */
export function mergePatch(base, patch, defaults) {
  if (!isObj(patch)) return patch === undefined ? base : structuredClone(patch);
  const out = isObj(base) ? { ...base } : {};
  for (const [k, v] of Object.entries(patch)) {
    const d = isObj(defaults) ? defaults[k] : undefined;
    if (v === undefined || (v === null && d === undefined)) delete out[k];
    else if (v === null) out[k] = structuredClone(d);
    else out[k] = isObj(v) ? mergePatch(out[k], v, d) : structuredClone(v);
  }
  return out;
}

export class Store {
  /** ``defaults()``: the state a null resets to; ``clean(raw, prev)``: a valid state from a merged one (an invalid
   *  field keeps its last valid value); ``follow(patch, prev)``: the patch with what a change implies inside the state
   *  itself (a new landscape starts unzoomed, at its default start). */
  constructor(initial, { defaults, clean = (raw) => raw, follow = (patch) => patch }) {
    this.state = initial;
    this.defaults = defaults;
    this.clean = clean;
    this.follow = follow;
    this.listeners = [];
    this.version = 1;
  }

  /** A copy: nobody outside the store holds a reference it could mutate. */
  get() { return structuredClone(this.state); }

  /** The live state, read-only by convention (for hot paths that only read). */
  peek() { return this.state; }

  subscribe(fn) {
    this.listeners.push(fn);
    return () => { this.listeners = this.listeners.filter((f) => f !== fn); };
  }

  /** The state ``patch`` would give, without applying it (for checking a script's patch before it lands). */
  preview(patch) {
    return this.clean(mergePatch(this.state, this.follow(patch, this.state), this.defaults()), this.state);
  }

  /** Apply a patch; returns the new version (unchanged when the patch changed nothing). */
  update(patch, source = "script") {
    const prev = this.state;
    const next = this.preview(patch);
    if (JSON.stringify(next) === JSON.stringify(prev)) return { version: this.version, changed: false };
    this.state = next;
    this.version += 1;
    for (const fn of this.listeners) fn(next, prev, source, this.version);
    return { version: this.version, changed: true };
  }
}

export class Published {
  constructor(value = {}) {
    this.value = value;
    this.listeners = [];
  }

  get() { return this.value; }

  subscribe(fn) {
    this.listeners.push(fn);
    return () => { this.listeners = this.listeners.filter((f) => f !== fn); };
  }

  /** Replace the keys of ``patch``; subscribers get (value, previous, patch). */
  set(patch) {
    const prev = this.value;
    this.value = { ...prev, ...patch };
    for (const fn of this.listeners) fn(this.value, prev, patch);
  }
}
