// One message on screen: its file (if any), its text, the time, whether it reached pilito-box
// (a reply being sent from this tab) and the customer (the delivery mark), AI feedback, and the
// Retry buttons. The chat keeps each bubble until its message changes.

import { h } from "./dom.js";
import { t, size } from "./i18n.js";
import { clock, fullDate } from "./dates.js";
import { linked } from "./linkify.js";
import { deliveryMark, deliveryNote, deliveryState } from "./delivery.js";
import { hasMedia } from "./media.js";
import { authorLine } from "./authorship.js";

const OUTGOING = new Set(["support", "marketing"]);

/** What a bubble shows; a bubble is drawn again only when this changes. */
export function signature(m, problem) {
  return JSON.stringify([m.content, m.state, m.feedback, m.processing_status, m.external_send_result, m.upload?.error, problem, m.author?.username]);
}

/**
 * @param {object} m a MessageView, or a local reply (`local`, `state`, maybe `upload`)
 * @param {{media: (m: object) => Node, retrySend: () => void, retryUpload: () => void,
 *          dismiss: () => void, retryDelivery: () => void, feedback: (value: string) => void}} on
 * @param {string} [problem] why the last Retry of its delivery failed
 */
export function bubble(m, on, problem) {
  const state = m.local ? m.state : "sent";
  const delivery = deliveryState(m);
  const local = m.local && (OUTGOING.has(m.type) || m.type === "note") ? localMark(m.state) : null;
  const saved = !m.local && !delivery && OUTGOING.has(m.type)
    ? h("span", { class: "tick saved", title: t("Saved"), role: "img", "aria-label": t("Saved") }, "✓") : null;
  const meta = h("span", { class: "meta", title: fullDate(m.created_at) }, clock(m.created_at), m.type === "AI" ? " · AI" : "", local, saved, deliveryMark(m));
  const retry = m.local && m.state === "failed" && !m.upload
    ? h("button", { type: "button", class: "retry", onclick: on.retrySend }, t("Retry")) : null;
  const feedback = m.type === "AI" ? h("span", { class: "feedback" },
    h("button", { type: "button", "aria-label": t("Good answer"), "aria-pressed": String(m.feedback === "positive"), onclick: () => on.feedback("positive") }, "👍"),
    h("button", { type: "button", "aria-label": t("Bad answer"), "aria-pressed": String(m.feedback === "negative"), onclick: () => on.feedback("negative") }, "👎")) : null;
  const file = m.upload ? uploading(m, on) : hasMedia(m) ? on.media(m) : null;
  const text = m.content ? h("span", { class: "text", dir: "auto" }, linked(m.content)) : null;
  const transcript = m.transcription ? h("span", { class: "transcript muted", dir: "auto" }, m.transcription) : null;
  return h("div", {
    class: `msg ${m.type} ${state}${file ? " has-media" : ""}${delivery ? ` delivery-${delivery}` : ""}`,
    dataset: delivery ? { id: m.id, state, delivery } : { id: m.id, state },
  }, authorLine(m), file, text, transcript, meta, deliveryNote(m, on.retryDelivery, problem), feedback, retry);
}

function localMark(state) {
  const words = state === "failed" ? t("Not sent") : t("Sending…");
  return h("span", { class: `tick ${state === "failed" ? "failed" : "pending"}`, title: words, role: "img", "aria-label": words },
    state === "failed" ? "!" : "◷");
}

/** A file on its way up: name, size, a progress bar, or why it failed with Retry and Remove. */
function uploading(m, on) {
  const { name, bytes, error } = m.upload;
  const head = h("span", { class: "file" }, h("img", { class: "icon", src: "/img/file.svg", alt: "" }),
    h("span", { class: "name", dir: "auto" }, name), h("span", { class: "size" }, size(bytes)));
  if (error) {
    return h("div", { class: "upload failed", role: "alert" }, head,
      h("span", { class: "reason", dir: "auto" }, error),
      h("span", { class: "actions" },
        h("button", { type: "button", class: "retry-upload", onclick: on.retryUpload }, t("Retry")),
        h("button", { type: "button", class: "dismiss", onclick: on.dismiss }, t("Remove"))));
  }
  return h("div", { class: "upload" }, head,
    h("progress", { max: 1, value: m.upload.progress || 0, "aria-label": t("Uploading {name}", { name }) }));
}
