// The sign-in form, or on the owner's first visit the form that chooses their password
// (owner.js).

import { signIn } from "./auth.js";
import { h, fill } from "./dom.js";
import { t, otherLang } from "./i18n.js";
import { choose } from "./language.js";
import { refusedWords } from "./reasons.js";
import { ownerStatus, ownerForm, elsewhereNote } from "./owner.js";

/** Shows the sign-in form in `root` with `message` (why we are here); calls `done` once signed in. */
export function renderSignIn(root, message, done) {
  const name = h("input", { name: "username", autocomplete: "username", required: true, "aria-label": t("User name or e-mail") });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true, "aria-label": t("Password") });
  const error = h("p", { class: "error", role: "alert", id: "signin-message" }, message || "");
  const form = h("form", { class: "signin", id: "signin" },
    h("h1", {}, "pilito-box"),
    h("label", {}, t("User name or e-mail"), name),
    h("label", {}, t("Password"), password),
    error,
    h("button", { class: "primary", type: "submit" }, t("Sign in")),
    h("button", { type: "button", class: "link", id: "language", lang: otherLang().code, onclick: () => choose(otherLang().code) }, otherLang().name));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await signIn(name.value.trim(), password.value);
      done();
    } catch (e) {
      error.textContent = refusedWords(e);
    }
  });
  const main = h("main", {}, form);
  fill(root, main);
  name.focus();
  if (!message) offerFirstVisit(main, form, done);
}

/** Replaces the sign-in form with the owner's (or adds the line saying where it is) while the
 * first visit is open; a session that ended for a reason keeps the plain form. */
async function offerFirstVisit(main, form, done) {
  const status = await ownerStatus();
  if (!status?.needed || !form.isConnected) return;
  if (!status.here) {
    form.querySelector("#signin-message").before(elsewhereNote());
    return;
  }
  const owner = ownerForm(status, done, (why) => {
    fill(main, form);
    form.querySelector("#signin-message").textContent = why;
  });
  fill(main, owner.form);
  owner.focus();
}
