// Counted words: "1 customer", "3 customers", chosen by the page language's plural rules
// (Persian writes the noun in the singular after any number, which its strings say).

import { t, lang, num } from "./i18n.js";

/** `one` or `other` (English keys of the string table) for `n`, with `{count}` filled. */
export function plural(n, one, other, vars = {}) {
  const form = new Intl.PluralRules(lang()).select(Number(n)) === "one" ? one : other;
  return t(form, { ...vars, count: num(n) });
}
