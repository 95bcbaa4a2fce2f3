// One open conversation: its history (older pages as you scroll up, what was missed after a
// reconnect via `after_id`), the send box with client_msg_id so a retry never duplicates, typing,
// read marking and AI feedback.

import { openFeed, closeFeed } from "./feeds.js";
import { api } from "./api.js";
import { h, fill, when, customerName } from "./dom.js";

const ACK_TIMEOUT = 10000;
const TYPING_EVERY = 3000;
const TYPING_IDLE = 4000;
const MAX_LENGTH = 1000;

export class Chat {
  constructor(pane, id, users) {
    this.id = id;
    this.users = users;
    this.messages = new Map();
    this.pending = new Map();
    this.expect = [];
    this.hasOlder = false;
    this.typingSent = 0;
    this.typers = new Map();
    this.draftKey = `pilito-box.draft.${id}`;
    this.list = h("div", { class: "messages", id: "messages", "aria-live": "polite" });
    this.typing = h("div", { class: "typing", id: "typing" });
    this.title = h("h2", { dir: "auto" }, "…");
    this.status = h("select", { id: "conversation-status", "aria-label": "Status", onchange: () => this.setStatus() },
      ["active", "support_active", "marketing_active", "closed"].map((s) => h("option", { value: s }, s.replace("_", " "))));
    this.assign = h("select", { id: "assign", "aria-label": "Assigned to", onchange: () => this.setAssignee() });
    this.input = h("textarea", { id: "compose", dir: "auto", "aria-label": "Message", maxlength: MAX_LENGTH,
      placeholder: "Write a reply…", onkeydown: (e) => this.key(e), oninput: () => this.typed() });
    this.input.value = localStorage.getItem(this.draftKey) || "";
    this.send = h("button", { class: "primary", type: "submit", id: "send" }, "Send");
    const form = h("form", { class: "compose" }, this.input, this.send);
    form.addEventListener("submit", (e) => { e.preventDefault(); this.submit(); });
    fill(pane,
      h("header", {}, h("a", { class: "back", href: "#/inbox", "aria-label": "Back to the list" }, "‹"),
        this.title, this.status, this.assign),
      this.list, this.typing, form);
    this.list.addEventListener("scroll", () => { if (this.list.scrollTop < 40) this.loadOlder(); });
    this.visible = () => { if (!document.hidden) this.markRead(); };
    document.addEventListener("visibilitychange", this.visible);
    this.feed = openFeed(`/ws/chat/${id}/`, (frame) => this.frame(frame));
    this.loadDetails();
    this.setUsers(users);
  }

  async loadDetails() {
    try {
      this.setSummary(await api("GET", `message/conversation-item/${this.id}/`));
    } catch (e) {
      if (e.status === 404) this.gone("This conversation does not exist.");
    }
  }

  setSummary(c) {
    if (!c) return;
    this.title.textContent = customerName(c.customer);
    this.status.value = c.status;
    if ("assigned_to" in c) {
      this.assignedTo = c.assigned_to;
      this.assign.value = c.assigned_to ?? "";
    }
  }

  setUsers(users) {
    this.users = users;
    fill(this.assign, h("option", { value: "" }, "Unassigned"),
      [...users.values()].map((u) => h("option", { value: u.user_id }, u.username)));
    this.assign.value = this.assignedTo ?? "";
  }

  async setStatus() {
    await api("PATCH", `message/conversation/${this.id}/status/`, { status: this.status.value });
  }

  async setAssignee() {
    const user = this.assign.value ? Number(this.assign.value) : null;
    const reply = await api("PATCH", `message/conversation/${this.id}/assign/`, { user_id: user });
    this.assignedTo = reply.data.assigned_to;
  }

  frame(frame) {
    switch (frame.type) {
      case "connection_established": {
        const newest = this.newest();
        this.expect = newest ? ["snapshot", "missed"] : ["snapshot"];
        if (newest) this.feed.send({ type: "get_messages", filters: { after_id: newest.id, page_size: 500 } });
        this.resendPending();
        break;
      }
      case "recent_messages": {
        const kind = this.expect.shift() || "snapshot";
        const atBottom = this.atBottom();
        const before = this.list.scrollHeight;
        for (const m of frame.messages) this.messages.set(m.id, m);
        if (kind === "snapshot" || kind === "older") this.hasOlder = kind === "snapshot" ? frame.pagination.has_next || this.hasOlder : frame.pagination.has_next;
        this.render();
        if (kind === "older") this.list.scrollTop = this.list.scrollHeight - before;
        else if (atBottom || kind === "snapshot") this.list.scrollTop = this.list.scrollHeight;
        this.markRead();
        break;
      }
      case "chat_message":
        this.received(frame);
        break;
      case "messages_read":
        for (const m of this.messages.values()) if (m.type === "customer") m.is_answered = true;
        break;
      case "feedback_updated": {
        const m = this.messages.get(frame.message_id);
        if (m) { m.feedback = frame.feedback; this.render(); }
        break;
      }
      case "typing":
        this.showTyping(frame);
        break;
      case "conversation_deleted":
        this.gone(frame.message);
        break;
      case "error":
        this.list.append(h("p", { class: "error", role: "alert" }, frame.error || frame.message));
        break;
      default:
        break;
    }
  }

