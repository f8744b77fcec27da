// The playback bar: Play/Pause, the step scrubber, the speed. Frames move the stage's cursor directly (nothing is
// stored per frame); the state takes the step when playback stops. In an embed, playback starts when the figure is
// first seen (autoplay=1, no reduced motion) and pauses while it is hidden (deck.js).
import { deckPlayback } from "./deck.js";
import { t } from "./i18n.js";
import { advance } from "./paths.js";

export class Playback {
  /** ``embed``: {on, autoplay, loop} of an /embed address. */
  constructor({ store, results, stage, root, embed }) {
    Object.assign(this, { store, stage, embed });
    this.button = root.querySelector("#play");
    this.scrub = root.querySelector("#scrub");
    this.label = root.querySelector("#step-label");
    this.speed = root.querySelector("#speed");
    this.button.addEventListener("click", () => (stage.playing ? this.pause() : this.play()));
    this.scrub.addEventListener("input", () => {
      this.pause();
      const v = Number(this.scrub.value);
      store.update({ view: { step: v >= stage.maxStep ? null : v } }, "scrub");
    });
    stage.onCursor((cursor, max) => {
      this.scrub.max = max;
      this.scrub.value = cursor;
      this.label.textContent = `${cursor} / ${max}`;
    });
    store.subscribe((next, prev) => { if (next.view.mode !== prev.view.mode) this.pause(); });
    if (embed.on) {
      // autoplay starts once the paths are on screen: a result that came before the frame had its size (or the other
      // way round) has not been drawn yet, and a playback of nothing drew step −2 of 0
      window.addEventListener("slopes:drawn", () => {
        if (this.deck) return;
        this.deck = deckPlayback({ play: () => this.play(), pause: () => this.pause(), playing: () => stage.playing },
          { element: stage.area, autoplay: embed.autoplay });
      });
    }
  }

  play() {
    const stage = this.stage;
    if (stage.cursor >= stage.maxStep) stage.cursor = 0;
    stage.playing = true;
    this.button.textContent = t("pause");
    let last = performance.now();
    let position = stage.cursor;
    let busy = false;
    const tick = (now) => {
      if (!stage.playing) return;
      // (a frame's time may be a little before the moment play() was called: never a step back)
      const next = advance(position, Math.max(0, now - last) / 1000, Number(this.speed.value), stage.maxStep, this.embed.loop);
      position = next.position;
      last = Math.max(last, now);
      if (next.ended) {  // the end is drawn (N / N, the whole paths) before the state takes it
        stage.cursor = stage.maxStep;
        stage.drawCursor().then(() => this.pause(true));
        return;
      }
      if (!busy) {
        busy = true;
        stage.cursor = next.step;
        stage.drawCursor().then(() => { busy = false; });
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  pause(atEnd = false) {
    const stage = this.stage;
    if (!stage.playing) return;
    stage.playing = false;
    this.button.textContent = t("play");
    this.store.update({ view: { step: atEnd || stage.cursor >= stage.maxStep ? null : stage.cursor } }, "playback");
  }
}
