// The language and calendar follow the agent, not the browser: chosen on any device, saved with
// the user on the server (`usr/me/preferences`, keys `lang` and `calendar`), and adopted by every
// other device when it signs in or loads. A choice made on the sign-in page, before the server
// knows who is choosing, is saved once the agent is signed in.

import { session } from "./session.js";
import { prefs } from "./prefs.js";
import { lang, langChosen, calendarChosen, remember } from "./i18n.js";

/** Draws the page in `code` (and `calendar`, `null` for the language's own), saving the
 * choice with the agent when someone is signed in. Rejects with the server's refusal. */
export async function choose(code, calendar = calendarChosen()) {
  if (session.token()) await prefs.set({ lang: code, calendar });
  if (remember(code, calendar)) location.reload();
}

/** Reads the agent's saved choice and draws the page in it if this device shows another;
 * saves this device's own choice when the agent never made one. */
export async function adopt() {
  const saved = await prefs.load();
  if (saved.lang) {
    if (remember(saved.lang, saved.calendar)) location.reload();
  } else if (langChosen()) {
    await prefs.set({ lang: lang(), calendar: calendarChosen() }).catch(() => {});
  }
}
