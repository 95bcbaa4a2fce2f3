// Sending a file as a reply in one request (`POST message/conversation/<id>/attachment/`): the
// raw file as the body, its type and name in headers, the caption and client_msg_id in the
// query. XMLHttpRequest rather than fetch, for the upload's progress.

import { session } from "./session.js";
import { refreshTokens } from "./auth.js";
import { t, size } from "./i18n.js";

/** Documented default of `channels.max_media_mb`, said when the server does not say its own. */
const DEFAULT_LIMIT = 20 * 1048576;

/** An upload that did not end in a stored message, with words for the agent. */
export class UploadError extends Error {
  constructor(status, text) {
    super(text);
    this.status = status;
  }
}

function post(url, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    const token = session.token();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name || "file"));
    xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    xhr.addEventListener("load", () => {
      let body = null;
      try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { body = null; }
      resolve({ status: xhr.status, body });
    });
    xhr.addEventListener("error", () => reject(new UploadError(0, t("pilito-box is not answering. Is it running?"))));
    xhr.addEventListener("abort", () => reject(new UploadError(0, t("The upload was stopped."))));
    xhr.send(file);
  });
}

/** The limit the server states in its 413 (a byte count, or "… 20 MB" in its words). */
function statedLimit(body) {
  const bytes = Number(body?.limit_bytes ?? body?.max_bytes);
  if (bytes > 0) return bytes;
  const words = /(\d+(?:\.\d+)?)\s*MB/i.exec(body?.error || "");
  return words ? Number(words[1]) * 1048576 : null;
}

function refusal(status, body, file) {
  if (status === 413) {
    const limit = statedLimit(body);
    return limit
      ? t("This file is too large to send ({size}); pilito-box takes files up to {limit}.", { size: size(file.size), limit: size(limit) })
      : t("This file is too large to send ({size}); pilito-box takes files up to {limit} unless an admin changed channels.max_media_mb.", { size: size(file.size), limit: size(DEFAULT_LIMIT) });
  }
  if (status === 404 && body?.error_code === "CONVERSATION_NOT_FOUND") return t("This conversation does not exist any more.");
  if (status === 404) return t("This pilito-box cannot take files yet. Update it to send attachments.");
  if (status === 401) return t("Your session has ended. Please sign in again.");
  return body?.error || t("The file could not be sent (HTTP {status}).", { status });
}

/**
 * Uploads `file` as a reply with `caption`; resolves to the stored MessageView, rejects with an
 * UploadError. An expired token is refreshed once.
 */
export async function sendFile(conversationId, file, caption, clientId, onProgress) {
  const query = [caption ? `caption=${encodeURIComponent(caption)}` : "", `client_msg_id=${encodeURIComponent(clientId)}`];
  const url = `/api/v1/message/conversation/${encodeURIComponent(conversationId)}/attachment/?${query.filter(Boolean).join("&")}`;
  let answer = await post(url, file, onProgress);
  if (answer.status === 401 && await refreshTokens()) answer = await post(url, file, onProgress);
  if (answer.status === 200 || answer.status === 201) {
    const data = answer.body?.data;
    const message = data?.message || (data?.id ? data : null);
    if (message) return message;
  }
  throw new UploadError(answer.status, refusal(answer.status, answer.body, file));
}
