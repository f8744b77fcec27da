// What a figure framed in someone else's page owes that page (/embed and the offline export load this).
//
// - Keys the figure does not use go to the host: reveal.js's own postMessage call (a JSON *string*,
//   '{"method":"next"}') and a generic {type: "slopes:key", key} for any other host.
// - Playback pauses while nobody can see it (the tab is hidden, the host says "slide:stop" as reveal.js
//   does for the iframes of a slide it leaves, the frame is scrolled or slid out of view) and resumes after.
// - Under prefers-reduced-motion nothing starts by itself.
// No imports, no globals: the export inlines this file in front of its player, in one module script.

/** True when this document is inside another page's frame. */
export function framed() {
  try {
    return window.parent !== window;
  } catch (e) {
    return true;
  }
}

/** The user asked the system for less motion: no autoplay. */
export function reducedMotion() {
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

// The host's navigation keys; reveal.js reads each message as JSON text and calls Reveal[method](...args).
const NAVIGATION = {
  ArrowRight: { method: "next" },
  PageDown: { method: "next" },
  " ": { method: "next" },
  ArrowLeft: { method: "prev" },
  PageUp: { method: "prev" },
  Home: { method: "slide", args: [0] },
  End: { method: "slide", args: [Number.MAX_SAFE_INTEGER] },
};
const TEXT_TYPES = new Set(["text", "search", "email", "url", "tel", "password", "number", "date", "time",
  "datetime-local", "month", "week"]);

/** Does the focused element use this key itself (so the host must not get it)? */
export function controlUsesKey(el, key) {
  if (!el || el === document.body || el === document.documentElement) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  const role = el.getAttribute && el.getAttribute("role");
  if (tag === "INPUT") {
    const type = (el.type || "text").toLowerCase();
    if (TEXT_TYPES.has(type)) return true;
    if (type === "range") return key !== " ";
    if (type === "checkbox" || type === "button" || type === "submit" || type === "reset") return key === " ";
    if (type === "radio") return true;
    return false;
  }
  if (role === "slider" || role === "spinbutton" || role === "listbox" || role === "combobox" ||
      role === "radiogroup" || role === "tablist" || role === "tab" || role === "menu" || role === "menuitem") {
    return key !== " " || role === "listbox" || role === "combobox";
  }
  if (tag === "BUTTON" || tag === "SUMMARY" || role === "button" || role === "checkbox" || role === "switch") return key === " ";
  if (tag === "A" && el.hasAttribute("href")) return key === " ";
  return false;
}

/** The message reveal.js understands for this key press, or null. */
export function revealMessage(event) {
  if (event.key === " " && event.shiftKey) return { method: "prev" };
  return NAVIGATION[event.key] || null;
}

/**
 * Pass navigation keys the figure does not use to the host page. Returns a function that stops it.
 * `target` defaults to the parent window; `post(message)` is called for each message (for tests).
 */
export function forwardKeys({ target = null, post = null } = {}) {
  const host = target || (framed() ? window.parent : null);
  if (!host && !post) return () => {};
  const send = post || ((message) => host.postMessage(message, "*"));
  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (!(event.key in NAVIGATION)) return;
    if (controlUsesKey(document.activeElement, event.key)) return;
    const reveal = revealMessage(event);
    event.preventDefault(); // Space and PageDown would scroll this frame instead
    if (reveal) send(JSON.stringify(reveal));
    send({ type: "slopes:key", key: event.key, shiftKey: event.shiftKey });
  }
  window.addEventListener("keydown", onKey);
  return () => window.removeEventListener("keydown", onKey);
}

/**
 * After a pointer press on a button or a slider, give the focus back to the document, so the next
 * ArrowRight or Space goes to the host's deck rather than to that control. Keyboard focus (Tab) is kept.
 */
export function releasePointerFocus(root = document) {
  function onPointerUp(event) {
    const el = event.target && event.target.closest && event.target.closest("button, input[type=range], [role=button]");
    if (!el || typeof el.blur !== "function") return;
    // at once (a key pressed right after the click must already go to the host; the click itself still fires on
    // the control), and once more after this event's other handlers, in case one of them focused it again
    if (document.activeElement === el) el.blur();
    setTimeout(() => { if (document.activeElement === el) el.blur(); }, 0);
  }
  root.addEventListener("pointerup", onPointerUp);
  return () => root.removeEventListener("pointerup", onPointerUp);
}

/**
 * Watch whether anyone can see this figure: the page is shown, the host has not stopped this slide, and
 * `element` is in the viewport. Calls onChange(visible) on every change. Returns {visible(), stop()}.
 */
export function watchVisibility(element, onChange) {
  let hostStopped = false;
  let onScreen = true;
  let last = null;
  const visible = () => !document.hidden && !hostStopped && onScreen;
  function update() {
    const now = visible();
    if (now !== last) {
      last = now;
      onChange(now);
    }
  }
  function onMessage(event) {
    if (event.data === "slide:stop") { hostStopped = true; update(); }
    if (event.data === "slide:start") { hostStopped = false; update(); }
  }
  document.addEventListener("visibilitychange", update);
  window.addEventListener("message", onMessage);
  let observer = null;
  if (element && typeof IntersectionObserver === "function") {
    observer = new IntersectionObserver((entries) => {
      onScreen = entries[entries.length - 1].isIntersecting;
      update();
    });
    observer.observe(element);
  }
  update();
  return {
    visible,
    stop() {
      document.removeEventListener("visibilitychange", update);
      window.removeEventListener("message", onMessage);
      if (observer) observer.disconnect();
    },
  };
}

/**
 * Playback that behaves in a deck: starts by itself only when `autoplay` is asked for, the user does not
 * prefer reduced motion, and the figure is visible; pauses while hidden and resumes what it paused.
 * `player` has play(), pause() and playing(). Returns {visible(), stop()}.
 */
export function deckPlayback(player, { element, autoplay = false } = {}) {
  let pending = autoplay && !reducedMotion(); // autoplay waits until the figure is first seen
  let resume = false;
  return watchVisibility(element, (visible) => {
    if (!visible) {
      if (player.playing()) { resume = true; player.pause(); }
      return;
    }
    if (pending || resume) {
      pending = false;
      resume = false;
      player.play();
    }
  });
}

/** Options a framed figure reads from its address: autoplay, loop, interactive (1/0). */
export function frameOptions(search = location.search, defaults = {}) {
  const query = new URLSearchParams(search);
  const flag = (name) => (query.has(name) ? query.get(name) === "1" || query.get(name) === "true" : Boolean(defaults[name]));
  return { autoplay: flag("autoplay"), loop: flag("loop"), interactive: flag("interactive") };
}

/** Tell the host page something ({type: "slopes:drawn", state} ...); nothing when not framed. */
export function tellHost(message) {
  if (framed()) window.parent.postMessage(message, "*");
}
