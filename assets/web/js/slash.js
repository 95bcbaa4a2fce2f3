// Saved replies in the reply box: typing "/" at the start opens the list, filtered by what
// follows; arrow keys move, Enter or a click inserts the reply's text, Escape closes. The list
// is read from the server when it first opens in a conversation.

import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { t } from "./i18n.js";

const SHOWN = 8;

export class SlashMenu {
  /** @param {HTMLTextAreaElement} input @param {(text: string) => void} insert */
  constructor(input, insert) {
    this.input = input;
    this.insert = insert;
    this.replies = null;
    this.matches = [];
    this.at = 0;
    this.el = h("ul", { class: "slash", id: "saved-replies", role: "listbox", "aria-label": t("Saved replies"), hidden: true });
  }

  get open() {
    return !this.el.hidden;
  }

  /** The text after "/" while the box holds only "/word", else null. */
  query() {
    const m = /^\/(\S*)$/u.exec(this.input.value);
    return m ? m[1].toLocaleLowerCase() : null;
  }

  async typed() {
    const q = this.query();
    if (q === null) return this.close();
    if (!this.replies) {
      this.replies = [];
      try { this.replies = await api("GET", "saved-replies/"); } catch { this.replies = []; }
      if (this.query() === null) return this.close();
    }
    const q2 = this.query();
    const starts = this.replies.filter((r) => r.shortcut.toLocaleLowerCase().startsWith(q2));
    const within = this.replies.filter((r) => !starts.includes(r) && (r.shortcut.toLocaleLowerCase().includes(q2) || r.content.toLocaleLowerCase().includes(q2)));
    this.matches = [...starts, ...within].slice(0, SHOWN);
    this.at = 0;
    this.draw();
  }

  draw() {
    this.el.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    if (!this.matches.length) {
      fill(this.el, h("li", { class: "none" }, this.replies.length ? t("No saved reply starts with that.") : t("No saved replies yet. An admin adds them under Saved replies.")));
      return;
    }
    fill(this.el, this.matches.map((r, i) => h("li", {
      role: "option", id: `saved-reply-${r.id}`, "aria-selected": String(i === this.at), dataset: { shortcut: r.shortcut },
      onmousedown: (e) => { e.preventDefault(); this.pick(i); },
    }, h("bdi", { class: "shortcut" }, `/${r.shortcut}`), h("span", { class: "preview", dir: "auto" }, r.content))));
    this.input.setAttribute("aria-activedescendant", `saved-reply-${this.matches[this.at].id}`);
  }

  /** Handles a key while open; true when it was the menu's. */
  key(event) {
    if (!this.open) return false;
    if (event.key === "Escape") { this.close(); return true; }
    if (!this.matches.length) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.at = (this.at + step + this.matches.length) % this.matches.length;
      this.draw();
      return true;
    }
    if (event.key === "Enter" || event.key === "Tab") {
      this.pick(this.at);
      return true;
    }
    return false;
  }

  pick(i) {
    const reply = this.matches[i];
    this.close();
    if (reply) this.insert(reply.content);
  }

  close() {
    this.el.hidden = true;
    this.input.removeAttribute("aria-expanded");
    this.input.removeAttribute("aria-activedescendant");
  }
}
