// Whether a support reply reached the customer: the small mark beside its time, from the
// message's `processing_status` and `external_send_result` (null when nothing goes out, and
// then there is no mark), and for a failed one the reason in red with a Retry button.

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { clock } from "./dates.js";

/** The delivery state of a stored message: null, "pending", "retrying", "completed" or "failed". */
export function deliveryState(m) {
  const result = m.external_send_result;
  if (!result || m.local) return null;
  if (m.processing_status === "failed") return "failed";
  if (m.processing_status === "completed") return "completed";
  return result.retrying ? "retrying" : "pending";
}

const telegram = (result) => result?.channel === "telegram";

/** The mark's words, for its tooltip and screen readers. */
function label(state, result) {
  switch (state) {
    case "pending": return telegram(result) ? t("Sending to Telegram…") : t("Sending…");
    case "retrying": return t("Not sent yet; trying again at {time}", { time: result.next_attempt_at ? clock(result.next_attempt_at) : "…" });
    case "completed": return telegram(result) ? t("Sent to Telegram") : t("Sent");
    case "failed": return t("Not delivered");
    default: return "";
  }
}

const GLYPH = { pending: "◷", retrying: "◷", completed: "✓✓", failed: "!" };

/** The mark after the time, or null when the message goes nowhere beyond pilito-box. */
export function deliveryMark(m) {
  const state = deliveryState(m);
  if (!state) return null;
  const words = label(state, m.external_send_result);
  return h("span", { class: `tick ${state}`, title: words, role: "img", "aria-label": words }, GLYPH[state]);
}

/**
 * Under the text of a reply that is retrying or failed: why, and (failed) a Retry button that
 * calls `onRetry`; `problem` is a local error of the last retry.
 */
export function deliveryNote(m, onRetry, problem) {
  const state = deliveryState(m);
  if (state !== "failed" && state !== "retrying") return null;
  const result = m.external_send_result;
  const reason = result.error ? h("span", { class: "reason", dir: "auto" }, result.error) : null;
  if (state === "retrying") {
    return h("div", { class: "delivery retrying", role: "status" }, h("strong", {}, label(state, result)), reason);
  }
  return h("div", { class: "delivery failed", role: "alert" },
    h("strong", {}, label(state, result)), reason,
    problem ? h("span", { class: "reason" }, problem) : null,
    h("button", { type: "button", class: "retry-delivery", onclick: onRetry }, t("Retry")));
}
