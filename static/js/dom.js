// Elements built as data: attributes set one by one, children appended as nodes or text (never parsed as markup).
/** ``tag`` with ``attrs`` (``class``, ``style``, ``on<event>`` handlers, others as attributes; false/null/undefined
 *  left out, true as a bare attribute) and ``children``. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "style") node.style.cssText = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/** A turn of the event loop: what follows runs in a task of its own, so a first drawing made of several plots is
 *  several short tasks (input and paint get their turn between them) rather than one long one. */
export function nextTask() {
  return globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}
