// The signed-in session (kept in localStorage so reloads stay signed in) and REST calls.

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

/** An API failure with the server's error_code. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || body?.non_field_errors?.[0] || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error_code;
  }
}

/** Calls the REST API with the session's token; JSON in, JSON out. */
export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`/api/v1/${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export async function signIn(name, password) {
  const data = await api("POST", "usr/login", { email_or_username: name, password });
  session.set({ access: data.access_token, refresh: data.refresh_token, user: data.user_data });
  return data.user_data;
}

/** Trades the refresh token for a new pair; false when there is none or it is spent. */
export async function refresh() {
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

export async function signOut() {
  const current = session.get();
  try { await api("POST", "usr/logout", current?.refresh ? { refresh: current.refresh } : undefined); }
  catch { /* signing out locally is what matters */ }
  session.clear();
}
