// REST calls to /api/v1/ with the session's access token: JSON in, JSON out.

import { session } from "./session.js";
import { refusal } from "./reasons.js";

/** An API failure: `message` in the page's words, `wire` the server's own text, `code` its
 * `error_code`. */
export class ApiError extends Error {
  constructor(status, body) {
    const wire = body?.error || body?.non_field_errors?.[0] || `HTTP ${status}`;
    super(refusal(body?.error_code, wire));
    this.wire = wire;
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
