// "Why isn't this agent getting messages?" (admins, `#/connections`): every open socket with its
// feed, address, age, send-queue depth, last ping round trip and frames dropped, then the recent
// closes with what their codes mean (GET /api/v1/admin/connections, PROTOCOL §10.6).

import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { t, num, locale } from "./i18n.js";
import { stamp as at } from "./dates.js";

const REFRESH_EVERY = 5000;

const MEANING = {
  1000: "Normal close (signed out, tab closed, or the conversation was deleted)",
  1001: "Going away (the server restarted, the page was left, or silence)",
  1005: "Closed without a code",
  1006: "Connection lost without a close (network, sleep, or a killed tab)",
  1007: "A text frame was not UTF-8 (a client bug)",
  1008: "Too many frames (rate limit)",
  1009: "A frame was over the size limit (a client bug)",
  1011: "Server error",
  1013: "Too slow: its queue filled up or a write stalled",
  4001: "Authentication failed or ended (expired, signed out, password, disabled)",
};
const BY = { server: "the server", client: "the browser", lost: "nobody (lost)" };

/** A feed's path in words: "Chat Qm7pTk", "Conversation list", "Setup checklist". */
function feedWords(path) {
  const chat = /^\/ws\/chat\/([^/]+)\/?$/.exec(path || "");
  if (chat) return h("a", { href: `#/inbox/${chat[1]}` }, t("Chat {id}", { id: chat[1] }));
  if ((path || "").startsWith("/ws/conversations")) return t("Conversation list");
  if ((path || "").startsWith("/ws/customers")) return t("Customer list");
  if ((path || "").startsWith("/ws/wizard-status")) return t("Setup checklist");
  return path || "";
}

export class ConnectionsPage {
  constructor(container) {
    this.open = h("tbody", { id: "open-sockets" });
    this.closes = h("tbody", { id: "recent-closes" });
    this.summary = h("p", { class: "muted", id: "connections-summary", role: "status" });
    const head = (...cols) => h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, c))));
    fill(container, h("div", { class: "page connections" },
      h("h1", {}, t("Connections")),
      h("p", { class: "muted" }, t("Each open window of each agent holds one connection per feed. An agent who is not getting messages has no chat or list connection here, a growing queue, or a slow ping.")),
      this.summary,
      h("section", {}, h("h2", {}, t("Open now")),
        h("table", { class: "cards-on-phone" }, head(t("User"), t("Feed"), t("Address"), t("Connected since"), t("Queue"), t("Ping"), t("Dropped")), this.open)),
      h("section", {}, h("h2", {}, t("Recent closes")),
        h("table", { class: "cards-on-phone" }, head(t("When"), t("User"), t("Feed"), t("Code"), t("Closed by"), t("Meaning")), this.closes))));
    this.load();
    this.timer = setInterval(() => this.load().catch(() => {}), REFRESH_EVERY);
  }

  async load() {
    const data = await api("GET", "admin/connections");
    this.summary.textContent = t("{open} open, {closed} recent closes", { open: num(data.open.length), closed: num(data.recent_closes.length) });
    const empty = (cols, text) => h("tr", {}, h("td", { colspan: cols, class: "empty-row" }, text));
    fill(this.open, data.open.length ? data.open.map((s) => h("tr", { dataset: { user: s.username } },
      h("td", { "data-label": t("User") }, h("bdi", {}, s.username)),
      h("td", { "data-label": t("Feed") }, feedWords(s.feed)),
      h("td", { "data-label": t("Address") }, h("bdi", { dir: "ltr" }, s.client_address)),
      h("td", { "data-label": t("Connected since") }, at(s.connected_since)),
      h("td", { class: s.queued > s.queue_capacity / 2 ? "warn" : undefined, "data-label": t("Queue") }, `${num(s.queued)} / ${num(s.queue_capacity)}`),
      h("td", { "data-label": t("Ping") }, s.last_ping_rtt_ms === null ? t("not yet") : t("{ms} ms", { ms: num(Math.round(s.last_ping_rtt_ms * 10) / 10) })),
      h("td", { class: s.frames_dropped ? "warn" : undefined, "data-label": t("Dropped") }, num(s.frames_dropped))))
      : [empty(7, t("No open connections."))]);
    fill(this.closes, data.recent_closes.length ? data.recent_closes.map((c) => h("tr", {},
      h("td", { "data-label": t("When") }, at(c.at)),
      h("td", { "data-label": t("User") }, h("bdi", {}, c.username)),
      h("td", { "data-label": t("Feed") }, feedWords(c.feed)),
      h("td", { "data-label": t("Code") }, Number(c.code).toLocaleString(locale(), { useGrouping: false })),
      h("td", { "data-label": t("Closed by") }, t(BY[c.closed_by] || c.closed_by)),
      h("td", { "data-label": t("Meaning") }, t(MEANING[c.code] || c.meaning))))
      : [empty(6, t("No connection has closed since the server started."))]);
  }

  destroy() {
    clearInterval(this.timer);
  }
}
