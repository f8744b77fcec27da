// Download → Video and GIF: a dialog with the video's format, size and frame rate, a progress bar and Cancel. It says
// plainly when this browser cannot encode a format (Debian's chromium encodes H.264 with a software encoder; a browser
// without one still makes the WebM). The files are made by video.js.
import { t } from "./i18n.js";
import { fileName, save } from "./downloads.js";
import { VIDEO_SIZES } from "./slides.js";
import { canEncode, FORMATS, makeGif, makeVideo } from "./video.js";

const $ = (id) => document.getElementById(id);
export const GIF_SIZE = VIDEO_SIZES["1280x720"];

export class VideoDialog {
  /** ``scene()``: what the overlay draws; ``text()``: the figure's title and caption; ``state()``: the state. */
  constructor({ scene, text, state }) {
    Object.assign(this, { scene, text, state });
    this.dialog = $("video-dialog");
    this.progress = $("video-progress");
    this.status = $("video-status");
    this.note = $("video-note");
    this.make = $("video-make");
    this.busy = null;  // the AbortController of the file being made
    this.make.addEventListener("click", () => this.makeVideo());
    $("video-cancel").addEventListener("click", () => (this.busy ? this.busy.abort() : this.close()));
    this.dialog.addEventListener("cancel", (e) => { if (this.busy) { e.preventDefault(); this.busy.abort(); } });
    for (const id of ["video-format", "video-size"]) $(id).addEventListener("change", () => this.checkSupport());
  }

  options() {
    return { format: $("video-format").value, size: VIDEO_SIZES[$("video-size").value], sizeName: $("video-size").value,
      fps: Number($("video-fps").value) };
  }

  /** Open for a video (its options first) or a GIF (made at once). */
  async open(kind) {
    $("video-title").textContent = t(kind === "gif" ? "gif_title" : "video_title");
    $("video-options").hidden = kind === "gif";
    this.make.hidden = kind === "gif";
    this.progress.hidden = true;
    this.status.textContent = "";
    this.note.hidden = true;
    if (!this.dialog.open) this.dialog.showModal();
    if (kind === "gif") return this.makeGif();
    return this.checkSupport();
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }

  /** Say when the chosen format cannot be encoded here (and offer none of it: the button is off). */
  async checkSupport() {
    const { format, size, sizeName } = this.options();
    this.make.disabled = true;  // until this browser has said whether it can
    let ok = false;
    let why = t("video_no_webcodecs");
    try {
      ok = await canEncode(format, size);
      why = t("video_no_codec", { format: FORMATS[format].label, size: sizeName.replace("x", " × ") });
    } catch { ok = false; }
    this.note.hidden = ok;
    this.note.textContent = ok ? "" : why;
    this.make.disabled = !ok;
    return ok;
  }

  async run(label, work, name) {
    const controller = new AbortController();
    this.busy = controller;
    delete this.dialog.dataset.failed;
    this.make.disabled = true;
    this.progress.hidden = false;
    this.progress.value = 0;
    const onProgress = (fraction) => {
      this.progress.value = fraction;
      this.status.textContent = t("video_making", { format: label, pct: Math.round(100 * fraction) });
    };
    onProgress(0);
    try {
      const blob = await work({ onProgress, signal: controller.signal });
      save(blob, name);
      this.status.textContent = t("video_saved", { name });
      this.close();
    } catch (err) {
      this.status.textContent = err.name === "AbortError" ? t("video_cancelled") : t("error", { msg: err.message });
      if (err.name !== "AbortError") this.dialog.dataset.failed = "true";
      this.progress.hidden = true;
    } finally {
      this.busy = null;
      this.make.disabled = false;
    }
  }

  async makeVideo() {
    if (!(await this.checkSupport())) return;
    const { format, size, fps, sizeName } = this.options();
    const name = `${fileName(this.state())}-${sizeName}.${format}`;
    return this.run(FORMATS[format].label, (o) => makeVideo(this.scene(), this.text(), { format, size, fps, ...o }), name);
  }

  makeGif() {
    return this.run("GIF", (o) => makeGif(this.scene(), this.text(), { size: GIF_SIZE, ...o }), `${fileName(this.state())}.gif`);
  }
}
