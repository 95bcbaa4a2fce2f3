// The setup checklist (PROTOCOL §6a, §10.14) as the page knows it: for a signed-in admin one
// `/ws/wizard-status/` feed, opened by the first view that asks, and the newest checklist it or a
// REST answer brought. The menu's badge and the Setup page each watch it under their own name, so
// a shell drawn again replaces its watcher instead of adding one.

import { api } from "./api.js";
import { openFeed } from "./feeds.js";
import { State } from "./connection.js";
import { session } from "./session.js";

const watchers = new Map();
let feed = null;
let latest = null;

function take(status) {
  latest = status;
  for (const watcher of watchers.values()) watcher(status);
}

function open() {
  if (session.user()?.role !== "admin") return;
  if (feed && feed.state !== State.CLOSED) return;
  feed = openFeed("/ws/wizard-status/", (frame) => {
    if (frame.type === "wizard_status") take(frame);
  }, undefined, "wizard_status");
}

/** Calls `watcher(status)` with every checklist from now on (at once with the one known), in
 * place of the watcher named `name`; opens the feed if it is not open. */
export function watchWizard(name, watcher) {
  watchers.set(name, watcher);
  if (latest) watcher(latest);
  open();
}

/** Stops the watcher named `name`. */
export function unwatchWizard(name) {
  watchers.delete(name);
}

/** Sends a change to `setup/<path>` and shows the checklist it answers with at once (the feed's
 * frame follows). */
export async function changeWizard(method, path, body) {
  const status = await api(method, `setup/${path}`, body);
  take(status);
  return status;
}

/** Whether a sign-in should open the checklist: an admin's, while it is neither complete nor
 * put away. */
export async function wizardWanted() {
  if (session.user()?.role !== "admin") return false;
  try {
    const status = await api("GET", "setup/");
    take(status);
    return !status.wizard_complete && !status.details?.dismissed;
  } catch {
    return false;
  }
}

/** Forgets the checklist (signing out; the feed itself closes with every other). */
export function resetWizard() {
  feed = null;
  latest = null;
  watchers.clear();
}
