// The customer beside the open conversation: who they are (channel, handle, phone, e-mail,
// tags, notes), each edited in place through PATCH customer-item, and their other
// conversations as links. Folded away on narrow screens until asked for, and then over the
// chat with a button back to it.

import { api } from "./api.js";
import { h, fill, customerName } from "./dom.js";
import { agoElement } from "./dates.js";
import { t, num } from "./i18n.js";
import { avatar, channelIcon, channelWords } from "./avatar.js";

const STATUSES = { active: "Active", support_active: "Support active", marketing_active: "Marketing active", closed: "Closed" };
const FIELDS = [
  ["phone_number", "Phone", "tel", "customer-phone"],
  ["email", "E-mail", "email", "customer-email"],
];

export class CustomerPanel {
  /** `close` folds the panel away: its own button, for screens where it covers the chat. */
  constructor(conversationId, close) {
    this.conversationId = conversationId;
    this.close = h("button", { type: "button", class: "panel-close", id: "panel-close", onclick: close },
      h("img", { src: "/img/back.svg", alt: "" }), h("span", {}, t("Back to the conversation")));
    this.customer = null;
    this.editing = new Set();
    this.el = h("aside", { class: "customer-panel", id: "customer-panel", "aria-label": t("Customer") });
    this.note = h("p", { class: "muted saved-note", role: "status" });
  }

  /** Draws `customer` (a WSCustomer), unless the agent is editing one of its fields. */
  show(customer) {
    if (!customer || this.editing.size) return;
    const first = this.customer?.id !== customer.id;
    this.customer = customer;
    this.draw();
    if (first) this.loadConversations();
  }

  draw() {
    const c = this.customer;
    const handle = c.username ? h("bdi", { dir: "ltr", class: "handle" }, "@" + c.username) : h("span", { class: "muted" }, "—");
    this.threads ??= h("ul", { class: "threads", id: "customer-conversations" });
    fill(this.el, this.close,
      h("div", { class: "who" }, avatar(c.id, customerName(c), "large"),
        h("div", {}, h("h3", { dir: "auto" }, h("bdi", {}, customerName(c))),
          h("span", { class: "channel" }, channelIcon(c.source), channelWords(c.source)))),
      h("dl", { class: "facts" },
        h("dt", {}, t("Handle")), h("dd", {}, handle),
        FIELDS.flatMap(([key, words, type, id]) => [h("dt", {}, h("label", { for: id }, t(words))), h("dd", {}, this.field(key, type, id))]),
        h("dt", {}, t("Tags")), h("dd", {}, this.tags())),
      h("label", { class: "notes-label", for: "customer-notes" }, t("Notes")),
      this.field("description", "textarea", "customer-notes"),
      this.note,
      h("h4", {}, t("Conversations")), this.threads);
  }

  /** An input that saves its value when it loses focus or on Enter; Escape puts it back. */
  field(key, type, id) {
    const value = this.customer[key] || "";
    const attrs = { id, name: key, dir: type === "textarea" ? undefined : "auto", placeholder: t("Add") };
    const input = type === "textarea" ? h("textarea", { ...attrs, rows: 3 }, value) : h("input", { ...attrs, type, value });
    input.addEventListener("focus", () => this.editing.add(key));
    input.addEventListener("keydown", (e) => {
      if (e.key === "Escape") { input.value = this.customer[key] || ""; input.blur(); }
      if (e.key === "Enter" && type !== "textarea") { e.preventDefault(); input.blur(); }
    });
    input.addEventListener("blur", () => {
      this.editing.delete(key);
      const next = input.value.trim();
      if (next !== (this.customer[key] || "")) this.save({ [key]: next || null });
    });
    return input;
  }

  tags() {
    const names = (this.customer.tag || []).map((x) => x.name);
    const add = h("input", { id: "customer-tag-add", class: "tag-add", dir: "auto", placeholder: t("Add a tag"), "aria-label": t("Add a tag"), maxlength: 50 });
    add.addEventListener("focus", () => this.editing.add("tags"));
    add.addEventListener("blur", () => this.editing.delete("tags"));
    add.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      const name = add.value.trim();
      this.editing.delete("tags");
      if (name && !names.includes(name)) this.save({ tags: [...names, name] });
    });
    return h("div", { class: "tag-list" },
      names.map((name) => h("span", { class: "tag", dir: "auto" }, name,
        h("button", { type: "button", class: "untag", "aria-label": t("Remove the tag {name}", { name }),
          onclick: () => this.save({ tags: names.filter((n) => n !== name) }) }, "×"))),
      add);
  }

  async save(change) {
    try {
      this.customer = await api("PATCH", `message/customer-item/${this.customer.id}/`, change);
      this.note.textContent = t("Saved.");
      this.note.className = "muted saved-note";
    } catch (e) {
      this.note.textContent = e.message;
      this.note.className = "error saved-note";
      return;
    }
    if (!this.editing.size) this.draw();
  }

  async loadConversations() {
    let entry;
    try {
      entry = await api("GET", `message/customer-item/${this.customer.id}/conversations/`);
    } catch {
      return;
    }
    fill(this.threads, entry.conversations.map((c) => h("li", { "aria-current": c.id === this.conversationId ? "true" : undefined },
      h("a", { href: `#/inbox/${c.id}`, dataset: { id: c.id } },
        h("span", { class: "thread-status" }, t(STATUSES[c.status] || c.status)),
        h("span", { class: "muted" }, agoElement(c.last_message?.created_at || c.updated_at)),
        h("span", { class: "preview", dir: "auto" }, c.last_message?.content || t("No messages yet")),
        c.unread_count ? h("span", { class: "badge" }, num(c.unread_count)) : null))));
  }
}
