// The signed-in session: tokens and user, kept in localStorage so a reload stays signed in.

const KEY = "pilito-box.session";

export const session = {
  get() {
    try { return JSON.parse(localStorage.getItem(KEY)) || null; } catch { return null; }
  },
  set(value) { localStorage.setItem(KEY, JSON.stringify(value)); },
  clear() { localStorage.removeItem(KEY); },
  token() { return this.get()?.access || null; },
  user() { return this.get()?.user || null; },
};
