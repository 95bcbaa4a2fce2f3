// Every open WebSocket feed of the page: opening and closing them, one "Reconnecting…" banner
// for all of them, and what an authentication failure means (an expired token is refreshed once
// and the failed feeds reopen; anything else ends the session through `onSessionEnded`).
// A browser does not show a page why a socket was refused, so when feeds start reconnecting the
// page asks the REST API: an address an admin blocked is told so, and the feeds wait, asking
// again now and then, instead of reconnecting forever.

import { Feed, State } from "./connection.js";
import { session } from "./session.js";
import { refreshTokens } from "./auth.js";
import { banner, h } from "./dom.js";
import { t } from "./i18n.js";
import { endedWords } from "./reasons.js";

const feeds = new Set();
let sessionEnded = () => {};
const BLOCKED_RECHECK_MS = 5000;
let checking = false;
let blocked = null;

/** Sets what happens when a feed finds the session over (the entry module signs out). */
export function onSessionEnded(handler) {
  sessionEnded = handler;
}

/** Opens a feed whose auth failures and reconnecting state are handled here; `onDropped` is
 * told of each failed attempt (the chat asks whether its conversation still exists); `ready` is
 * the frame that says the socket is up when it is not `connection_established`. */
export function openFeed(path, onFrame, onDropped, ready) {
  const feed = new Feed(path, {
    token: () => session.token(),
    onFrame,
    onState: updateBanner,
    onAuthError: (code, reason) => authFailed(code, reason),
    onDropped,
    ready,
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

/** Closes every open feed (signing out). */
export function closeAllFeeds() {
  for (const feed of [...feeds]) closeFeed(feed);
}

function updateBanner() {
  if (blocked) return banner(blocked);
  const states = [...feeds].map((f) => f.state);
  const reconnecting = states.includes(State.RECONNECTING);
  banner(reconnecting ? t("Reconnecting…") : "");
  if (reconnecting) {
    document.getElementById("status").append(" ", h("button", { type: "button", id: "reconnect-now", class: "link",
      onclick: () => { for (const feed of feeds) feed.retryNow(); } }, t("Reconnect now")));
    checkBlocked();
  }
}

/** The server's words when it refuses this computer's address, else null. */
async function refusal() {
  try {
    const res = await fetch("/api/v1/health", { headers: { Accept: "application/json" } });
    if (res.status !== 403) return null;
    const body = await res.json();
    return body?.error_code === "IP_BLACKLISTED" ? body.error : null;
  } catch {
    return null;
  }
}

async function checkBlocked() {
  if (checking) return;
  checking = true;
  const words = await refusal();
  checking = false;
  if (words) {
    blocked = words;
    for (const feed of feeds) feed.pause();
    banner(blocked);
    setTimeout(checkBlocked, BLOCKED_RECHECK_MS);
  } else if (blocked) {
    blocked = null;
    for (const feed of feeds) feed.restart();
    updateBanner();
  }
}

async function authFailed(code, reason) {
  if (code === "EXPIRED_TOKEN" && await refreshTokens()) {
    for (const feed of feeds) if (feed.state === State.AUTH_FAILED) feed.restart();
    return;
  }
  sessionEnded(endedWords(code === "EXPIRED_TOKEN" ? "expired" : reason));
}
