// The inbox: the live conversation list (its filters kept by the server, refreshed as things
// happen), who is online, and the open conversation beside the list. A conversation whose last
// reply did not reach the customer says so in the list; each row shows its status and assignee,
// and Mine / Unassigned / All tabs with live counts choose whose conversations are listed.

import { LiveList } from "./list.js";
import { h, fill, customerName } from "./dom.js";
import { agoElement } from "./dates.js";
import { Chat } from "./chat.js";
import { t, num } from "./i18n.js";
import { attention } from "./attention.js";
import { Keys } from "./keys.js";
import { avatar, channelIcon } from "./avatar.js";
import { plural } from "./plural.js";
import { AssignedTabs } from "./tabs.js";
import { statusPill } from "./status-pill.js";
import { filterFold } from "./fold.js";

/** The pane before a conversation is chosen: what it is for and what to do. */
function emptyState() {
  return h("div", { class: "empty-state" },
    h("img", { src: "/img/chat.svg", alt: "", width: 72, height: 72 }),
    h("h2", {}, t("Choose a conversation")),
    h("p", { class: "muted" }, t("Pick one from the list to read it and reply. New customer messages appear there as they arrive.")));
}

export class Inbox {
  constructor(container, openId) {
    this.users = new Map();
    this.chat = null;
    this.selected = null;
    this.list = h("div", { class: "list", id: "conversation-list" });
    this.online = h("div", { class: "online", id: "online-users", role: "group", "aria-label": t("Who is online") });
    this.pane = h("section", { class: "chat empty", id: "chat-pane", "aria-label": t("Conversation") }, emptyState());
    this.live = new LiveList({
      path: "/ws/conversations/",
      filter: "filter_conversations", list: "conversations_list",
      askOptions: "get_conversation_filter_options", options: "conversation_filter_options",
      previous: t("Newer"), next: t("Older"),
      summary: ({ count, page, total_pages: pages }) => plural(count, "1 conversation · page {page} of {pages}", "{count} conversations · page {page} of {pages}", { page: num(page), pages: num(pages) }),
      onPage: (frame) => this.renderList(frame),
      onFrame: (frame) => this.frame(frame),
    });
    this.tabs = new AssignedTabs((assigned) => this.live.apply({ assigned }));
    this.el = h("div", { class: "inbox" },
      h("aside", { class: "side", "aria-label": t("Conversations") }, this.filterBar(), this.tabs.el, this.online, this.list, this.live.pager),
      this.pane);
    fill(container, this.el);
    attention.attach();
    this.keys = new Keys(this);
    this.show(openId);
  }

  filterBar() {
    const live = this.live;
    const fold = filterFold("inbox-filters",
      live.menu("status", { id: "status-filter", any: t("Any status"), from: "statuses" }),
      live.menu("source", { id: "source-filter", any: t("Any source"), from: "sources" }),
      live.menu("tags", { id: "tag-filter", any: t("Any tag"), from: "tags", text: String }),
      h("label", {}, live.toggle("unread_only", { id: "unread-only" }), t("Unread only")));
    return h("div", { class: "filters" },
      live.search({ id: "search", placeholder: t("Search conversations and messages"), "aria-label": t("Search") }),
      fold.toggle, fold.panel);
  }

  frame(frame) {
    attention.frame(frame);
    switch (frame.type) {
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
      h("span", { class: u.is_online ? "on" : "", title: t(u.is_online ? "online" : "offline") }, h("bdi", {}, u.username),
        h("span", { class: "visually-hidden" }, ` ${t(u.is_online ? "online" : "offline")}`))));
    this.chat?.setUsers(this.users);
  }

  renderList(frame) {
    this.tabs.update(frame);
    fill(this.list, frame.conversations.length ? frame.conversations.map((c) => this.item(c))
      : h("p", { class: "muted nothing" }, t("No conversations match.")));
    this.chat?.setSummary(frame.conversations.find((c) => c.id === this.selected));
    attention.rows(frame.conversations);
  }

  item(c) {
    const last = c.last_message;
    return h("button", {
      type: "button", class: "item with-avatar", dataset: { id: c.id },
      "aria-current": c.id === this.selected ? "true" : undefined,
      onclick: () => { location.hash = `#/inbox/${c.id}`; },
    },
    avatar(c.customer?.id ?? c.id, customerName(c.customer)),
    h("span", { class: "name", dir: "auto" }, channelIcon(c.source), h("bdi", {}, customerName(c.customer))),
    h("span", { class: "muted" }, agoElement(last?.created_at || c.updated_at)),
    h("span", { class: "preview", dir: "auto" },
      last?.processing_status === "failed" ? h("span", { class: "tick failed", role: "img", title: t("Not delivered"), "aria-label": t("Not delivered") }, "!") : null,
      last ? last.content || t("File") : t("No messages yet")),
    c.unread_count > 0 ? h("span", { class: "badge", role: "img", "aria-label": t("{n} unread", { n: num(c.unread_count) }) }, num(c.unread_count)) : null,
    h("span", { class: "row-state" }, statusPill(c.status),
      h("span", { class: "assignee muted" }, c.assignee ? h("bdi", { dir: "auto" }, c.assignee.username) : t("Unassigned"))));
  }

  /** Opens conversation `id` (or none). */
  show(id) {
    if (id === this.selected && this.chat) return;
    this.chat?.destroy();
    this.chat = null;
    this.selected = id || null;
    attention.opened(this.selected);
    this.el.classList.toggle("open", Boolean(id));
    for (const el of this.list.querySelectorAll(".item")) {
      el.setAttribute("aria-current", el.dataset.id === id ? "true" : "false");
    }
    if (!id) {
      fill(this.pane, emptyState());
      this.pane.className = "chat empty";
      return;
    }
    this.pane.className = "chat";
    this.chat = new Chat(this.pane, id, this.users);
    this.keys.opened();
  }

  destroy() {
    this.keys.destroy();
    attention.detach();
    this.chat?.destroy();
    this.live.destroy();
  }
}
