// The signed-in frame around every page: the top bar with its navigation and Sign out.

import { session } from "./session.js";
import { h, fill } from "./dom.js";

/** Draws the frame in `root` with `active` highlighted; returns the element a page fills. */
export function renderShell(root, active, onSignOut) {
  const user = session.user();
  const admin = user?.role === "admin";
  const link = (hash, label, key) =>
    h("a", { href: hash, "aria-current": active === key ? "page" : undefined }, label);
  const out = h("button", { type: "button", id: "signout", onclick: onSignOut }, "Sign out");
  const main = h("div", { class: "content" });
  const bar = h("header", { class: "topbar" },
    h("strong", {}, "pilito-box"),
    h("nav", {}, link("#/inbox", "Inbox", "inbox"), link("#/customers", "Customers", "customers"),
      admin ? link("#/admin", "Admin", "admin") : null,
      admin ? link("#/logs", "Logs", "logs") : null),
    h("span", { class: "me" }, h("span", { class: "hide-narrow", dir: "auto" }, user?.first_name || user?.username || ""), out));
  fill(root, h("div", { class: "shell" }, bar, main));
  return main;
}
