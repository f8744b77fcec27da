// Saving the view: PNG and SVG (plotly's own toImage), an animated GIF, the offline HTML, JSON and CSV.
import { encodeGif } from "./gif.js";
import { t } from "./i18n.js";
import { encodeState } from "./state.js";

export const GIF_SIZE = { width: 640, height: 400 };
export const GIF_FRAMES = 40;

function save(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 5000);
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

async function frameImage(figure, size) {
  const url = await Plotly.toImage(figure, { format: "png", ...size });
  const img = new Image();
  img.src = url;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, size.width, size.height);
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, size.width, size.height);
}

/** Save the view as ``kind``. ``figure(upto)``: the overlay as a still figure; ``exact()``: the state's runs from the
 *  run client, in float64 (the page draws float32 paths). */
export async function download(kind, { figure, exact, state, maxStep, onStatus }) {
  const name = `slopes-${state.surface}`;
  if (kind === "png" || kind === "svg") {
    const url = await Plotly.toImage(figure(maxStep), { format: kind, width: 1600, height: 1000, scale: kind === "png" ? 1 : undefined });
    const blob = await (await fetch(url)).blob();
    return save(blob, `${name}.${kind}`);
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
    const res = await fetch(`${path}?state=${encodeState(state)}`);
    if (!res.ok) throw new Error(await refusal(res));  // a refusal or a busy server is said, never saved as the file
    return save(await res.blob(), `${name}.${kind}`);
  }
  if (kind === "gif") {
    const count = Math.min(GIF_FRAMES, maxStep + 1);
    const frames = [];
    for (let f = 0; f < count; f++) {
      const step = count === 1 ? maxStep : Math.round((f * maxStep) / (count - 1));
      frames.push(await frameImage(figure(step), GIF_SIZE));
      onStatus(t("making_gif", { pct: Math.round((100 * (f + 1)) / count) }));
    }
    onStatus("");
    return save(new Blob([encodeGif(frames, 8)], { type: "image/gif" }), `${name}.gif`);
  }
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
