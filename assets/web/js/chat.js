// One open conversation: its history (older pages as you scroll up, what was missed after a
// reconnect via `after_id`), replies sent with client_msg_id so a retry never duplicates, files
// sent as replies, each reply's delivery to the customer (live through `message_status`, with a
// Retry), internal notes, typing (ended by the typer's message), who else is viewing, the header's
// status and assignee kept true by `conversation_updated`, read marking and AI feedback.

import { openFeed, closeFeed } from "./feeds.js";
import { api } from "./api.js";
import { h, fill, customerName } from "./dom.js";
import { t } from "./i18n.js";
import { refusal } from "./reasons.js";
import { Timeline } from "./timeline.js";
import { Composer } from "./composer.js";
import { sendFile } from "./upload.js";
import { errorText } from "./channel-words.js";
import { CustomerPanel } from "./customer-panel.js";
import { avatar, channelIcon } from "./avatar.js";
import { Viewers } from "./viewers.js";
import { TypingLine } from "./typing.js";
import { STATUSES } from "./status-pill.js";

const ACK_TIMEOUT = 10000;

export class Chat {
  constructor(pane, id, users) {
    this.id = id;
    this.users = users;
    this.messages = new Map();
    this.pending = new Map();
    this.problems = new Map();
    this.expect = [];
    this.hasOlder = false;
    this.timeline = new Timeline(() => this.loadOlder());
    this.list = this.timeline.el;
    this.typing = new TypingLine();
    this.title = h("h2", { dir: "auto" }, "…");
    this.face = h("span", { class: "face" });
    this.panel = new CustomerPanel(id, () => { this.togglePanel(); this.panelToggle.focus(); });
    this.panelToggle = h("button", { type: "button", class: "panel-toggle", id: "panel-toggle", "aria-controls": "customer-panel",
      "aria-expanded": "false", title: t("Customer details"), onclick: () => this.togglePanel() },
      h("img", { src: "/img/person.svg", alt: "" }), h("span", {}, t("Customer")));
    this.viewers = new Viewers();
    this.status = h("select", { id: "conversation-status", "aria-label": t("Status"), onchange: () => this.setStatus() },
      Object.entries(STATUSES).map(([s, words]) => h("option", { value: s }, t(words))));
    this.assign = h("select", { id: "assign", "aria-label": t("Assigned to"), onchange: () => this.setAssignee() });
    this.composer = new Composer(id, {
      text: (content, note) => this.submit(content, note),
      files: (files, caption) => files.forEach((file, i) => this.upload(file, i === 0 ? caption : "")),
      typing: (isTyping) => this.feed.send({ type: "typing", is_typing: isTyping }),
    });
    fill(pane,
      h("div", { class: "conversation" },
        h("header", {}, h("a", { class: "back", href: "#/inbox", "aria-label": t("Back to the list") }, h("img", { src: "/img/back.svg", alt: "" })),
          this.face, this.title, this.viewers.el, this.status, this.assign, this.panelToggle),
        this.list, this.typing.el, this.composer.el),
      this.panel.el);
    this.pane = pane;
    requestAnimationFrame(() => {
      this.composer.measure();
      this.panelToggle.setAttribute("aria-expanded", String(getComputedStyle(this.panel.el).display !== "none"));
    });
    this.composer.dropOn(pane);
    this.visible = () => { if (!document.hidden) this.markRead(); };
    document.addEventListener("visibilitychange", this.visible);
    this.feed = openFeed(`/ws/chat/${id}/`, (frame) => this.frame(frame), () => this.loadDetails());
    this.loadDetails();
    this.setUsers(users);
  }

  async loadDetails() {
    try {
      this.setSummary(await api("GET", `message/conversation-item/${this.id}/`));
    } catch (e) {
      if (e.status === 404) this.gone(t("This conversation does not exist."));
    }
  }

