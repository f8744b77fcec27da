// Saving the view: stills for slides (PNG and SVG at a slide's size, slides.js), the offline HTML, JSON and CSV. The
// animations (video, GIF) are made by video.js from the dialog in videodialog.js.
import { SLIDE_SIZES, slideImage } from "./slides.js";
import { encodeState } from "./state.js";

export function save(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 5000);
}

/** The file name of a download: the lesson's id, else the surface's. */
export function fileName(state) {
  return `slopes-${state.view?.lesson || state.surface}`;
}

/** A 4xx/503 ``detail`` in words: each field and message of a 422, or a 503's sentence; null for anything else. */
function detailText(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((e) => `${(e.loc || []).slice(1).join(".")}: ${e.msg}`).join("; ");
  return null;
}

/** What a refused download says: its detail in words, or the status and text. */
async function refusal(res) {
  const text = await res.text();
  let detail;
  try {
    detail = JSON.parse(text).detail;
  } catch {
    detail = undefined;
  }
  return detailText(detail) ?? `${res.status} ${res.statusText} ${text.slice(0, 200)}`.trim();
}

/** Save the view as ``kind``: ``png`` / ``svg`` (a 16:9 slide), ``png-4:3`` / ``svg-4:3``, ``json``, ``csv``, ``html``.
 *  ``scene()``: what the overlay draws; ``text()``: the figure's title and caption; ``exact()``: the state's runs from
 *  the run client, in float64 (the page draws float32 paths). */
export async function download(kind, { scene, text, exact, state }) {
  const name = fileName(state);
  const [format, aspect = "16:9"] = kind.split("-");
  if (format === "png" || format === "svg") {
    const blob = await slideImage(scene(), text(), SLIDE_SIZES[aspect] || SLIDE_SIZES["16:9"], format);
    return save(blob, `${name}${aspect === "4:3" ? "-4x3" : ""}.${format}`);
  }
  if (kind === "json") {
    let body;
    try {
      body = await exact();
    } catch (err) {
      throw new Error(detailText(err.detail) ?? err.message);
    }
    return save(new Blob([JSON.stringify({ state, runs: body.runs }, null, 1)], { type: "application/json" }), `${name}.json`);
  }
  if (kind === "csv" || kind === "html") {
    const path = kind === "csv" ? "/export.csv" : "/export.html";
    const lang = document.documentElement.lang;
    const res = await fetch(`${path}?state=${encodeState(state)}${kind === "html" ? `&lang=${encodeURIComponent(lang)}` : ""}`);
    if (!res.ok) throw new Error(await refusal(res));  // a refusal or a busy server is said, never saved as the file
    return save(await res.blob(), `${name}.${kind}`);
  }
  throw new Error(`unknown download ${kind}`);
}

/** Frame sizes that fit a slide under its heading: reveal.js's 960 x 700 (4:3) and 16:9 decks. */
export const EMBED_SIZES = { "16:9": [960, 540], "4:3": [800, 600] };

function attr(text) {
  return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An <iframe> of /embed for this state, playing by itself unless a step is inspected. The theme is pinned (the one on screen unless the state names one), so a
 *  viewer whose system is dark still sees the figure the lecturer saw on the slide. */
export function embedSnippet(state, { caption = "", size = "16:9", theme = "light" } = {}) {
  const pinned = { ...state, view: { ...(state.view || {}), theme: (state.view && state.view.theme) || theme } };
  // an inspected step stays on the slide: playing would move the path's point away from the arrows drawn at it
  const still = Boolean(state.view && state.view.inspect);
  const params = new URLSearchParams(still ? { state: encodeState(pinned) } : { state: encodeState(pinned), autoplay: "1", loop: "1" });
  if (caption) params.set("caption", caption);
  const [width, height] = EMBED_SIZES[size] || EMBED_SIZES["16:9"];
  const src = `${location.origin}/embed?${params}`;
  return `<iframe src="${attr(src)}" width="${width}" height="${height}" style="border:0;max-width:100%" loading="lazy" ` +
    `title="${attr(caption || "Slopes")}" allowfullscreen></iframe>`;
}
