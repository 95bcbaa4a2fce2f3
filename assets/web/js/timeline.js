// The scrolling column of a conversation's messages: drawn in time order, each bubble built
// again only when its message changed (so a playing voice note or video keeps playing while a
// reply's tick changes), kept at the bottom while the agent is there, also when an image loads.

import { h } from "./dom.js";
import { bubble, signature } from "./bubble.js";
import { mediaFor } from "./media.js";
import { dayKey, dayLabel } from "./dates.js";

const NEAR = 60;
const NEAR_TOP = 40;

export class Timeline {
  /** @param {() => void} onTop called when the agent scrolls up to the oldest message */
  constructor(onTop) {
    this.nodes = new Map();
    this.media = new Map();
    this.pinned = true;
    this.el = h("div", { class: "messages", id: "messages", "aria-live": "polite" });
    this.el.addEventListener("scroll", () => {
      this.pinned = this.atBottom();
      if (this.el.scrollTop < NEAR_TOP) onTop();
    });
    const follow = () => { if (this.pinned) this.toBottom(); };
    this.el.addEventListener("load", follow, true);
    this.el.addEventListener("loadedmetadata", follow, true);
  }

  atBottom() {
    return this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight < NEAR;
  }

  toBottom() {
    this.el.scrollTop = this.el.scrollHeight;
    this.pinned = true;
  }

  /** The file element of message `m`, made once and kept while the message is on screen. */
  mediaOf(m) {
    if (!this.media.has(m.id)) this.media.set(m.id, mediaFor(m));
    return this.media.get(m.id);
  }

  /**
   * Draws `messages`; `on(m)` gives a bubble's handlers (see bubble.js), `problems` the
   * failed-retry words by message id.
   */
  render(messages, on, problems) {
    const sorted = [...messages].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
    const shown = new Map();
    const els = [];
    let day = null;
    for (const m of sorted) {
      const key = signature(m, problems.get(m.id));
      let node = this.nodes.get(m.id);
      if (!node || node.key !== key) node = { key, el: bubble(m, { media: (x) => this.mediaOf(x), ...on(m) }, problems.get(m.id)) };
      shown.set(m.id, node);
      if (dayKey(m.created_at) !== day) {
        day = dayKey(m.created_at);
        els.push(h("div", { class: "day", role: "separator" }, h("span", {}, dayLabel(m.created_at))));
      }
      els.push(node.el);
    }
    this.nodes = shown;
    for (const id of [...this.media.keys()]) if (!shown.has(id)) this.media.delete(id);
    this.el.replaceChildren(...els);
  }

  /** Moves the progress bar of the upload shown as message `id`. */
  progress(id, done) {
    const bar = this.nodes.get(id)?.el.querySelector("progress");
    if (bar) bar.value = done;
  }

  /** Adds a line after the messages (an error), until the next drawing. */
  note(el) {
    this.el.append(el);
  }
}
