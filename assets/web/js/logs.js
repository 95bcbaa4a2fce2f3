// The server's log (admins only): the latest lines, a live tail, a level filter and a download;
// an empty state instead of an empty black box when nothing is at the level chosen.

import { api } from "./api.js";
import { session } from "./session.js";
import { h, fill } from "./dom.js";
import { t, num } from "./i18n.js";

const TAIL_EVERY = 2000;
const LINES = 500;

export class LogsPage {
  constructor(container) {
    this.level = "info";
    this.lines = h("pre", { class: "log", id: "log-lines", "aria-live": "polite" });
    this.note = h("span", { class: "muted", id: "log-file" });
    this.empty = h("div", { class: "log-empty", id: "log-empty", hidden: true });
    const level = h("select", { id: "log-level", "aria-label": t("Lowest level shown") },
      ["debug", "info", "warn", "error"].map((l) => h("option", { value: l, selected: l === "info" }, l)));
    level.addEventListener("change", () => { this.level = level.value; this.load(); });
    const follow = h("input", { type: "checkbox", id: "log-follow", checked: true });
    follow.addEventListener("change", () => (follow.checked ? this.start() : this.pause()));
    fill(container, h("div", { class: "page logs" },
      h("h1", {}, t("Server log")),
      h("div", { class: "row" }, level, h("label", {}, follow, t("Live")),
        h("button", { type: "button", id: "log-download", onclick: () => this.download() }, t("Download")), this.note),
      this.lines, this.empty));
    this.load();
    this.start();
  }

  async load() {
    const reply = await api("GET", `admin/logs?lines=${LINES}&level=${this.level}`);
    this.file = reply.file;
    this.offset = reply.offset;
    this.lines.textContent = reply.lines.join("\n");
    this.showEmpty(!reply.lines.length);
    this.note.textContent = reply.file || t("no log file yet");
    this.lines.scrollTop = this.lines.scrollHeight;
  }

  async tail() {
    if (!this.file) return this.load();
    const reply = await api("GET", `admin/logs?level=${this.level}&file=${encodeURIComponent(this.file)}&since=${this.offset}`);
    if (reply.file !== this.file) return this.load();
    this.offset = reply.offset;
    if (!reply.lines.length) return undefined;
    this.showEmpty(false);
    const atBottom = this.lines.scrollHeight - this.lines.scrollTop - this.lines.clientHeight < 40;
    this.lines.append((this.lines.textContent ? "\n" : "") + reply.lines.join("\n"));
    if (atBottom) this.lines.scrollTop = this.lines.scrollHeight;
    return undefined;
  }

  /** Shows the empty state (and hides the black box) when nothing is at the chosen level. */
  showEmpty(empty) {
    this.lines.hidden = empty;
    this.empty.hidden = !empty;
    this.empty.replaceChildren(
      h("p", { class: "empty-title" }, t("Nothing at this level in the last {lines} lines of the log.", { lines: num(LINES) })),
      h("p", { class: "muted" }, t("Choose a lower level to see more, or keep Live on to see new lines as they come.")));
  }

  start() {
    this.pause();
    this.timer = setInterval(() => this.tail().catch(() => {}), TAIL_EVERY);
  }

  pause() {
    clearInterval(this.timer);
  }

  async download() {
    const res = await fetch("/api/v1/admin/logs/download", { headers: { Authorization: `Bearer ${session.token()}` } });
    if (!res.ok) return;
    const link = h("a", { href: URL.createObjectURL(await res.blob()), download: this.file || "pilito-box.log" });
    link.click();
    URL.revokeObjectURL(link.href);
  }

  destroy() {
    this.pause();
  }
}
