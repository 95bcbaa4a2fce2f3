// The agent page: sign-in, then the inbox, the customer list and (for admins) administration,
// switched by the URL hash. Every feed is opened through `openFeed`, so authentication failures
// and the "reconnecting…" banner are handled once for all of them.

import { session, signIn, signOut, refresh } from "./api.js";
import { Feed, State } from "./connection.js";
import { h, fill, banner } from "./dom.js";
import { Inbox } from "./inbox.js";
import { CustomersPage } from "./customers.js";
import { AdminPage } from "./admin.js";
import { LogsPage } from "./logs.js";

const root = document.getElementById("app");
const feeds = new Set();
let page = null;
let refreshing = null;

/** Opens a feed whose auth failures and reconnecting state the app handles. */
export function openFeed(path, onFrame) {
  const feed = new Feed(path, {
    token: () => session.token(),
    onFrame,
    onState: updateBanner,
    onAuthError: (code) => authFailed(code),
  });
  feeds.add(feed);
  feed.connect();
  return feed;
}

/** Closes a feed opened with `openFeed`. */
export function closeFeed(feed) {
  if (!feed) return;
  feeds.delete(feed);
  feed.close();
  updateBanner();
}

function updateBanner() {
  const states = [...feeds].map((f) => f.state);
  banner(states.includes(State.RECONNECTING) ? "Reconnecting…" : "");
}

/** An expired token is refreshed once and every feed reopens; anything else means sign-in. */
async function authFailed(code) {
  if (code === "EXPIRED_TOKEN") {
    refreshing ??= refresh().finally(() => { setTimeout(() => { refreshing = null; }, 5000); });
    if (await refreshing) {
      for (const feed of feeds) if (feed.state === State.AUTH_FAILED) feed.restart();
      return;
    }
  }
  leave("Your session has ended. Please sign in again.");
}

function leave(message) {
  for (const feed of [...feeds]) closeFeed(feed);
  page?.destroy?.();
  page = null;
  session.clear();
  banner("");
  location.hash = "#/signin";
  renderSignIn(message);
}

function renderSignIn(message) {
  const name = h("input", { name: "username", autocomplete: "username", required: true, "aria-label": "User name or e-mail" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true, "aria-label": "Password" });
  const error = h("p", { class: "error", role: "alert" }, message || "");
  const form = h("form", { class: "signin", id: "signin" },
    h("h1", {}, "pilito-box"),
    h("label", {}, "User name or e-mail", name),
    h("label", {}, "Password", password),
    error,
    h("button", { class: "primary", type: "submit" }, "Sign in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await signIn(name.value.trim(), password.value);
      location.hash = "#/inbox";
      route();
    } catch (e) {
      error.textContent = e.message;
    }
  });
  fill(root, form);
  name.focus();
}

function shell(active) {
  const user = session.user();
  const link = (hash, label, key) =>
    h("a", { href: hash, "aria-current": active === key ? "page" : undefined }, label);
  const out = h("button", { type: "button", id: "signout", onclick: async () => { await signOut(); leave(""); } }, "Sign out");
  const main = h("div", { class: "content" });
  const bar = h("header", { class: "topbar" },
    h("strong", {}, "pilito-box"),
    h("nav", {}, link("#/inbox", "Inbox", "inbox"), link("#/customers", "Customers", "customers"),
      user?.role === "admin" ? link("#/admin", "Admin", "admin") : null,
      user?.role === "admin" ? link("#/logs", "Logs", "logs") : null),
    h("span", { class: "me" }, h("span", { class: "hide-narrow", dir: "auto" }, user?.first_name || user?.username || ""), out));
  fill(root, h("div", { class: "shell" }, bar, main));
  return main;
}

function route() {
  if (!session.token()) {
    page?.destroy?.();
    page = null;
    renderSignIn("");
    return;
  }
  const [, section = "inbox", id] = location.hash.replace(/^#\/?/, "#/").split("/");
  const admin = session.user()?.role === "admin";
  const key = section === "customers" || (admin && (section === "admin" || section === "logs")) ? section : "inbox";
  if (page?.key === key) {
    page.show?.(id);
    return;
  }
  page?.destroy?.();
  const container = shell(key);
  if (key === "customers") page = new CustomersPage(container);
  else if (key === "admin") page = new AdminPage(container);
  else if (key === "logs") page = new LogsPage(container);
  else page = new Inbox(container, id);
  page.key = key;
}

window.addEventListener("hashchange", route);
route();
