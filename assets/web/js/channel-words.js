// What the channels' states mean in plain words, for the Channels page and the banner:
// `GET /api/v1/channels/` objects in, sentences out. The server's `last_error` and `hint` are
// its own words and are shown as they come.

import { t, num, sep } from "./i18n.js";
import { when } from "./dates.js";

const botName = (bot) => (bot?.username ? `@${bot.username}` : bot?.first_name || "");

/** The Telegram object's state in one sentence. */
export function telegramState(tg) {
  switch (tg?.state) {
    case "connecting": return t("Connecting to Telegram…");
    case "polling": return t("Connected as {bot}: receiving messages", { bot: botName(tg.bot) });
    case "unreachable": return t("Telegram unreachable since {time}", { time: when(tg.since) });
    case "error": return t("Telegram refused the bot");
    default: return t("Not connected");
  }
}

/** The webhook object's state in one sentence. */
export function webhookState(wh) {
  switch (wh?.state) {
    case "ok": return t("Delivering replies to the receiver");
    case "unreachable": return t("The receiver is unreachable since {time}", { time: when(wh.since) });
    case "error": return t("The receiver refused the last delivery");
    default: return t("Not set up");
  }
}

/** "2 replies waiting · 1 failed", or "" when none. */
export function backlog(channel) {
  const parts = [];
  if (channel?.waiting) parts.push(t("{n} replies waiting", { n: num(channel.waiting) }));
  if (channel?.failed) parts.push(t("{n} failed", { n: num(channel.failed) }));
  return parts.join(sep());
}

/** True when a configured channel is unreachable or refused: the banner's business. */
export const troubled = (channel) => Boolean(channel?.configured) && ["unreachable", "error"].includes(channel.state);

/** The banner's words for the channels answer, or "" when all is well. */
export function trouble(channels) {
  const lines = [];
  if (troubled(channels?.telegram)) lines.push([telegramState(channels.telegram), backlog(channels.telegram)]);
  if (troubled(channels?.webhook)) lines.push([t("Webhook: {state}", { state: webhookState(channels.webhook) }), backlog(channels.webhook)]);
  return lines.map((parts) => parts.filter(Boolean).join(sep())).join(" — ");
}

const CODES = {
  INVALID_BOT_TOKEN: "Telegram does not know this token; copy it again from @BotFather",
  TELEGRAM_UNREACHABLE: "pilito-box could not reach Telegram. Check the office internet connection.",
  CHANNEL_NOT_CONFIGURED: "Set this channel up first.",
  INVALID_URL: "This is not a web address (it must start with http:// or https://).",
  FORBIDDEN: "Only admins can change the channels.",
};

/** An API error in the page's language: known codes translated, else the server's words. */
export function errorText(error) {
  if (error?.code === "TELEGRAM_UNREACHABLE") {
    const reason = (error.message || "").replace(/^pilito-box could not reach Telegram:?\s*/, "");
    return reason ? t("pilito-box could not reach Telegram: {reason}", { reason }) : t(CODES.TELEGRAM_UNREACHABLE);
  }
  if (Object.hasOwn(CODES, error?.code || "")) return t(CODES[error.code]);
  if (error instanceof TypeError) return t("pilito-box is not answering. Is it running?");
  return error?.message || t("Something went wrong.");
}