  received(frame) {
    const m = frame.message;
    const local = frame.client_msg_id && this.pending.get(frame.client_msg_id);
    if (local) {
      clearTimeout(local.timer);
      this.pending.delete(frame.client_msg_id);
      this.messages.delete(local.message.id);
    }
    const atBottom = this.atBottom();
    this.messages.set(m.id, m);
    this.render();
    if (atBottom || local) this.list.scrollTop = this.list.scrollHeight;
    if (m.type === "customer") this.markRead();
  }

  newest() {
    let newest = null;
    for (const m of this.messages.values()) {
      if (!m.local && (!newest || m.created_at > newest.created_at)) newest = m;
    }
    return newest;
  }

  atBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 60;
  }

  loadOlder() {
    if (!this.hasOlder || this.expect.includes("older")) return;
    const oldest = [...this.messages.values()].filter((m) => !m.local)
      .sort((a, b) => (a.created_at < b.created_at ? -1 : 1))[0];
    if (!oldest) return;
    if (this.feed.send({ type: "get_messages", filters: { before_id: oldest.id, page_size: 50 } })) {
      this.expect.push("older");
    }
  }

  markRead() {
    if (document.hidden) return;
    const unread = [...this.messages.values()].some((m) => m.type === "customer" && !m.is_answered);
    if (unread && this.feed.send({ type: "mark_read" })) {
      for (const m of this.messages.values()) if (m.type === "customer") m.is_answered = true;
    }
  }

  key(event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      this.submit();
    }
  }

  typed() {
    localStorage.setItem(this.draftKey, this.input.value);
    const now = Date.now();
    if (now - this.typingSent > TYPING_EVERY && this.input.value.trim()) {
      if (this.feed.send({ type: "typing", is_typing: true })) this.typingSent = now;
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.typingSent) this.feed.send({ type: "typing", is_typing: false });
      this.typingSent = 0;
    }, TYPING_IDLE);
  }

  submit() {
    const content = this.input.value.trim();
    if (!content) return;
    const clientId = crypto.randomUUID();
    const message = { id: `local-${clientId}`, local: true, content, type: "support",
      created_at: new Date().toISOString(), client_msg_id: clientId, state: "sending" };
    this.messages.set(message.id, message);
    this.pending.set(clientId, { message });
    this.input.value = "";
    localStorage.removeItem(this.draftKey);
    clearTimeout(this.idle);
    this.typingSent = 0;
    this.transmit(clientId);
    this.render();
    this.list.scrollTop = this.list.scrollHeight;
  }

  transmit(clientId) {
    const entry = this.pending.get(clientId);
    if (!entry) return;
    clearTimeout(entry.timer);
    const sent = this.feed.send({ type: "chat_message", content: entry.message.content, client_msg_id: clientId });
    entry.message.state = sent ? "sending" : "failed";
    if (sent) {
      entry.timer = setTimeout(() => { entry.message.state = "failed"; this.render(); }, ACK_TIMEOUT);
    }
  }

  resendPending() {
    for (const [clientId, entry] of this.pending) if (entry.message.state === "sending") this.transmit(clientId);
    this.render();
  }

  retry(clientId) {
    this.transmit(clientId);
    this.render();
  }

  showTyping(frame) {
    if (frame.is_typing) this.typers.set(frame.user_id, { name: frame.username, until: Date.now() + 7000 });
    else this.typers.delete(frame.user_id);
    const names = [...this.typers.values()].filter((t) => t.until > Date.now()).map((t) => t.name);
    this.typing.textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
    clearTimeout(this.typingTimer);
    if (names.length) this.typingTimer = setTimeout(() => this.showTyping({ is_typing: false }), 7000);
  }

  feedback(m, value) {
    this.feed.send({ type: "submit_feedback", message_id: m.id, feedback: m.feedback === value ? "none" : value });
  }

  render() {
    const sorted = [...this.messages.values()].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
    fill(this.list, sorted.map((m) => this.bubble(m)));
  }

  bubble(m) {
    const state = m.local ? m.state : "sent";
    const meta = h("span", { class: "meta" }, when(m.created_at),
      m.type === "support" || m.type === "marketing" ? ` · ${state}` : "", m.type === "AI" ? " · AI" : "");
    const retry = m.local && m.state === "failed"
      ? h("button", { type: "button", class: "retry", onclick: () => this.retry(m.client_msg_id) }, "Retry") : null;
    const feedback = m.type === "AI" ? h("span", { class: "feedback" },
      h("button", { type: "button", "aria-label": "Good answer", "aria-pressed": String(m.feedback === "positive"), onclick: () => this.feedback(m, "positive") }, "👍"),
      h("button", { type: "button", "aria-label": "Bad answer", "aria-pressed": String(m.feedback === "negative"), onclick: () => this.feedback(m, "negative") }, "👎")) : null;
    return h("div", { class: `msg ${m.type} ${state}`, dataset: { id: m.id, state } },
      h("span", { class: "text", dir: "auto" }, m.content), meta, feedback, retry);
  }

  gone(text) {
    this.input.disabled = true;
    this.send.disabled = true;
    this.list.append(h("p", { class: "error", role: "alert" }, text || "This conversation is gone."));
  }

  destroy() {
    document.removeEventListener("visibilitychange", this.visible);
    clearTimeout(this.idle);
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    closeFeed(this.feed);
  }
}
