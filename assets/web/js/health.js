// The thin strip under the top bar that says a configured channel is unreachable or refused,
// with a link to Channels. It reads `GET /api/v1/channels/`, which only admins may read, so
// agents do not see it (the channels contract gives them nothing to read it from); a server
// without channels (404) is not asked again.

import { api } from "./api.js";
import { session } from "./session.js";
import { h, fill } from "./dom.js";
import { t } from "./i18n.js";
import { trouble } from "./channel-words.js";

const CHECK_EVERY = 15000;

class ChannelHealth {
  constructor() {
    this.el = null;
    this.words = "";
    this.timer = null;
    this.absent = false;
  }

  /**
   * Draws into the shell's strip `el` (each page has a new shell) and checks now, then every
   * little while: going to another page is when an admin expects fresh news.
   */
  attach(el) {
    this.el = el;
    this.draw();
    if (session.user()?.role !== "admin" || this.absent) return;
    this.check();
    this.timer ??= setInterval(() => this.check(), CHECK_EVERY);
  }

  /** Takes a fresh `GET channels/` answer (the Channels page has one every few seconds). */
  show(channels) {
    this.words = trouble(channels);
    this.draw();
  }

  async check() {
    try {
      this.show(await api("GET", "channels/"));
    } catch (e) {
      if (e.status === 404 || e.status === 403) {
        this.absent = true;
        this.stop();
      }
    }
  }

  draw() {
    if (!this.el) return;
    this.el.hidden = !this.words;
    fill(this.el, this.words ? [h("span", { dir: "auto", title: this.words }, this.words), " ",
      location.hash.startsWith("#/channels") ? null : h("a", { href: "#/channels" }, t("Open Channels"))] : []);
  }

  /** Forgets everything (signing out): the next one to sign in is checked afresh. */
  reset() {
    this.absent = false;
    this.stop();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.words = "";
    this.draw();
  }
}

/** The page's one channel-health strip. */
export const channelHealth = new ChannelHealth();
