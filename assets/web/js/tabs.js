// Mine / Unassigned / All above the conversation list: the list's `assigned` filter as tabs,
// each with its live count of conversations not closed (the list frame's `counts`).

import { h } from "./dom.js";
import { t, num } from "./i18n.js";

const TABS = [["me", "mine", "Mine"], ["unassigned", "unassigned", "Unassigned"], [undefined, "all", "All"]];

export class AssignedTabs {
  /** @param {(assigned: string|undefined) => void} choose asks for the list with that filter */
  constructor(choose) {
    this.tabs = TABS.map(([assigned, key, words]) => {
      const count = h("span", { class: "count" });
      const el = h("button", { type: "button", role: "tab", class: "tab", id: `tab-${key}`, "aria-selected": String(!assigned),
        onclick: () => { this.select(assigned); choose(assigned); } }, t(words), count);
      return { assigned, key, el, count };
    });
    this.el = h("div", { class: "tabs", role: "tablist", "aria-label": t("Whose conversations") }, this.tabs.map((x) => x.el));
  }

  select(assigned) {
    for (const tab of this.tabs) tab.el.setAttribute("aria-selected", String(tab.assigned === assigned));
  }

  /** A list frame: its counts, and which tab its filters are. */
  update(frame) {
    if (frame.counts) for (const tab of this.tabs) tab.count.textContent = num(frame.counts[tab.key] ?? 0);
    const assigned = frame.filters?.assigned;
    this.select(assigned === "me" || assigned === "unassigned" ? assigned : undefined);
  }
}
