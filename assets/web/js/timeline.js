// The scrolling column of a conversation's messages: drawn in time order, each bubble built
// again only when its message changed (so a playing voice note or video keeps playing while a
// reply's tick changes), kept at the bottom while the agent is there, also when an image loads.
// It is a live region (`role="log"`): a screen reader reads out the bubbles added to it. So a
// bubble that did not change is never taken out and put back, and the history (the first page,
// older pages) is drawn while the log is quiet, so only messages that arrive are heard.

import { h } from "./dom.js";
import { t } from "./i18n.js";
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
    this.days = new Map();
    this.el = h("div", { class: "messages", id: "messages", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": t("Messages"), tabindex: 0 });
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
    const days = new Map();
    const els = [];
    let day = null;
    for (const m of sorted) {
      const key = signature(m, problems.get(m.id));
      let node = this.nodes.get(m.id);
      if (!node || node.key !== key) node = { key, el: bubble(m, { media: (x) => this.mediaOf(x), ...on(m) }, problems.get(m.id)) };
      shown.set(m.id, node);
      if (dayKey(m.created_at) !== day) {
        day = dayKey(m.created_at);
        const label = dayLabel(m.created_at);
        let line = this.days.get(day);
        if (line?.textContent !== label) line = h("div", { class: "day", role: "separator" }, h("span", {}, label));
        days.set(day, line);
        els.push(line);
      }
      els.push(node.el);
    }
    this.nodes = shown;
    this.days = days;
    for (const id of [...this.media.keys()]) if (!shown.has(id)) this.media.delete(id);
    this.place(els);
  }

  /** Makes `els` the log's children, inserting only what is new or moved. */
  place(els) {
    const wanted = new Set(els);
    for (const child of [...this.el.children]) if (!wanted.has(child)) child.remove();
    let at = this.el.firstElementChild;
    for (const el of els) {
      if (el === at) at = at.nextElementSibling;
      else this.el.insertBefore(el, at);
    }
  }

  /**
   * Runs `draw` (of history) with the log quiet. It speaks again two frames later, once the
   * browser has passed the drawn bubbles to the screen reader as already there.
   */
  quietly(draw) {
    cancelAnimationFrame(this.speak);
    this.el.setAttribute("aria-live", "off");
    draw();
    this.speak = requestAnimationFrame(() => {
      this.speak = requestAnimationFrame(() => this.el.setAttribute("aria-live", "polite"));
    });
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
