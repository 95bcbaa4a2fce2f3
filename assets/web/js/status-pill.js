// A conversation's status in words, and as the small coloured pill of a list row.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/** Every status, with its English words (the protocol's §5.4 statuses). */
export const STATUSES = { active: "Active", support_active: "Support active", marketing_active: "Marketing active", closed: "Closed" };

/** The pill of status `s`. */
export function statusPill(s) {
  return h("span", { class: `pill status-${s}` }, t(STATUSES[s] || s));
}
