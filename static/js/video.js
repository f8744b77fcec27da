// The playback as a file for slides that hold no iframe: a video (MP4 with H.264, or WebM with VP9), encoded in the
// browser by WebCodecs and muxed by Mediabunny, or an animated GIF (gifenc: one palette quantised from the last frame,
// the lane colours kept exact, no dithering, and each frame only what changed). Both libraries are vendored
// (static/vendor, with their licences) and loaded only when a file is made. Frames come from slides.js.
import { nextTask } from "./dom.js";
import { frameSteps } from "./paths.js";
import { SlideFrames } from "./slides.js";

const MEDIABUNNY = "/static/vendor/mediabunny/mediabunny.min.mjs";
const GIFENC = "/static/vendor/gifenc/gifenc.esm.js";
export const HOLD_SECONDS = 2;  // the last frame stays this long: the whole paths, to talk over
export const FORMATS = { mp4: { codec: "avc", label: "MP4 (H.264)", type: "video/mp4" },
  webm: { codec: "vp9", label: "WebM (VP9)", type: "video/webm" } };

/** How long the paths grow: longer for more steps, between 4 and 10 seconds. */
export function growSeconds(last) {
  return Math.min(10, Math.max(4, last / 50));
}

function cancelled() {
  return new DOMException("cancelled", "AbortError");
}

/** Whether this browser can encode ``format`` at ``size`` (WebCodecs, and the codec: Debian's chromium encodes H.264
 *  with its software encoder; a browser without one cannot make the MP4). */
export async function canEncode(format, size) {
  if (typeof VideoEncoder === "undefined") return false;
  const { canEncodeVideo } = await import(MEDIABUNNY);
  return canEncodeVideo(FORMATS[format].codec, { width: size.width, height: size.height });
}

/** The playback as a video Blob. ``onProgress(fraction)``; ``signal`` (an AbortSignal) cancels. */
export async function makeVideo(scene, text, { format = "mp4", size, fps = 30, onProgress = () => {}, signal } = {}) {
  const mb = await import(MEDIABUNNY);
  const frames = await SlideFrames.make(scene, text, size);
  if (signal?.aborted) throw cancelled();
  const output = new mb.Output({
    format: format === "webm" ? new mb.WebMOutputFormat() : new mb.Mp4OutputFormat({ fastStart: "in-memory" }),
    target: new mb.BufferTarget(),
  });
  const source = new mb.CanvasSource(frames.canvas, { codec: FORMATS[format].codec, bitrate: mb.QUALITY_HIGH, keyFrameInterval: 2 });
  output.addVideoTrack(source, { frameRate: fps });
  await output.start();
  const grow = Math.max(2, Math.round(growSeconds(frames.last) * fps));
  const steps = [];
  for (let f = 0; f < grow; f++) steps.push(Math.round((f * frames.last) / (grow - 1)));
  for (let f = 0; f < Math.round(HOLD_SECONDS * fps); f++) steps.push(frames.last);
  try {
    for (let f = 0; f < steps.length; f++) {
      if (signal?.aborted) throw cancelled();
      frames.draw(steps[f]);
      await source.add(f / fps, 1 / fps);
      onProgress((f + 1) / steps.length);
    }
    await output.finalize();
  } catch (err) {
    await output.cancel().catch(() => {});
    throw err;
  }
  return new Blob([output.target.buffer], { type: FORMATS[format].type });
}

/** The lane colours, the ink and the paper as palette entries ([r, g, b]). */
function exactColours(scene) {
  const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  return [...new Set([...scene.lanes.map((l) => l.color.toLowerCase()), "#1d1d1f", "#ffffff"])].filter((h) => /^#[0-9a-f]{6}$/.test(h)).map(hex);
}

const rgbKey = ([r, g, b]) => r | (g << 8) | (b << 16);

/** One palette (at most ``size`` colours) for a figure of flat colours: ``keep`` exactly, then every colour that covers
 *  a visible area of ``rgba`` exactly (the contour's fills, the text), then the quantiser's colours for what is left
 *  (the anti-aliased edges). Exact fills: no band takes a neighbour's colour. */
export function flatPalette(rgba, keep, quantize, size = 255) {
  const px = new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length / 4);
  const counts = new Map();
  for (let i = 0; i < px.length; i++) { const c = px[i] & 0xffffff; counts.set(c, (counts.get(c) || 0) + 1); }
  const chosen = new Map(keep.map((c) => [rgbKey(c), c]));
  const frequent = [...counts].filter(([, n]) => n >= px.length * 0.0004).sort((a, b) => b[1] - a[1]);
  for (const [c] of frequent) {
    if (chosen.size >= Math.floor(size * 0.6)) break;
    if (!chosen.has(c)) chosen.set(c, [c & 255, (c >> 8) & 255, (c >> 16) & 255]);
  }
  const rest = [];
  for (let i = 0; i < px.length; i++) if (!chosen.has(px[i] & 0xffffff)) rest.push(px[i] | 0xff000000);
  const extra = rest.length ? quantize(new Uint8Array(new Uint32Array(rest).buffer), size - chosen.size, { format: "rgb565" }) : [];
  return [...chosen.values(), ...extra.map((c) => c.slice(0, 3))];
}

/** The playback as an animated GIF Blob (at most ``count`` frames, the last held). */
export async function makeGif(scene, text, { size, count = 60, onProgress = () => {}, signal } = {}) {
  const { GIFEncoder, quantize, nearestColorIndex } = await import(GIFENC);
  const frames = await SlideFrames.make(scene, text, size);
  const { width, height } = size;
  const steps = frameSteps(frames.last, count);
  // one palette for every frame, from the last (the whole paths and the contour), and one index left for "unchanged
  // since the last frame" (transparent over it: each frame holds only what changed)
  frames.draw(frames.last);
  const palette = flatPalette(frames.ctx.getImageData(0, 0, width, height).data, exactColours(scene), quantize);
  const unchanged = palette.length;
  palette.push([255, 0, 255]);  // never drawn: the transparent index
  const colours = palette.slice(0, unchanged);
  const nearest = new Map(colours.map((c, i) => [rgbKey(c), i]).reverse());
  const gif = GIFEncoder();
  const delay = Math.max(40, Math.round((growSeconds(frames.last) * 1000) / steps.length / 10) * 10);
  let previous = null;
  for (let f = 0; f < steps.length; f++) {
    if (signal?.aborted) throw cancelled();
    frames.draw(steps[f]);
    const rgba = frames.ctx.getImageData(0, 0, width, height).data;
    const px = new Uint32Array(rgba.buffer);
    const index = new Uint8Array(px.length);
    for (let i = 0; i < px.length; i++) {
      const c = px[i] & 0xffffff;
      if (previous && c === (previous[i] & 0xffffff)) { index[i] = unchanged; continue; }
      let k = nearest.get(c);
      if (k === undefined) { k = nearestColorIndex(colours, [c & 255, (c >> 8) & 255, (c >> 16) & 255]); nearest.set(c, k); }
      index[i] = k;
    }
    const last = f === steps.length - 1;
    gif.writeFrame(index, width, height, { palette: f === 0 ? palette : undefined, delay: last ? HOLD_SECONDS * 1000 : delay,
      transparent: f > 0, transparentIndex: unchanged, dispose: 1 });
    previous = px;
    onProgress((f + 1) / steps.length);
    await nextTask();  // the page stays responsive (Cancel, the progress bar)
  }
  gif.finish();
  return new Blob([gif.bytes()], { type: "image/gif" });
}
