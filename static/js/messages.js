// Messages where the user looks: a reason beside the field that is wrong, or a toast inside the viewport.
// Text only (textContent): a message may quote user or server text, which must never become markup.
import { t } from "./i18n.js";

/** Mark ``input`` invalid with ``reason`` shown right after it (or clear both with a null reason). */
export function setFieldError(input, reason) {
  if (!input) return;
  // beside the field, but outside its <label>, so the field's name stays its label
  const anchor = input.closest("label") || input;
  let note = anchor.nextElementSibling?.classList?.contains("field-error") ? anchor.nextElementSibling : null;
  if (!reason) {
    input.removeAttribute("aria-invalid");
    if (note) note.remove();
    return;
  }
  input.setAttribute("aria-invalid", "true");
  if (!note) {
    note = document.createElement("span");
    note.className = "field-error";
    note.setAttribute("role", "alert");
    note.id = `${input.id || `f${Math.random().toString(36).slice(2, 9)}`}-error`;
    anchor.after(note);
    input.setAttribute("aria-describedby", note.id);
  }
  note.textContent = reason;
}

/** Parse a typed number: {value} or {reason}. ``spec``: min, max, min_exclusive, max_exclusive, integer. */
export function parseNumber(text, spec = {}) {
  const s = String(text ?? "").trim();
  if (s === "") return { reason: t("err_empty") };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return { reason: t("err_not_number", { text: s.slice(0, 24) }) };
  const v = Number(s);
  if (!Number.isFinite(v)) return { reason: t("err_not_number", { text: s.slice(0, 24) }) };
  return checkNumber(v, spec);
}

export function checkNumber(v, spec = {}) {
  if (typeof v !== "number" || !Number.isFinite(v)) return { reason: t("err_not_number", { text: String(v) }) };
  if (spec.integer && !Number.isInteger(v)) return { reason: t("err_integer") };
  const { min, max } = spec;
  if (min !== undefined && min !== null && (spec.min_exclusive ? v <= min : v < min)) {
    return { reason: t(spec.min_exclusive ? "err_above" : "err_at_least", { min }) };
  }
  if (max !== undefined && max !== null && (spec.max_exclusive ? v >= max : v > max)) {
    return { reason: t(spec.max_exclusive ? "err_below" : "err_at_most", { max }) };
  }
  return { value: v };
}

const timers = new Map();

/** A toast at the top of the viewport. ``id`` names a message that a later one replaces (or ``dismiss(id)`` clears);
 *  ``error`` toasts stay until dismissed, others fade after a few seconds. */
export function toast(message, { id = null, error = false, ms = 4000 } = {}) {
  const box = document.getElementById("toasts");
  if (!box) return null;
  let node = id ? box.querySelector(`[data-toast="${CSS.escape(id)}"]`) : null;
  if (!node) {
    node = document.createElement("div");
    node.className = "toast";
    if (id) node.dataset.toast = id;
    const text = document.createElement("span");
    const close = document.createElement("button");
    close.className = "icon";
    close.textContent = "✕";
    close.setAttribute("aria-label", t("close"));
    close.addEventListener("click", () => node.remove());
    node.append(text, close);
    box.append(node);
  }
  node.setAttribute("role", error ? "alert" : "status");
  node.classList.toggle("error", error);
  node.firstChild.textContent = message;
  clearTimeout(timers.get(node));
  if (!error) timers.set(node, setTimeout(() => node.remove(), ms));
  return node;
}

export function dismiss(id) {
  document.querySelector(`#toasts [data-toast="${CSS.escape(id)}"]`)?.remove();
}
