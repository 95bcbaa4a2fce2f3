// Signing in and out, and the token refresh: one refresh at a time, its answer shared by every
// feed that failed with an expired token at about the same moment.

import { api } from "./api.js";
import { session } from "./session.js";

const SHARE_REFRESH_MS = 5000;
let refreshing = null;

/** Signs in and stores the session; throws the server's message on failure. */
export async function signIn(name, password) {
  const data = await api("POST", "usr/login", { email_or_username: name, password });
  session.set({ access: data.access_token, refresh: data.refresh_token, user: data.user_data });
  return data.user_data;
}

/** Revokes the refresh token on the server (best effort) and forgets the session. */
export async function signOut() {
  const current = session.get();
  try { await api("POST", "usr/logout", current?.refresh ? { refresh: current.refresh } : undefined); }
  catch { /* signing out locally is what matters */ }
  session.clear();
}

/** Trades the refresh token for a new pair; false when there is none or it is spent. */
export function refreshTokens() {
  refreshing ??= trade().finally(() => { setTimeout(() => { refreshing = null; }, SHARE_REFRESH_MS); });
  return refreshing;
}

async function trade() {
  const current = session.get();
  if (!current?.refresh) return false;
  try {
    const res = await fetch("/api/v1/usr/refresh-access", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh: current.refresh }),
    });
    if (!res.ok) return false;
    const { data } = await res.json();
    session.set({ ...current, access: data.access_token, refresh: data.refresh_token });
    return true;
  } catch { return false; }
}
