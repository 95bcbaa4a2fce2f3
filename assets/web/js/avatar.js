// Faces for people and channels: initials on a colour that stays the same for one customer
// (derived from their id), and the icon of the channel a conversation comes through.

import { h } from "./dom.js";
import { t } from "./i18n.js";

const CHANNELS = {
  telegram: { icon: "/img/telegram.svg", words: "Telegram" },
  api: { icon: "/img/webhook.svg", words: "Webhook / API" },
  instagram: { icon: "/img/instagram.svg", words: "Instagram" },
  unknown: { icon: "/img/web.svg", words: "Web" },
};

/** How many avatar colours app.css has (`.avatar.c0` … `.c7`). */
const COLOURS = 8;

/** A stable colour for `id` (a class, since the page's CSP allows no inline styles). */
function colour(id) {
  let n = 0;
  for (const ch of String(id)) n = (n * 31 + ch.codePointAt(0)) % 9973;
  return `c${n % COLOURS}`;
}

/** Up to two initials of `name` (letters of any script; "@ali" gives "A"). */
export function initials(name) {
  const words = String(name || "").replace(/[@#]/g, " ").trim().split(/\s+/).filter(Boolean);
  const first = (w) => [...w][0] || "";
  const letters = words.length > 1 ? first(words[0]) + first(words[words.length - 1]) : [...(words[0] || "?")].slice(0, 2).join("");
  return letters.toLocaleUpperCase();
}

/** A round avatar with `name`'s initials on the colour of `id`. */
export function avatar(id, name, size = "") {
  return h("span", { class: `avatar ${colour(id)} ${size}`.trim(), "aria-hidden": "true" }, initials(name));
}

/** The words for `source`'s channel. */
export function channelWords(source) {
  return t((CHANNELS[source] || CHANNELS.unknown).words);
}

/** The small icon of `source`'s channel, named for screen readers. */
export function channelIcon(source) {
  const c = CHANNELS[source] || CHANNELS.unknown;
  return h("img", { class: "channel-icon", src: c.icon, alt: t(c.words), title: t(c.words), width: 16, height: 16 });
}
