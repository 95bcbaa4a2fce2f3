// The signed-in agent's own preferences (sound, desktop notifications, only mine, language,
// calendar), kept on the
// server (`usr/me/preferences`) so they follow the agent to another computer: read once per
// session, changed key by key, the server's answer kept as the truth.

import { api } from "./api.js";

const DEFAULTS = { sound: "chime", notify: false, only_mine: false, lang: null, calendar: null };

class Prefs {
  constructor() {
    this.values = { ...DEFAULTS };
    this.loaded = null;
    this.listeners = new Set();
  }

  /** Reads them from the server (once; again after `reset`). */
  load() {
    this.loaded ??= api("GET", "usr/me/preferences").then((p) => this.took(p), () => this.values);
    return this.loaded;
  }

  /** Saves `change` (some keys); resolves with the stored preferences, rejects with the refusal. */
  async set(change) {
    return this.took(await api("PUT", "usr/me/preferences", change));
  }

  /** Calls `listener(values)` whenever they change. */
  onChange(listener) {
    this.listeners.add(listener);
  }

  took(stored) {
    this.values = { ...DEFAULTS, ...stored };
    for (const listener of this.listeners) listener(this.values);
    return this.values;
  }

  /** Forgets them (signing out): the next agent's are read afresh. */
  reset() {
    this.values = { ...DEFAULTS };
    this.loaded = null;
  }
}

/** The one set of preferences of the signed-in agent, shared by the parts that use them. */
export const prefs = new Prefs();
