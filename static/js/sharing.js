// Taking the view elsewhere: the address (kept current, and copied by Copy link), the embed code for slides, and the
// downloads (figure, animation, offline HTML, data).
//
// The address is the state; a lesson, a view or a surface the user picks is a new entry of the browser's history
// (Back returns to the one before, Forward comes back), every other change rewrites the current entry. Back and
// Forward put the entry's state in the store. An embed never adds entries (it would take over its slide's Back).
import { download, embedSnippet } from "./downloads.js";
import { t } from "./i18n.js";
import { dismiss, toast } from "./messages.js";
import { encodeState, writeLocation } from "./state.js";
import { VideoDialog } from "./videodialog.js";

const $ = (id) => document.getElementById(id);

export class Sharing {
  /** ``scene()``: what the overlay draws (the figures for slides are made from it); ``text()``: the figure's title and
   *  caption in the page's language. ``fromLocation()``: the state the address holds (after Back or Forward);
   *  ``history``: whether picks are entries. */
  constructor({ store, runs, scene, text, fromLocation, history = true }) {
    Object.assign(this, { store });
    const animations = new VideoDialog({ scene, text, state: () => store.peek() });
    store.subscribe((next, prev, source) => {
      if (history && source !== "history" && source !== "script" && isNavigation(next, prev)) this.pushLocation(prev, next);
      else this.saveLocation();
    });
    if (history) {
      window.addEventListener("popstate", () => {
        clearTimeout(this.saveTimer);
        const s = fromLocation();
        // every field the entry holds, and the optional ones it does not hold cleared (a merge would keep them)
        store.update({ ...s, formula: s.formula ?? null, domain: s.domain ?? null, surface_options: s.surface_options ?? null }, "history");
      });
    }
    $("share").addEventListener("click", () => { writeLocation(store.peek()); this.copy(location.href, t("copied"), t("copy_link_manual")); });
    const snippet = () => embedSnippet(store.peek(), { caption: $("embed-caption").value.trim(), size: $("embed-size").value,
      theme: document.documentElement.dataset.theme === "dark" ? "dark" : "light" });
    $("embed-code").addEventListener("click", () => {
      const box = $("embed-snippet");  // the code stays in the panel, selected, whether or not a clipboard exists
      box.value = snippet();
      box.hidden = false;
      $("embed-options").hidden = false;
      box.focus({ preventScroll: true });  // the panel stays where the user left it; the code is at its top
      box.select();
      box.closest(".panel")?.scrollTo({ top: 0 });
      this.copy(box.value, t("embed_copied"), t("copy_embed_manual"), false);
    });
    for (const id of ["embed-size", "embed-caption"]) $(id).addEventListener("input", () => { $("embed-snippet").value = snippet(); });
    $("copy-close").addEventListener("click", () => { $("copy-box").hidden = true; });
    $("download").addEventListener("change", async (e) => {
      const kind = e.target.value;
      e.target.value = "";
      if (!kind) return;
      try {
        const state = store.get();
        if (kind === "video" || kind === "gif") return await animations.open(kind);
        toast(t("saving"), { id: "download" });
        await download(kind, { scene, text, state, exact: () => runs.exact(state) });
        dismiss("download");
      } catch (err) {
        toast(t("error", { msg: err.message }), { id: "download", error: true });
      }
    });
  }

  /** A pick: the entry being left keeps the state it had, and the new state is a new entry. */
  pushLocation(prev, next) {
    clearTimeout(this.saveTimer);
    writeLocation(prev);
    const url = new URL(window.location.href);
    url.searchParams.set("state", encodeState(next));
    window.history.pushState(null, "", url);
  }

  /** The address follows the state (a little after a burst of changes). */
  saveLocation() {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => writeLocation(this.store.peek()), 150);
  }

  /** Copy to the clipboard where there is one (https or localhost); otherwise say so and show the text to copy. */
  async copy(text, done, manual, showBox = true) {
    const box = $("copy-box");
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        box.hidden = true;
        toast(done, { id: "copy" });
        return;
      } catch { manual = t("copy_failed"); }  // a clipboard that said no: the text to copy by hand, and why
    }
    toast(manual, { id: "copy" });
    if (!showBox) return;
    $("copy-box-title").textContent = manual;
    const area = $("copy-text");
    area.value = text;
    box.hidden = false;
    area.focus();
    area.select();
  }
}

/** A change the browser's history keeps: another lesson, view or surface (a custom formula is a surface of its own). */
function isNavigation(next, prev) {
  return next.view.lesson !== prev.view.lesson || next.view.mode !== prev.view.mode || next.surface !== prev.surface
    || (next.surface === "custom" && next.formula !== prev.formula);
}
