// The customer list: live, filtered by the server, each customer linking to their newest
// conversation.

import { openFeed, closeFeed } from "./feeds.js";
import { h, fill, when, customerName, canonical } from "./dom.js";

export class CustomersPage {
  constructor(container) {
    this.filters = { page: 1, page_size: 25 };
    this.table = h("tbody", { id: "customer-rows" });
    this.summary = h("span", { class: "muted" });
    this.pager = h("span", { class: "row" });
    fill(container, h("div", { class: "page" },
      h("h1", {}, "Customers"), this.controls(),
      h("table", {}, h("thead", {}, h("tr", {},
        h("th", {}, "Name"), h("th", {}, "Source"), h("th", { class: "hide-narrow" }, "Contact"),
        h("th", {}, "Tags"), h("th", {}, "Conversations"), h("th", { class: "hide-narrow" }, "Since"))), this.table),
      h("div", { class: "row" }, this.summary, this.pager)));
    this.feed = openFeed("/ws/customers/", (frame) => this.frame(frame));
  }

  controls() {
    const search = h("input", { type: "search", id: "customer-search", placeholder: "Name, handle, e-mail or phone", "aria-label": "Search customers" });
    let timer = null;
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.apply({ search: search.value.trim() || undefined }), 300);
    });
    const choice = (id, label, key, options) => {
      const el = h("select", { id, "aria-label": label }, options.map(([v, t]) => h("option", { value: v }, t)));
      el.addEventListener("change", () => this.apply({ [key]: el.value || undefined }));
      return el;
    };
    return h("div", { class: "row" }, search,
      choice("customer-source", "Source", "source", [["", "Any source"], ["telegram", "telegram"], ["instagram", "instagram"], ["unknown", "unknown"]]),
      choice("customer-email", "E-mail", "has_email", [["", "E-mail: any"], ["true", "Has e-mail"], ["false", "No e-mail"]]),
      choice("customer-unread", "Unread", "has_unread", [["", "Unread: any"], ["true", "Has unread"], ["false", "No unread"]]));
  }

  apply(change) {
    this.filters = { ...this.filters, ...change, page: change.page ?? 1 };
    for (const [k, v] of Object.entries(this.filters)) if (v === undefined) delete this.filters[k];
    this.feed.send({ type: "filter_customers", filters: this.filters });
  }

  frame(frame) {
    if (frame.type === "connection_established") this.apply({ page: this.filters.page });
    if (frame.type === "customers_list" && canonical(frame.filters) === canonical(this.filters)) this.render(frame);
  }

  render(frame) {
    fill(this.table, frame.customers.map((c) => {
      const latest = c.conversations[0];
      const open = latest ? h("a", { href: `#/inbox/${latest.id}` }, `${c.conversations.length} · ${latest.status.replace("_", " ")}`) : "—";
      const unread = c.conversations.reduce((n, x) => n + x.unread_count, 0);
      return h("tr", { dataset: { id: c.id } },
        h("td", { dir: "auto" }, customerName(c), c.username ? h("div", { class: "muted" }, "@" + c.username) : null),
        h("td", {}, c.source),
        h("td", { class: "hide-narrow" }, [c.email, c.phone_number].filter(Boolean).join(" · ") || "—"),
        h("td", {}, c.tags.map((t) => h("span", { class: "tag", dir: "auto" }, t.name))),
        h("td", {}, open, unread ? h("span", { class: "badge" }, unread) : null),
        h("td", { class: "hide-narrow" }, when(c.created_at)));
    }));
    const { page, total_pages: pages, has_next: next, has_previous: previous, count } = frame.pagination;
    this.summary.textContent = `${count} customers · page ${page} of ${pages}`;
    fill(this.pager,
      h("button", { type: "button", disabled: !previous, onclick: () => this.apply({ page: page - 1 }) }, "‹ Previous"),
      h("button", { type: "button", disabled: !next, onclick: () => this.apply({ page: page + 1 }) }, "Next ›"));
  }

  destroy() {
    closeFeed(this.feed);
  }
}
