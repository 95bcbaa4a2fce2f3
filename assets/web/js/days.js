// Days in the timeline: "Today", "Yesterday", then dates in the page's locale (fa-IR writes the
// Solar Hijri calendar), and the key that says two messages are on the same day.

import { t, locale } from "./i18n.js";

/** The local calendar day of `iso`, as a comparable key. */
export function dayKey(iso) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** "Today", "Yesterday", or the date (with the year when it is not this year's). */
export function dayLabel(iso) {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (dayKey(d) === dayKey(today)) return t("Today");
  if (dayKey(d) === dayKey(yesterday)) return t("Yesterday");
  const sameYear = new Intl.DateTimeFormat(locale(), { year: "numeric" }).format(d)
    === new Intl.DateTimeFormat(locale(), { year: "numeric" }).format(today);
  return new Intl.DateTimeFormat(locale(), { weekday: "long", day: "numeric", month: "long", year: sameYear ? undefined : "numeric" }).format(d);
}
