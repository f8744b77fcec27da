// One state, one way to change it: update(patch) deep-merges (arrays replace), sanitizes, and tells the
// subscribers what the state was and is. What must follow a change is decided by them, from the difference.
import { deepMerge, sanitize } from "./state.js";

export class Store {
  /** ``checkParam(optimizer, name, value)`` vetoes hyperparameter values; ``follow(patch, state)`` returns the patch with
   *  what a change implies inside the state itself (a new landscape starts unzoomed, at its default start). */
  constructor(initial, { checkParam = () => true, follow = (patch) => patch } = {}) {
    this.state = initial;
    this.checkParam = checkParam;
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

  /** Apply a patch; returns the new version. Invalid fields keep their last valid value. */
  update(patch, source = "script") {
    const prev = this.state;
    const next = sanitize(deepMerge(prev, this.follow(patch, prev)), prev, this.checkParam);
    if (JSON.stringify(next) === JSON.stringify(prev)) return { version: this.version, changed: false };
    this.state = next;
    this.version += 1;
    for (const fn of this.listeners) fn(next, prev, source, this.version);
    return { version: this.version, changed: true };
  }
}