  setSummary(c) {
    if (!c) return;
    this.title.replaceChildren(h("bdi", {}, customerName(c.customer)));
    fill(this.face, avatar(c.customer?.id ?? c.id, customerName(c.customer)), channelIcon(c.source));
    if (c.max_message_chars) this.composer.setLimit(c.max_message_chars);
    this.panel.show(c.customer);
    this.status.value = c.status;
    if ("assigned_to" in c) {
      this.assignedTo = c.assigned_to;
      this.assign.value = c.assigned_to ?? "";
    }
  }

  setUsers(users) {
    this.users = users;
    fill(this.assign, h("option", { value: "" }, t("Unassigned")),
      [...users.values()].map((u) => h("option", { value: u.user_id }, u.username)));
    this.assign.value = this.assignedTo ?? "";
  }

  /** Shows or folds the customer panel (shown by default on wide screens only). */
  togglePanel() {
    const shown = getComputedStyle(this.panel.el).display !== "none";
    this.pane.classList.toggle("panel-open", !shown);
    this.pane.classList.toggle("panel-closed", shown);
    this.panelToggle.setAttribute("aria-expanded", String(!shown));
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
        this.viewers.reset([]);
        const newest = this.newest();
        this.expect = newest ? ["snapshot", "missed"] : ["snapshot"];
        if (newest) this.feed.send({ type: "get_messages", filters: { after_id: newest.id, page_size: 500 } });
        this.resendPending();
        break;
      }
      case "recent_messages": {
        const kind = this.expect.shift() || "snapshot";
        const before = this.list.scrollHeight;
        for (const m of frame.messages) this.messages.set(m.id, m);
        if (kind === "snapshot" || kind === "older") this.hasOlder = kind === "snapshot" ? frame.pagination.has_next || this.hasOlder : frame.pagination.has_next;
        const pinned = this.timeline.pinned;
        if (kind === "missed") this.render();
        else this.timeline.quietly(() => this.render());
        if (kind === "older") this.list.scrollTop = this.list.scrollHeight - before;
        else if (pinned || kind === "snapshot") this.timeline.toBottom();
        this.markRead();
        break;
      }
      case "chat_message":
        this.received(frame);
        break;
      case "message_status":
        this.statusChanged(frame);
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
        this.typing.frame(frame);
        break;
      case "chat_viewers":
        this.viewers.reset(frame.viewers);
        break;
      case "user_presence":
        this.viewers.presence(frame);
        break;
      case "conversation_updated":
        if (frame.conversation?.id === this.id) this.setSummary(frame.conversation);
        break;
      case "conversation_deleted":
        this.gone(frame.message);
        break;
      case "error":
        this.timeline.note(h("p", { class: "error", role: "alert" }, refusal(frame.error_code, frame.error || frame.message)));
        break;
      default:
        break;
    }
  }

  received(frame) {
    const m = { ...frame.message };
    m.external_send_result ??= frame.external_send_result ?? null;
    const local = frame.client_msg_id && this.pending.get(frame.client_msg_id);
    if (local) this.settle(frame.client_msg_id);
    if (m.author) this.typing.sent(m.author.id);
    const pinned = this.timeline.pinned;
    this.messages.set(m.id, m);
    this.render();
    if (pinned || local) this.timeline.toBottom();
    if (m.type === "customer") this.markRead();
  }

  /** A reply's delivery changed (`message_status`): its mark, reason and Retry follow. */
  statusChanged(frame) {
    const m = this.messages.get(frame.message_id);
    if (!m) return;
    m.processing_status = frame.processing_status;
    m.external_send_result = frame.external_send_result ?? null;
    this.problems.delete(m.id);
    this.render();
  }

  /** Forgets the local copy of a reply once the server has stored it. */
  settle(clientId) {
    const entry = this.pending.get(clientId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(clientId);
    this.messages.delete(entry.message.id);
  }

  newest() {
    let newest = null;
    for (const m of this.messages.values()) {
      if (!m.local && (!newest || m.created_at > newest.created_at)) newest = m;
    }
    return newest;
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

  /** A local reply until the server's copy arrives (`kind` is what it is waiting for). */
  local(content, extra = {}) {
    const clientId = crypto.randomUUID();
    const message = { id: `local-${clientId}`, local: true, content, type: "support",
      created_at: new Date().toISOString(), client_msg_id: clientId, state: "sending", ...extra };
    this.messages.set(message.id, message);
    this.pending.set(clientId, { message });
    return clientId;
  }

  submit(content, note = false) {
    const clientId = this.local(content, note ? { type: "note" } : {});
    this.transmit(clientId);
    this.render();
    this.timeline.toBottom();
  }

  transmit(clientId) {
    const entry = this.pending.get(clientId);
    if (!entry || entry.message.upload) return;
    clearTimeout(entry.timer);
    const note = entry.message.type === "note" ? { message_type: "note" } : {};
    const sent = this.feed.send({ type: "chat_message", content: entry.message.content, client_msg_id: clientId, ...note });
    entry.message.state = sent ? "sending" : "failed";
    if (sent) {
      entry.timer = setTimeout(() => { entry.message.state = "failed"; this.render(); }, ACK_TIMEOUT);
    }
  }

  /** Sends again every text reply not yet stored, those marked failed included: each carries
   * its client_msg_id, so one that did reach the server is not stored twice. */
  resendPending() {
    for (const [clientId, entry] of this.pending) if (!entry.message.upload) this.transmit(clientId);
    this.render();
  }

  /** Sends `file` as a reply with `caption`, showing its progress and, if refused, why. */
  upload(file, caption, clientId = null) {
    const id = clientId || this.local(caption, { upload: { file, name: file.name || t("File"), bytes: file.size } });
    const entry = this.pending.get(id);
    if (!entry) return;
    const m = entry.message;
    m.state = "sending";
    m.upload = { ...m.upload, error: null, progress: 0 };
    this.render();
    this.timeline.toBottom();
    sendFile(this.id, file, caption, id, (done) => {
      m.upload.progress = done;
      this.timeline.progress(m.id, done);
    }).then((stored) => {
      if (!this.pending.has(id)) return;
      this.settle(id);
      this.messages.set(stored.id, stored);
      this.render();
    }, (e) => {
      m.state = "failed";
      m.upload.error = e.message;
      this.render();
    });
  }

  /** Asks the server to send a failed reply again (`POST message/<id>/retry/`). */
  async retryDelivery(m) {
    this.problems.delete(m.id);
    try {
      const reply = await api("POST", `message/${encodeURIComponent(m.id)}/retry/`);
      // The socket's message_status frames carry the same change and whatever follows it (the
      // delivery may be done before this answer arrives): the answer counts only if none came.
      const fresh = reply?.data?.message;
      const current = fresh && this.messages.get(fresh.id);
      if (current?.processing_status === "failed") this.statusChanged({ ...fresh, message_id: fresh.id });
    } catch (e) {
      this.problems.set(m.id, e.status === 404 && e.code !== "MESSAGE_NOT_FOUND"
        ? t("This pilito-box cannot send replies again yet.") : errorText(e));
    }
    this.render();
  }

  feedback(m, value) {
    this.feed.send({ type: "submit_feedback", message_id: m.id, feedback: m.feedback === value ? "none" : value });
  }

  render() {
    this.timeline.render(this.messages.values(), (m) => this.handlers(m), this.problems);
  }

  handlers(m) {
    return {
      retrySend: () => { this.transmit(m.client_msg_id); this.render(); },
      retryUpload: () => this.upload(m.upload.file, m.content, m.client_msg_id),
      dismiss: () => { this.settle(m.client_msg_id); this.composer.restore(m.content); this.render(); },
      retryDelivery: () => this.retryDelivery(m),
      feedback: (value) => this.feedback(m, value),
    };
  }

  /** The conversation does not exist (any more): say so and stop reconnecting. */
  gone(text) {
    if (this.isGone) return;
    this.isGone = true;
    closeFeed(this.feed);
    this.composer.disable();
    this.timeline.note(h("p", { class: "error", role: "alert" }, text || t("This conversation is gone.")));
  }

  destroy() {
    document.removeEventListener("visibilitychange", this.visible);
    this.composer.destroy();
    this.typing.destroy();
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    closeFeed(this.feed);
  }
}
