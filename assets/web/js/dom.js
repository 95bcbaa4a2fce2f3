// Tiny DOM helpers. Text always goes in through textContent, never innerHTML, so nothing a
// customer writes can become markup.

import { t } from "./i18n.js";

/** Fields where people type words: their direction follows what is typed (Persian right to
 * left, a URL or a name in Latin left to right), unless the caller says otherwise. */
const TYPED = new Set(["text", "search"]);

/** Creates an element: h("button", {class: "x", onclick: f}, "text", child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  const typed = tag === "textarea" || (tag === "input" && TYPED.has(attrs.type || "text"));
  if (typed && !("dir" in attrs)) el.dir = "auto";
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  for (const child of children.flat()) if (child) el.append(child);
  return el;
}

/** A customer's display name. */
export function customerName(c) {
  if (!c) return t("Customer");
  const name = [c.first_name, c.last_name].filter(Boolean).join(" ").trim();
  return name || (c.username ? "@" + c.username : t("Customer {id}", { id: c.id }));
}

/** Shows or hides the connection banner. */
export function banner(text) {
  const el = document.getElementById("status");
  el.textContent = text || "";
  el.hidden = !text;
}
