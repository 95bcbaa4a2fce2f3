// Every open WebSocket feed of the page: opening and closing them, one "Reconnecting…" banner
// for all of them, and what an authentication failure means (an expired token is refreshed once
// and the failed feeds reopen; anything else ends the session through `onSessionEnded`).

import { Feed, State } from "./connection.js";
import { session } from "./session.js";
import { refreshTokens } from "./auth.js";
import { banner } from "./dom.js";

const feeds = new Set();
let sessionEnded = () => {};

/** Sets what happens when a feed finds the session over (the entry module signs out). */
export function onSessionEnded(handler) {
  sessionEnded = handler;
}

/** Opens a feed whose auth failures and reconnecting state are handled here. */
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

/** Closes every open feed (signing out). */
export function closeAllFeeds() {
  for (const feed of [...feeds]) closeFeed(feed);
}

function updateBanner() {
  const states = [...feeds].map((f) => f.state);
  banner(states.includes(State.RECONNECTING) ? "Reconnecting…" : "");
}

async function authFailed(code) {
  if (code === "EXPIRED_TOKEN" && await refreshTokens()) {
    for (const feed of feeds) if (feed.state === State.AUTH_FAILED) feed.restart();
    return;
  }
  sessionEnded("Your session has ended. Please sign in again.");
}
