// The entry module: wires sign-in, the feeds' end-of-session and the pages together, and picks
// the page from the URL hash (the inbox, the customer list, and for admins administration and
// the server log, the channels, the saved replies; an invite's `#/invite/<code>` whoever is signed
// in), and sets the page's language and direction.

import { session } from "./session.js";
import { signOut } from "./auth.js";
import { closeAllFeeds, onSessionEnded } from "./feeds.js";
import { banner } from "./dom.js";
import { renderSignIn } from "./signin.js";
import { renderJoin } from "./join.js";
import { renderShell } from "./shell.js";
import { Inbox } from "./inbox.js";
import { CustomersPage } from "./customers.js";
import { AdminPage } from "./admin.js";
import { LogsPage } from "./logs.js";
import { ChannelsPage } from "./channels.js";
import { AccountPage } from "./account.js";
import { ConnectionsPage } from "./connections.js";
import { RepliesPage } from "./replies.js";
import { channelHealth } from "./health.js";
import { applyLang } from "./i18n.js";
import { adopt } from "./language.js";
import { attention } from "./attention.js";

const PAGES = { inbox: Inbox, customers: CustomersPage, admin: AdminPage, logs: LogsPage, channels: ChannelsPage,
  account: AccountPage, connections: ConnectionsPage, replies: RepliesPage };
const ADMIN_ONLY = new Set(["admin", "logs", "channels", "connections", "replies"]);

applyLang();

const root = document.getElementById("app");
let page = null;
// Why the session ended, kept until the sign-in form has shown it: setting the hash below
// routes again, and that draw must not lose it.
let endedBecause = "";

function closePage() {
  page?.destroy?.();
  page = null;
}

function signInAgain(message) {
  closeAllFeeds();
  channelHealth.reset();
  closePage();
  attention.reset();
  session.clear();
  banner("");
  endedBecause = message;
  location.hash = "#/signin";
  showSignIn();
}

function showSignIn() {
  renderSignIn(root, endedBecause, () => {
    endedBecause = "";
    location.hash = "#/inbox";
    route();
  });
}

function route() {
  const invite = /^#\/invite\/([^/?#]+)/.exec(location.hash);
  if (invite) {
    closeAllFeeds();
    channelHealth.reset();
    closePage();
    renderJoin(root, decodeURIComponent(invite[1]), () => { location.hash = "#/inbox"; });
    return;
  }
  if (!session.token()) {
    closePage();
    channelHealth.reset();
    showSignIn();
    return;
  }
  const [, section = "inbox", id] = location.hash.replace(/^#\/?/, "#/").split("/");
  const admin = session.user()?.role === "admin";
  const key = Object.hasOwn(PAGES, section) && (admin || !ADMIN_ONLY.has(section)) ? section : "inbox";
  if (page?.key === key) {
    page.show?.(id);
    return;
  }
  closePage();
  const container = renderShell(root, key, async () => { await signOut(); signInAgain(""); });
  adopt();
  page = new PAGES[key](container, id);
  page.key = key;
}

onSessionEnded(signInAgain);
window.addEventListener("hashchange", route);
route();
