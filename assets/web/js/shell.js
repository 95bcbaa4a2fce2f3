// The signed-in frame around every page: the top bar (the banner landmark) with its navigation,
// the language switch, the user's menu (Change my password, Sign out), the channel-health strip
// under it, and the page's `main`. For admins the navigation has Setup with "N of 6" while the
// setup checklist is not complete. On phones the navigation folds behind a menu button that
// names the current page.

import { session } from "./session.js";
import { h, fill } from "./dom.js";
import { t, num, otherLang } from "./i18n.js";
import { choose } from "./language.js";
import { channelHealth } from "./health.js";
import { settingsButton } from "./attention-settings.js";
import { watchWizard } from "./wizard.js";

/** The navigation's Setup link with its "N of 6" badge, hidden once the checklist is complete
 * (unless it is the page shown) and until the checklist is known. */
function setupLink(active) {
  const count = h("span", { class: "setup-count", id: "setup-count" });
  const link = h("a", { href: "#/setup", id: "setup-link", hidden: true, "aria-current": active === "setup" ? "page" : undefined },
    t("Setup"), " ", count);
  watchWizard("menu", (status) => {
    const { done = 0, total = 6 } = status.details || {};
    count.textContent = t("{done} of {total}", { done: num(done), total: num(total) });
    link.hidden = Boolean(status.wizard_complete) && active !== "setup";
  });
  return link;
}

/** The user's name as a menu: their account page and Sign out. */
function userMenu(user, out) {
  const menu = h("details", { class: "user-menu", id: "user-menu" },
    h("summary", {}, h("bdi", { dir: "auto" }, user?.first_name || user?.username || ""),
      h("span", { class: "visually-hidden" }, ` ${t("Account menu")}`)),
    h("div", { class: "user-menu-items" },
      h("a", { href: "#/account", id: "my-account" }, t("Change my password")), out));
  menu.addEventListener("click", (e) => { if (e.target.closest("a")) menu.open = false; });
  menu.addEventListener("keydown", (e) => { if (e.key === "Escape") { menu.open = false; menu.querySelector("summary").focus(); } });
  return menu;
}

/** The phones' menu button (app.css shows it under 640 px, and hides `nav` until it is
 * pressed): a menu icon and the current page's name. Escape, a link or a tap elsewhere closes it. */
function navToggle(nav, active) {
  const current = nav.querySelector("[aria-current=page]")?.textContent || (active === "account" ? t("My account") : "pilito-box");
  const button = h("button", { type: "button", class: "nav-toggle", id: "nav-toggle", "aria-controls": "main-nav", "aria-expanded": "false",
    "aria-label": t("Menu: {page}", { page: current }) }, h("img", { src: "/img/menu.svg", alt: "" }), h("span", {}, current));
  const elsewhere = (e) => { if (!nav.contains(e.target) && !button.contains(e.target)) show(false); };
  const show = (open) => {
    nav.classList.toggle("open", open);
    button.setAttribute("aria-expanded", String(open));
    if (open) document.addEventListener("pointerdown", elsewhere);
    else document.removeEventListener("pointerdown", elsewhere);
  };
  button.addEventListener("click", () => show(!nav.classList.contains("open")));
  nav.addEventListener("click", (e) => { if (e.target.closest("a")) show(false); });
  nav.addEventListener("keydown", (e) => { if (e.key === "Escape") { show(false); button.focus(); } });
  return button;
}

/** Draws the frame in `root` with `active` highlighted; returns the element a page fills. */
export function renderShell(root, active, onSignOut) {
  const user = session.user();
  const admin = user?.role === "admin";
  const link = (hash, label, key) =>
    h("a", { href: hash, "aria-current": active === key ? "page" : undefined }, label);
  const out = h("button", { type: "button", id: "signout", onclick: onSignOut }, t("Sign out"));
  const other = otherLang();
  const language = h("button", { type: "button", id: "language", lang: other.code, onclick: () => choose(other.code) }, other.name);
  const main = h("main", { class: "content" });
  const strip = h("div", { class: "channel-trouble", id: "channel-trouble", role: "status", hidden: true });
  const nav = h("nav", { id: "main-nav", "aria-label": t("Sections") }, admin ? setupLink(active) : null,
    link("#/inbox", t("Inbox"), "inbox"), link("#/customers", t("Customers"), "customers"),
    admin ? link("#/channels", t("Channels"), "channels") : null,
    admin ? link("#/admin", t("Admin"), "admin") : null,
    admin ? link("#/replies", t("Saved replies"), "replies") : null,
    admin ? link("#/logs", t("Logs"), "logs") : null,
    admin ? link("#/connections", t("Connections"), "connections") : null);
  const bar = h("header", { class: "topbar" },
    h("strong", {}, "pilito-box"), navToggle(nav, active), nav,
    h("span", { class: "me" }, settingsButton(), language, userMenu(user, out)));
  fill(root, h("div", { class: "shell" }, bar, strip, main));
  channelHealth.attach(strip);
  return main;
}
