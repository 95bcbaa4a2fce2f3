// Who wrote a message and whether it is an internal note: the small name line of an agent's
// bubble ("You" for one's own), and the label of a note. Internal notes are for the agents only:
// never sent to the customer, so they carry no delivery mark.

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { session } from "./session.js";

/** Message types an agent writes, whose bubbles name their author. */
const AUTHORED = new Set(["support", "marketing", "note"]);

/** The name line above an agent's message, or null (a customer's, an AI's, no author known). */
export function authorLine(m) {
  if (!AUTHORED.has(m.type)) return null;
  const me = session.user()?.id;
  const own = m.local || (m.author && m.author.id === me);
  if (!own && !m.author) return null;
  const name = own ? t("You") : m.author.username;
  const label = m.type === "note" ? h("span", { class: "note-label" }, lockIcon(), t("Internal note")) : null;
  return h("span", { class: "author" }, h("bdi", { dir: "auto" }, name), label ? " · " : null, label);
}

/** The small lock of notes and the Note toggle. */
export function lockIcon() {
  return h("img", { class: "icon lock", src: "/img/lock.svg", alt: "" });
}
