// The inbox: the live conversation list (filters kept by the server, refreshed as things
// happen) beside the open conversation.

import { openFeed, closeFeed } from "./app.js";
import { h, fill, when, customerName, canonical } from "./dom.js";
import { Chat } from "./chat.js";

const STATUSES = ["active", "support_active", "marketing_active", "closed"];
const SOURCES = ["telegram", "instagram", "unknown"];
const PAGE_SIZE = 25;

export class Inbox {
  constructor(container, openId) {
    this.filters = { page: 1, page_size: PAGE_SIZE };
    this.users = new Map();
    this.chat = null;
    this.selected = null;
    this.list = h("div", { class: "list", id: "conversation-list", role: "list" });
    this.online = h("div", { class: "online", id: "online-users", "aria-label": "Who is online" });
    this.pager = h("div", { class: "pager" });
    this.pane = h("section", { class: "chat empty", id: "chat-pane" }, "Choose a conversation");
    this.el = h("div", { class: "inbox" },
      h("aside", { class: "side" }, this.filterBar(), this.online, this.list, this.pager),
      this.pane);
    fill(container, this.el);
    this.feed = openFeed("/ws/conversations/", (frame) => this.frame(frame));
    this.show(openId);
  }

  filterBar() {
    const search = h("input", { type: "search", id: "search", placeholder: "Search conversations and messages", "aria-label": "Search" });
    let timer = null;
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.apply({ search: search.value.trim() || undefined }), 300);
    });
    const select = (id, label, values, key) => {
      const el = h("select", { id, "aria-label": label },
        h("option", { value: "" }, label), values.map(([v, text]) => h("option", { value: v }, text)));
      el.addEventListener("change", () => this.apply({ [key]: el.value || undefined }));
      return el;
    };
    const unread = h("input", { type: "checkbox", id: "unread-only" });
    unread.addEventListener("change", () => this.apply({ unread_only: unread.checked || undefined }));
    return h("div", { class: "filters" }, search,
      select("status-filter", "Any status", STATUSES.map((s) => [s, s.replace("_", " ")]), "status"),
      select("source-filter", "Any source", SOURCES.map((s) => [s, s]), "source"),
      select("assigned-filter", "Anyone's", [["me", "Mine"], ["unassigned", "Unassigned"]], "assigned"),
      h("label", {}, unread, "Unread only"));
  }

  apply(change) {
    this.filters = { ...this.filters, ...change, page: change.page ?? 1 };
    for (const [k, v] of Object.entries(this.filters)) if (v === undefined) delete this.filters[k];
    this.request();
  }

  request() {
    this.feed.send({ type: "filter_conversations", filters: this.filters });
  }

  frame(frame) {
    switch (frame.type) {
      case "connection_established":
        this.request();
        break;
      case "conversations_list":
        if (canonical(frame.filters) === canonical(this.filters)) this.renderList(frame);
        break;
      case "online_users":
        this.users = new Map(frame.users.map((u) => [u.user_id, u]));
        this.renderOnline();
        break;
      case "user_presence": {
        const user = this.users.get(frame.user_id) || { user_id: frame.user_id, username: frame.username };
        this.users.set(frame.user_id, { ...user, is_online: frame.is_online });
        this.renderOnline();
        break;
      }
      case "error":
        if (frame.error) this.list.prepend(h("p", { class: "error", role: "alert" }, frame.error));
        break;
      default:
        break;
    }
  }

  renderOnline() {
    fill(this.online, [...this.users.values()].map((u) =>
      h("span", { class: u.is_online ? "on" : "", dir: "auto", title: u.is_online ? "online" : "offline" }, u.username)));
    this.chat?.setUsers(this.users);
  }

  renderList(frame) {
    this.items = frame.conversations;
    fill(this.list, frame.conversations.length ? frame.conversations.map((c) => this.item(c))
      : h("p", { class: "muted nothing" }, "No conversations match."));
    const { page, total_pages: pages, has_next: next, has_previous: previous, count } = frame.pagination;
    fill(this.pager,
      h("button", { type: "button", disabled: !previous, onclick: () => this.apply({ page: page - 1 }) }, "‹ Newer"),
      h("span", { class: "muted" }, `${count} · page ${page} of ${pages}`),
      h("button", { type: "button", disabled: !next, onclick: () => this.apply({ page: page + 1 }) }, "Older ›"));
    this.chat?.setSummary(frame.conversations.find((c) => c.id === this.selected));
  }

  item(c) {
    const last = c.last_message;
    return h("button", {
      type: "button", class: "item", role: "listitem", dataset: { id: c.id },
      "aria-current": c.id === this.selected ? "true" : undefined,
      onclick: () => { location.hash = `#/inbox/${c.id}`; },
    },
    h("span", { class: "name", dir: "auto" }, customerName(c.customer)),
    h("span", { class: "muted" }, when(last?.created_at || c.updated_at)),
    h("span", { class: "preview", dir: "auto" }, last ? last.content : "No messages yet"),
    c.unread_count > 0 ? h("span", { class: "badge", "aria-label": `${c.unread_count} unread` }, c.unread_count)
      : h("span", { class: "tag" }, c.source));
  }

  /** Opens conversation `id` (or none). */
  show(id) {
    if (id === this.selected && this.chat) return;
    this.chat?.destroy();
    this.chat = null;
    this.selected = id || null;
    this.el.classList.toggle("open", Boolean(id));
    for (const el of this.list.querySelectorAll(".item")) {
      el.setAttribute("aria-current", el.dataset.id === id ? "true" : "false");
    }
    if (!id) {
      fill(this.pane, "Choose a conversation");
      this.pane.className = "chat empty";
      return;
    }
    this.pane.className = "chat";
    this.chat = new Chat(this.pane, id, this.users);
  }

  destroy() {
    this.chat?.destroy();
    closeFeed(this.feed);
  }
}
