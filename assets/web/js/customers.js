// The customer list: live, filtered by the server, each customer linking to their newest
// conversation.

import { LiveList } from "./list.js";
import { h, fill, customerName } from "./dom.js";
import { when } from "./dates.js";
import { t, num, sep } from "./i18n.js";
import { avatar } from "./avatar.js";
import { plural } from "./plural.js";
import { filterFold } from "./fold.js";

export class CustomersPage {
  constructor(container) {
    this.table = h("tbody", { id: "customer-rows" });
    this.live = new LiveList({
      path: "/ws/customers/",
      filter: "filter_customers", list: "customers_list",
      askOptions: "get_filter_options", options: "filter_options",
      previous: t("Previous"), next: t("Next"),
      summary: ({ count, page, total_pages: pages }) => plural(count, "1 customer · page {page} of {pages}", "{count} customers · page {page} of {pages}", { page: num(page), pages: num(pages) }),
      onPage: (frame) => this.render(frame),
    });
    fill(container, h("div", { class: "page" },
      h("h1", {}, t("Customers")), this.controls(),
      h("table", { class: "cards-on-phone" }, h("thead", {}, h("tr", {},
        h("th", {}, t("Name")), h("th", {}, t("Source")), h("th", { class: "hide-narrow" }, t("Contact")),
        h("th", {}, t("Tags")), h("th", {}, t("Conversations")), h("th", { class: "hide-narrow" }, t("Since")))), this.table),
      this.live.pager));
  }

  controls() {
    const live = this.live;
    const fold = filterFold("customer-filters",
      live.menu("source", { id: "customer-source", label: t("Source"), any: t("Any source"), from: "sources" }),
      live.menu("tags", { id: "customer-tag", label: t("Tag"), any: t("Any tag"), from: "tags", text: String }),
      live.menu("has_email", { id: "customer-email", label: t("E-mail"), any: t("E-mail: any"), from: "has_email_options" }),
      live.menu("has_unread", { id: "customer-unread", label: t("Unread"), any: t("Unread: any"), from: "has_unread_options" }));
    return h("div", { class: "row controls" },
      live.search({ id: "customer-search", placeholder: t("Name, handle, e-mail or phone"), "aria-label": t("Search customers") }),
      fold.toggle, fold.panel);
  }

  render(frame) {
    fill(this.table, frame.customers.map((c) => {
      const latest = c.conversations[0];
      const open = latest ? h("a", { href: `#/inbox/${latest.id}` }, `${num(c.conversations.length)}${sep()}${t(latest.status.replaceAll("_", " "))}`) : "—";
      const unread = c.conversations.reduce((n, x) => n + x.unread_count, 0);
      return h("tr", { dataset: { id: c.id } },
        h("td", { class: "who" }, avatar(c.id, customerName(c)),
          h("div", {}, latest ? h("a", { class: "customer-name", href: `#/inbox/${latest.id}`, title: t("Open their newest conversation with their details") }, h("bdi", {}, customerName(c)))
            : h("bdi", {}, customerName(c)),
          c.username ? h("div", { class: "muted" }, h("bdi", { dir: "ltr" }, "@" + c.username)) : null)),
        h("td", { "data-label": t("Source") }, t(c.source)),
        h("td", { class: "hide-narrow", "data-label": t("Contact") }, [c.email, c.phone_number].filter(Boolean).join(" · ") || "—"),
        h("td", { "data-label": t("Tags") }, c.tags.length ? c.tags.map((t) => h("span", { class: "tag", dir: "auto" }, t.name)) : "—"),
        h("td", { "data-label": t("Conversations") }, open, unread ? h("span", { class: "badge" }, num(unread)) : null),
        h("td", { class: "hide-narrow", "data-label": t("Since") }, when(c.created_at)));
    }));
  }

  destroy() {
    this.live.destroy();
  }
}
