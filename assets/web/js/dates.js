// Every date and time the page writes, in the page's language and the agent's calendar (Solar
// Hijri or Gregorian, `Intl` does both): clock times, days in the timeline, short dates in
// lists, full dates in tooltips, and "5 minutes ago" that stays true while the page is open.

import { t, locale, calendar } from "./i18n.js";

/** Unicode's names of the calendars. */
const UNICODE = { persian: "persian", gregorian: "gregory" };

/** The locale dates are written in: the page's, with `cal` (the chosen calendar by default). */
const dateLocale = (cal = calendar()) => `${locale()}-u-ca-${UNICODE[cal] || "gregory"}`;

// Formatters are costly to make and a timeline writes hundreds of times: one per shape, made on
// first use (the language and calendar change only with a reload).
const formatters = new Map();
function format(iso, options) {
  const key = JSON.stringify(options);
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(dateLocale(), options));
  return formatters.get(key).format(new Date(iso));
}

/** This year as `cal` counts it: "۱۴۰۵", "2026". */
export const thisYear = (cal) => new Intl.DateTimeFormat(dateLocale(cal), { year: "numeric" }).format(new Date());

/** The local calendar day of `iso`, as a comparable key. */
export function dayKey(iso) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

const isToday = (iso) => dayKey(iso) === dayKey(new Date());
const isYesterday = (iso) => {
  const today = new Date();
  return dayKey(iso) === dayKey(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1));
};
const sameYear = (iso) => format(iso, { year: "numeric" }) === format(new Date(), { year: "numeric" });

/** "14:05" in the page's digits. */
export const clock = (iso) => format(iso, { hour: "2-digit", minute: "2-digit" });

/** "14:05:09". */
export const clockSeconds = (iso) => format(iso, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** The whole date and time, for tooltips: "سه‌شنبه ۱۱ آذر ۱۴۰۵، ۱۴:۰۵". */
export const fullDate = (iso) => format(iso, { dateStyle: "full", timeStyle: "short" });

/** "14:05" today, "11 Azar, 14:05" before, with the year when it is not this year's. */
export function when(iso) {
  if (!iso) return "";
  if (isToday(iso)) return clock(iso);
  return format(iso, { month: "short", day: "numeric", year: sameYear(iso) ? undefined : "numeric", hour: "2-digit", minute: "2-digit" });
}

/** "16:57:20" today, [`when`] before: for logs of events. */
export const stamp = (iso) => (isToday(iso) ? clockSeconds(iso) : when(iso));

/** "Today", "Yesterday", or the date with its weekday (and year when not this year's). */
export function dayLabel(iso) {
  if (isToday(iso)) return t("Today");
  if (isYesterday(iso)) return t("Yesterday");
  return format(iso, { weekday: "long", day: "numeric", month: "long", year: sameYear(iso) ? undefined : "numeric" });
}

let relativeWords = null;
const relative = () => (relativeWords ??= new Intl.RelativeTimeFormat(locale(), { numeric: "auto" }));

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** "now", "5 minutes ago", "3 hours ago" within a day, then "Yesterday" and [`when`]. */
export function ago(iso, now = Date.now()) {
  if (!iso) return "";
  const past = now - new Date(iso).getTime();
  const words = relative();
  if (past < MINUTE) return words.format(0, "second");
  if (past < HOUR) return words.format(-Math.floor(past / MINUTE), "minute");
  if (isToday(iso) || past < 6 * HOUR) return words.format(-Math.floor(past / HOUR), "hour");
  if (isYesterday(iso)) return t("Yesterday");
  return when(iso);
}

const ticking = new Set();

/** A `<time>` saying [`ago`], the full date as its tooltip, kept current while it is on the page. */
export function agoElement(iso) {
  const el = document.createElement("time");
  if (!iso) return el;
  el.dateTime = iso;
  el.title = fullDate(iso);
  el.textContent = ago(iso);
  ticking.add(el);
  return el;
}

setInterval(() => {
  for (const el of ticking) {
    if (el.isConnected) el.textContent = ago(el.dateTime);
    else ticking.delete(el);
  }
}, 30_000);
