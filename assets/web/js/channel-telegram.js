// The Telegram card of the Channels page: the bot token (a password field; the server only ever
// shows its last four characters back), Save, Test and Disconnect, and the connection in plain
// words.

import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { t } from "./i18n.js";
import { telegramState, backlog } from "./channel-words.js";
import { when } from "./dates.js";

const botName = (bot) => [bot?.first_name, bot?.username ? `@${bot.username}` : ""].filter(Boolean).join(" · ");

export class TelegramCard {
  constructor(page) {
    this.page = page;
    this.state = h("p", { class: "state", id: "telegram-state", role: "status" });
    this.problem = h("div", { class: "problem", id: "telegram-problem", hidden: true });
    this.details = h("dl", { class: "facts", id: "telegram-facts" });
    this.result = h("p", { class: "result", id: "telegram-result", role: "status" });
    this.token = h("input", { type: "password", id: "telegram-token", autocomplete: "off", spellcheck: "false",
      "aria-label": t("Bot token"), placeholder: t("Paste the token from @BotFather") });
    this.save = h("button", { class: "primary", type: "submit", id: "telegram-save" }, t("Save"));
    this.test = h("button", { type: "button", id: "telegram-test", onclick: () => this.check() }, t("Test"));
    this.off = h("button", { type: "button", id: "telegram-disconnect", class: "danger", onclick: () => this.disconnect() }, t("Disconnect"));
    const form = h("form", { class: "row", id: "telegram-form" }, this.token, this.save, this.test, this.off);
    form.addEventListener("submit", (e) => { e.preventDefault(); this.store(); });
    this.el = h("section", { class: "card", id: "telegram" },
      h("h2", {}, t("Telegram bot")),
      h("p", { class: "muted" }, t("Create a bot with @BotFather in Telegram, then paste the token it gives you here. Customers who message the bot appear in the inbox; your replies go back through it.")),
      this.state, this.problem, this.details, form, this.result);
  }

  /** Draws the `telegram` object of `GET channels/`. */
  show(tg) {
    this.configured = Boolean(tg.configured);
    this.el.dataset.state = tg.state || "off";
    this.state.textContent = telegramState(tg);
    const problem = tg.state === "error" || tg.state === "unreachable";
    this.problem.hidden = !problem || !(tg.last_error || tg.hint);
    fill(this.problem, tg.last_error ? h("span", { dir: "auto" }, tg.last_error) : null,
      tg.hint ? h("strong", { dir: "auto" }, tg.hint) : null);
    const row = (term, value, id) => (value ? [h("dt", {}, term), h("dd", { id }, value)] : []);
    fill(this.details,
      row(t("Bot"), tg.bot ? h("bdi", {}, botName(tg.bot)) : "", "telegram-bot"),
      row(t("Token"), tg.token_hint ? h("bdi", { dir: "ltr" }, tg.token_hint) : "", "telegram-hint"),
      row(t("Last message from Telegram"), tg.configured ? (tg.last_update_at ? when(tg.last_update_at) : t("none yet")) : "", "telegram-last"),
      row(t("Replies"), backlog(tg) || (tg.configured ? t("all sent") : ""), "telegram-backlog"));
    this.token.placeholder = tg.token_hint ? t("Paste a new token to replace {hint}", { hint: tg.token_hint }) : t("Paste the token from @BotFather");
    this.test.disabled = !this.configured;
    this.off.disabled = !this.configured;
  }

  store() {
    const token = this.token.value.trim();
    if (!token) return this.token.focus();
    return this.page.run(this.save, async () => {
      const tg = await api("PUT", "channels/telegram/", { bot_token: token });
      this.token.value = "";
      this.result.textContent = t("Saved. Connected to {bot}.", { bot: botName(tg?.bot) || t("the bot") });
    }, this.result);
  }

  check() {
    return this.page.run(this.test, async () => {
      this.result.textContent = "";
      const answer = await api("POST", "channels/telegram/test/");
      this.result.textContent = t("Telegram answers: this is {bot}.", { bot: botName(answer?.bot) });
    }, this.result);
  }

  disconnect() {
    if (!confirm(t("Disconnect the bot? Customers' new messages stop arriving; replies already queued wait for a bot."))) return undefined;
    return this.page.run(this.off, async () => {
      await api("DELETE", "channels/telegram/");
      this.result.textContent = t("Disconnected.");
    }, this.result);
  }
}
