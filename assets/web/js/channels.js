// The Channels page (admins only): where the inbox meets the outside. It reads
// `GET /api/v1/channels/` every few seconds while open and shown, and hands each channel's
// object to its card (Telegram, webhook); a server without channels says so instead of failing.

import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { t } from "./i18n.js";
import { errorText } from "./channel-words.js";
import { TelegramCard } from "./channel-telegram.js";
import { WebhookCard } from "./channel-webhook.js";
import { channelHealth } from "./health.js";

const REFRESH_EVERY = 4000;

export class ChannelsPage {
  constructor(container) {
    this.message = h("p", { role: "status", class: "muted", id: "channels-message" });
    this.telegram = new TelegramCard(this);
    this.webhook = new WebhookCard(this);
    this.cards = h("div", { class: "cards" }, this.telegram.el, this.webhook.el);
    fill(container, h("div", { class: "page channels" },
      h("h1", {}, t("Channels")),
      h("p", { class: "muted" }, t("Where customers' messages come from and where your replies go.")),
      this.message, this.cards));
    this.load();
    this.timer = setInterval(() => { if (!document.hidden) this.load(); }, REFRESH_EVERY);
  }

  /** Shows a sentence under the title (an error in red). */
  say(text, error = false) {
    this.message.textContent = text;
    this.message.className = error ? "error" : "muted";
  }

  async load() {
    try {
      const channels = await api("GET", "channels/");
      this.cards.hidden = false;
      if (this.unavailable) this.say("");
      this.unavailable = false;
      this.telegram.show(channels?.telegram || {});
      this.webhook.show(channels?.webhook || {});
      channelHealth.show(channels);
    } catch (e) {
      if (e.status === 404) {
        this.unavailable = true;
        this.cards.hidden = true;
        this.say(t("This pilito-box does not have channels yet. Update it to connect Telegram or a webhook."));
        clearInterval(this.timer);
      } else {
        this.say(errorText(e), true);
      }
    }
  }

  /**
   * Runs an action of a card with its button busy: an error goes under the title (and the
   * card's `result` line is cleared), then the state is read again.
   */
  async run(button, action, result) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await action();
      this.say("");
    } catch (e) {
      this.say(errorText(e), true);
      if (result) { result.textContent = ""; result.className = "result"; }
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      await this.load();
    }
  }

  destroy() {
    clearInterval(this.timer);
  }
}
