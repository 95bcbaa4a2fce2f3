// The page's language and calendar. The language is Persian (right to left) or English: the
// signed-in agent's choice, kept with them on the server (language.js brings it here) and
// cached in localStorage so the page draws in it at once; before any choice, the browser's
// first of the two, and Persian when it names neither. Strings are looked up by their English
// text in the Persian catalogue (strings-fa.js), gettext-style; a test checks that every string
// the page uses has its Persian.

import { FA } from "./strings-fa.js";

const LANG_KEY = "pilito-box.lang";
const CALENDAR_KEY = "pilito-box.calendar";
const LANGS = {
  fa: { dir: "rtl", locale: "fa-IR", name: "فارسی", calendar: "persian" },
  en: { dir: "ltr", locale: "en-GB", name: "English", calendar: "gregorian" },
};
const CALENDARS = ["persian", "gregorian"];

function pick() {
  const stored = localStorage.getItem(LANG_KEY);
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

/** Whether the language was chosen on this device (not guessed from the browser). */
export const langChosen = () => Object.hasOwn(LANGS, localStorage.getItem(LANG_KEY));

/** The locale numbers are written in. */
export const locale = () => LANGS[current].locale;

/** The calendar dates are written in: the one chosen, else the language's own. */
export const calendar = () => calendarChosen() || LANGS[current].calendar;

/** The calendar chosen on this device, `null` for the language's own. */
export function calendarChosen() {
  const stored = localStorage.getItem(CALENDAR_KEY);
  return CALENDARS.includes(stored) ? stored : null;
}

/** The language offered by the switch: the other one, named in itself. */
export function otherLang() {
  const other = current === "fa" ? "en" : "fa";
  return { code: other, name: LANGS[other].name };
}

/** Every language, `[{code, name}]`, each named in itself. */
export const languages = () => Object.entries(LANGS).map(([code, l]) => ({ code, name: l.name }));

/** Keeps `code` (and `calendar`, `null` for the language's own) on this device; true when
 * either differs from what the page is drawn in, so it must be drawn again. */
export function remember(code, chosenCalendar) {
  const before = [current, calendar()];
  if (Object.hasOwn(LANGS, code)) localStorage.setItem(LANG_KEY, code);
  if (CALENDARS.includes(chosenCalendar)) localStorage.setItem(CALENDAR_KEY, chosenCalendar);
  else localStorage.removeItem(CALENDAR_KEY);
  const lang = Object.hasOwn(LANGS, code) ? code : current;
  const cal = CALENDARS.includes(chosenCalendar) ? chosenCalendar : LANGS[lang].calendar;
  return before[0] !== lang || before[1] !== cal;
}

/** Sets `lang` and `dir` on the document, so the layout mirrors for Persian. */
export function applyLang() {
  document.documentElement.lang = current;
  document.documentElement.dir = LANGS[current].dir;
}

/** `value` isolated (U+2068 … U+2069) when it has letters, so a Latin name in a Persian sentence,
 * or a Persian one in English, keeps its own direction and leaves the sentence's punctuation where
 * it belongs; numbers take the sentence's direction as they are. */
const isolate = (value) => (/\p{L}/u.test(value) ? `\u2068${value}\u2069` : value);

/** The text for `english` in the page's language, with `{name}` filled from `vars`. */
export function t(english, vars = {}) {
  const text = (current === "fa" && FA[english]) || english;
  return text.replace(/\{(\w+)\}/g, (all, name) => (Object.hasOwn(vars, name) ? isolate(String(vars[name])) : all));
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
