// The entry module: wires sign-in, the feeds' end-of-session and the pages together, and picks
// the page from the URL hash (the inbox, the customer list, and for admins the setup checklist,
// administration and the server log, the channels, the saved replies; an invite's
// `#/invite/<code>` whoever is signed in), and sets the page's language and direction. An admin
// who signs in while the setup checklist is neither complete nor put away lands on it, once per
// sign-in; everyone else on the inbox.

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
import { SetupPage } from "./setup.js";
import { wizardWanted, resetWizard } from "./wizard.js";
import { channelHealth } from "./health.js";
import { applyLang } from "./i18n.js";
import { adopt } from "./language.js";
import { attention } from "./attention.js";

const PAGES = { inbox: Inbox, customers: CustomersPage, admin: AdminPage, logs: LogsPage, channels: ChannelsPage,
  account: AccountPage, connections: ConnectionsPage, replies: RepliesPage, setup: SetupPage };
const ADMIN_ONLY = new Set(["admin", "logs", "channels", "connections", "replies", "setup"]);

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
  resetWizard();
  session.clear();
  banner("");
  endedBecause = message;
  location.hash = "#/signin";
  showSignIn();
}

function showSignIn() {
  renderSignIn(root, endedBecause, async () => {
    endedBecause = "";
    location.hash = (await wizardWanted()) ? "#/setup" : "#/inbox";
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
