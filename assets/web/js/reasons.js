// Why a session ended or a sign-in was refused, in words: the `reason` of an
// `authentication_error` frame (PROTOCOL §3.2) and the `error_code` of a refused sign-in.

import { t } from "./i18n.js";

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
