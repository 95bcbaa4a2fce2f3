// The "Sara is typing…" line under a conversation: who is typing, until they stop, their
// typing times out, or their message arrives (whichever comes first).

import { h } from "./dom.js";
import { t } from "./i18n.js";

const SHOWN_FOR = 7000;

export class TypingLine {
  constructor() {
    this.typers = new Map();
    this.el = h("div", { class: "typing", id: "typing" });
  }

  /** A `typing` frame. */
  frame(frame) {
    if (frame.is_typing) this.typers.set(String(frame.user_id), { name: frame.username, until: Date.now() + SHOWN_FOR });
    else this.typers.delete(String(frame.user_id));
    this.draw();
  }

  /** User `id` sent a message: what they were typing has arrived. */
  sent(id) {
    if (this.typers.delete(String(id))) this.draw();
  }

  draw() {
    const names = [...this.typers.values()].filter((x) => x.until > Date.now()).map((x) => x.name);
    this.el.textContent = names.length ? t(names.length > 1 ? "{names} are typing…" : "{names} is typing…", { names: names.join(t(", ")) }) : "";
    clearTimeout(this.timer);
    if (names.length) this.timer = setTimeout(() => this.draw(), SHOWN_FOR);
  }

  destroy() {
    clearTimeout(this.timer);
  }
}
