// The page's layout around the figure: presenting (view.present: the figure alone with its legend, the lesson's
// caption and the playback bar, for a projector; the Present button or P, Esc leaves) and the way between the figure
// and the charts and table under it (Charts ↓ / ↑ Figure). What is shown follows the state; the CSS lays it out.
const $ = (id) => document.getElementById(id);

/** Keys typed into a field are the field's. */
const typing = (e) => ["INPUT", "TEXTAREA", "SELECT"].includes(e.target?.tagName) || e.target?.isContentEditable;

export class Layout {
  constructor({ store }) {
    this.store = store;
    this.button = $("present");
    this.button?.addEventListener("click", () => this.toggle());
    $("present-exit")?.addEventListener("click", () => this.toggle());
    $("to-analysis")?.addEventListener("click", () => $("analysis").scrollIntoView({ behavior: "smooth", block: "start" }));
    $("to-figure")?.addEventListener("click", () => $("workspace").scrollIntoView({ behavior: "smooth", block: "start" }));
    window.addEventListener("keydown", (e) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || typing(e)) return;
      if (e.key === "p" || e.key === "P") { this.toggle(); e.preventDefault(); }
      else if (e.key === "Escape" && store.peek().view.present) { store.update({ view: { present: false } }, "control"); e.preventDefault(); }
    });
    store.subscribe((next, prev) => { if (next.view.present !== prev.view.present) this.sync(); });
    this.sync();
  }

  toggle() { this.store.update({ view: { present: !this.store.peek().view.present } }, "control"); }

  sync() {
    const on = !!this.store.peek().view.present;
    if (on) document.body.dataset.present = "";
    else delete document.body.dataset.present;
    if (!this.button) return;
    this.button.setAttribute("aria-pressed", String(on));
  }
}
