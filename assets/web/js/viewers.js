// "Sara is viewing": the other agents who have this conversation open, told by the chat feed
// (`chat_viewers` when the socket joins, then `user_presence` as they come and go).

import { h } from "./dom.js";
import { t } from "./i18n.js";

export class Viewers {
  constructor() {
    this.names = new Map();
    this.el = h("span", { class: "viewers", id: "viewers", "aria-live": "polite" });
  }

  /** Who was there when the socket joined (`chat_viewers`). */
  reset(viewers) {
    this.names = new Map(viewers.map((v) => [v.user_id, v.username]));
    this.draw();
  }

  /** Someone opened the conversation or closed it (`user_presence` on the chat feed). */
  presence(frame) {
    if (frame.is_online) this.names.set(frame.user_id, frame.username);
    else this.names.delete(frame.user_id);
    this.draw();
  }

  draw() {
    const names = [...this.names.values()];
    this.el.hidden = !names.length;
    this.el.replaceChildren();
    if (!names.length) return;
    const words = t(names.length > 1 ? "{names} are viewing" : "{names} is viewing", { names: "\u0000" }).split("\u0000");
    this.el.append(h("img", { class: "icon", src: "/img/eye.svg", alt: "" }), words[0], ...names.flatMap((n, i) => [i ? t(", ") : "", h("bdi", {}, n)]), words[1] || "");
  }
}
