// The page's language: Persian (right to left) or English, chosen once and kept in
// localStorage; otherwise the browser's first of the two, and Persian when it names neither.
// Strings are looked up by their English text, so a string missing from the Persian table
// still shows, in English.

import { FA } from "./strings-fa.js";

const KEY = "pilito-box.lang";
const LANGS = { fa: { dir: "rtl", locale: "fa-IR", name: "فارسی" }, en: { dir: "ltr", locale: "en-GB", name: "English" } };

function pick() {
  const stored = localStorage.getItem(KEY);
  if (Object.hasOwn(LANGS, stored)) return stored;
  for (const tag of navigator.languages || [navigator.language]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (Object.hasOwn(LANGS, base)) return base;
  }
  return "fa";
}

const current = pick();

/** "fa" or "en". */
export const lang = () => current;

/** The locale dates and numbers are written in. */
export const locale = () => LANGS[current].locale;

/** The language offered by the switch: the other one, named in itself. */
export function otherLang() {
  const other = current === "fa" ? "en" : "fa";
  return { code: other, name: LANGS[other].name };
}

/** Keeps `code` as the page's language and reloads the page in it (the session stays). */
export function setLang(code) {
  localStorage.setItem(KEY, code);
  location.reload();
}

/** Sets `lang` and `dir` on the document, so the layout mirrors for Persian. */
export function applyLang() {
  document.documentElement.lang = current;
  document.documentElement.dir = LANGS[current].dir;
}

/** The text for `english` in the page's language, with `{name}` filled from `vars`. */
export function t(english, vars = {}) {
  const text = (current === "fa" && FA[english]) || english;
  return text.replace(/\{(\w+)\}/g, (all, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : all));
}

/** The separator between parts of one line ("3 waiting · 1 failed"): a middle dot reads as a
 * Persian zero, so Persian uses its comma. */
export const sep = () => t(" · ");

/** A number in the page's digits. */
export const num = (n) => Number(n).toLocaleString(locale());

/** A byte count as "48 KB", "1.2 MB". */
export function size(bytes) {
  const n = Number(bytes) || 0;
  const [value, unit] = n >= 1048576 ? [n / 1048576, "MB"] : n >= 1024 ? [n / 1024, "KB"] : [n, "bytes"];
  const shown = value.toLocaleString(locale(), { maximumFractionDigits: value < 10 && unit !== "bytes" ? 1 : 0 });
  return `${shown} ${t(unit)}`;
}

/** "14:05" in the page's digits. */
export const clock = (iso) => new Date(iso).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
