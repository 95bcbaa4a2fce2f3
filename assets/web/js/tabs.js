// Mine / Unassigned / All above the conversation list: the list's `assigned` filter as tabs,
// each with its live count of conversations not closed (the list frame's `counts`). As in any
// tab list, Tab stops at the chosen tab and the arrow keys choose another (mirrored in Persian).

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
    this.el.addEventListener("keydown", (e) => this.arrow(e, choose));
    this.select(undefined);
  }

  select(assigned) {
    for (const tab of this.tabs) {
      tab.el.setAttribute("aria-selected", String(tab.assigned === assigned));
      tab.el.tabIndex = tab.assigned === assigned ? 0 : -1;
    }
  }

  /** ← and → move to the tab on that side and choose it. */
  arrow(e, choose) {
    const side = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    const at = this.tabs.findIndex((x) => x.el === document.activeElement);
    if (!side || at < 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const step = getComputedStyle(this.el).direction === "rtl" ? -side : side;
    const next = this.tabs[(at + step + this.tabs.length) % this.tabs.length];
    next.el.focus();
    this.select(next.assigned);
    choose(next.assigned);
  }

  /** A list frame: its counts, and which tab its filters are. */
  update(frame) {
    if (frame.counts) for (const tab of this.tabs) tab.count.textContent = num(frame.counts[tab.key] ?? 0);
    const assigned = frame.filters?.assigned;
    this.select(assigned === "me" || assigned === "unassigned" ? assigned : undefined);
  }
}
