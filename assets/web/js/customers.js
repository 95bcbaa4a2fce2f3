// The customer list: live, filtered by the server, each customer linking to their newest
// conversation.

import { LiveList } from "./list.js";
import { h, fill, when, customerName } from "./dom.js";

export class CustomersPage {
  constructor(container) {
    this.table = h("tbody", { id: "customer-rows" });
    this.live = new LiveList({
      path: "/ws/customers/",
      filter: "filter_customers", list: "customers_list",
      askOptions: "get_filter_options", options: "filter_options",
      previous: "‹ Previous", next: "Next ›",
      summary: ({ count, page, total_pages: pages }) => `${count} customers · page ${page} of ${pages}`,
      onPage: (frame) => this.render(frame),
    });
    fill(container, h("div", { class: "page" },
      h("h1", {}, "Customers"), this.controls(),
      h("table", {}, h("thead", {}, h("tr", {},
        h("th", {}, "Name"), h("th", {}, "Source"), h("th", { class: "hide-narrow" }, "Contact"),
        h("th", {}, "Tags"), h("th", {}, "Conversations"), h("th", { class: "hide-narrow" }, "Since"))), this.table),
      this.live.pager));
  }

  controls() {
    const live = this.live;
    return h("div", { class: "row controls" },
      live.search({ id: "customer-search", placeholder: "Name, handle, e-mail or phone", "aria-label": "Search customers" }),
      live.menu("source", { id: "customer-source", label: "Source", any: "Any source", from: "sources" }),
      live.menu("tags", { id: "customer-tag", label: "Tag", any: "Any tag", from: "tags", text: String }),
      live.menu("has_email", { id: "customer-email", label: "E-mail", any: "E-mail: any", from: "has_email_options" }),
      live.menu("has_unread", { id: "customer-unread", label: "Unread", any: "Unread: any", from: "has_unread_options" }));
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
  }

  destroy() {
    this.live.destroy();
  }
}
