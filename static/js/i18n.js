// One catalogue per language (static/i18n/<lang>.json); no user-visible string lives in the code.
const LANGS = ["en", "ko"];
let catalogue = {};
let current = "en";
const listeners = [];

/** ``fn(lang)`` after each language is loaded (what shows words shows them again). */
export function onLanguage(fn) { listeners.push(fn); }

export function pickLanguage(requested) {
  if (LANGS.includes(requested)) return requested;
  const browser = (navigator.language || "en").slice(0, 2).toLowerCase();
  return LANGS.includes(browser) ? browser : "en";
}

export async function loadLanguage(lang) {
  const res = await fetch(`/static/i18n/${lang}.json`);
  catalogue = await res.json();
  current = lang;
  document.documentElement.lang = lang;
  applyTranslations();
  for (const fn of listeners) fn(lang);
  return lang;
}

export function language() { return current; }

export function t(key, vars = {}) {
  const text = catalogue[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

export function applyTranslations(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-aria]")) el.setAttribute("aria-label", t(el.dataset.i18nAria));
}
