// Why a session ended, a sign-in was refused or a request failed, in words: the `reason` of an
// `authentication_error` frame (PROTOCOL §3.2) and the `error_code` of a refusal. The server's
// own text is precise and English: the English page shows it as it comes, the Persian page its
// translation of the code when it knows it, and the server's text when it does not.

import { t, lang } from "./i18n.js";

const ENDED = {
  expired: "Your session expired. Please sign in again.",
  signed_out: "You were signed out. Please sign in again.",
  password_changed: "Your password was changed by an admin. Sign in with the new one.",
  own_password_changed: "Your password was changed in another window. Sign in with the new one.",
  disabled: "Your account was disabled by an admin. Ask them to turn it back on.",
  removed: "Your account was removed by an admin.",
};

/** The sign-in page's words for a session that ended for `reason`. */
export function endedWords(reason) {
  return t(Object.hasOwn(ENDED, reason) ? ENDED[reason] : "Your session has ended. Please sign in again.");
}

const REFUSED = {
  ACCOUNT_DISABLED: "This account is disabled. Ask an admin to turn it back on.",
  INVALID_CREDENTIALS: "Invalid email/username or password.",
  RATE_LIMITED: "Too many sign-in attempts. Wait a minute and try again.",
};

/** The words for a refused sign-in (the server's own text when the code is not one we know). */
export function refusedWords(error) {
  return Object.hasOwn(REFUSED, error?.code) ? t(REFUSED[error.code]) : error?.message || t("Something went wrong.");
}

/** What the codes a person can meet from this page mean (PROTOCOL §13). */
const REFUSALS = {
  RATE_LIMITED: "Too many requests. Wait a moment and try again.",
  SERVER_BUSY: "The server is busy. Try again in a moment.",
  NOT_FOUND: "Not found.",
  CONVERSATION_NOT_FOUND: "This conversation does not exist any more.",
  CUSTOMER_NOT_FOUND: "This customer does not exist any more.",
  MESSAGE_NOT_FOUND: "This message does not exist any more.",
  SAVED_REPLY_NOT_FOUND: "This saved reply does not exist any more.",
  PERMISSION_DENIED: "You are not allowed to do that.",
  STORAGE_FULL: "The server's disk is full; nothing was saved.",
  INTERNAL_ERROR: "Something went wrong on the server.",
  CONFLICT: "That name is already taken.",
  EMPTY_CONTENT: "Write something first.",
  CONTENT_TOO_LONG: "The message is too long for this channel.",
  INVALID_USERNAME: "Usernames are letters, digits, dots, dashes and underscores.",
  WEAK_PASSWORD: "Choose a stronger password: at least 8 characters, not the user name, not a common password.",
  WRONG_PASSWORD: "The current password is not right.",
  CANNOT_BLOCK_OWN_ADDRESS: "You cannot block the address you are using.",
  CANNOT_REMOVE_SELF: "You cannot remove or disable your own account.",
  INVALID_IP: "That is not an IP address.",
  INVALID_URL: "That address is not a valid http or https URL.",
  INVALID_SHORTCUT: "Shortcuts are one word of letters, digits, dashes or underscores.",
  PAYLOAD_TOO_LARGE: "That is too large.",
  UNSUPPORTED_MEDIA_TYPE: "This kind of file cannot be sent.",
  TOO_MANY_CONNECTIONS: "Too many windows are open from this computer.",
};

/** The page's words for a refusal with `code` whose server text is `wire`. */
export function refusal(code, wire) {
  if (lang() !== "en" && Object.hasOwn(REFUSALS, code || "")) return t(REFUSALS[code]);
  return wire || t("Something went wrong.");
}
