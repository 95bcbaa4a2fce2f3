// Links in message text: http and https addresses become links that open in a new tab without
// handing the page to the site (rel="noopener noreferrer"); anything else (javascript:, data:,
// a bare "www.") stays text. Built with h(), never innerHTML.

import { h } from "./dom.js";

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+/gi;
/** Punctuation that ends a sentence rather than the address. */
const TRAILING = /[.,;:!?،؛)\]}»"']+$/;

/** The address `raw` as a safe http(s) link target, or null. */
export function safeHref(raw) {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** `text` as nodes: strings, and <a> for each http(s) address in it. */
export function linked(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    let address = match[0];
    const tail = TRAILING.exec(address);
    if (tail) address = address.slice(0, -tail[0].length);
    const href = safeHref(address);
    if (!href) continue;
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(h("a", { href, target: "_blank", rel: "noopener noreferrer", dir: "ltr" }, address));
    last = match.index + address.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
