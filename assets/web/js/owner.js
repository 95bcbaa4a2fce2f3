// The owner's first visit (PROTOCOL §10.12): while no admin has signed in, the sign-in view opened
// on the pilito-box computer itself asks the owner to choose their name and password instead of
// typing the printed one; opened anywhere else it stays the sign-in form, with a line saying where
// the owner's password is chosen.

import { api } from "./api.js";
import { session } from "./session.js";
import { h } from "./dom.js";
import { t, otherLang } from "./i18n.js";
import { choose } from "./language.js";

/** Whether the first visit is open, and here: `{needed, here, username}`, null when unknown. */
export async function ownerStatus() {
  try { return await api("GET", "setup/owner"); } catch { return null; }
}

/** The words under the sign-in form when the first visit is open on another computer. */
export function elsewhereNote() {
  return h("p", { class: "muted", id: "owner-elsewhere" },
    t("Open this page on the pilito-box computer itself to set the owner's password, or sign in with the password it printed"));
}

/** The "Choose your password" form for `status.username`; calls `done` once signed in, and
 * `fallback(message)` when the first visit turned out to be over. */
export function ownerForm(status, done, fallback) {
  const field = (name, label, attrs) => {
    const input = h("input", { name, id: `owner-${name}`, required: true, "aria-describedby": `owner-${name}-why`, ...attrs });
    const why = h("p", { class: "error field-why", id: `owner-${name}-why`, role: "alert" });
    return { input, why, el: h("label", { for: input.id }, label, input, why) };
  };
  const name = field("name", t("Your name"), { autocomplete: "name" });
  const password = field("password", t("Password"), { type: "password", autocomplete: "new-password", minlength: 8 });
  const again = field("again", t("Password again"), { type: "password", autocomplete: "new-password" });
  const general = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "signin owner-setup", id: "owner-setup" },
    h("h1", {}, t("Choose your password")),
    h("p", { class: "muted" }, t("Welcome to pilito-box. You are its owner: choose the password you will sign in with as {name}.",
      { name: status.username || "admin" })),
    name.el, password.el,
    h("p", { class: "muted hint", id: "owner-hint" }, t("At least 8 characters, not your user name, and not a common password: a few unrelated words make a strong one.")),
    again.el, general,
    h("button", { class: "primary", type: "submit" }, t("Save and sign in")),
    h("button", { type: "button", class: "link", id: "language", lang: otherLang().code, onclick: () => choose(otherLang().code) }, otherLang().name));
  password.input.setAttribute("aria-describedby", "owner-password-why owner-hint");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const f of [name, password, again]) f.why.textContent = "";
    general.textContent = "";
    if (password.input.value !== again.input.value) {
      again.why.textContent = t("The two passwords are not the same.");
      again.input.focus();
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const data = await api("POST", "setup/owner", { password: password.input.value, name: name.input.value.trim() || undefined });
      session.set({ access: data.access_token, refresh: data.refresh_token, user: data.user_data });
      done();
    } catch (e) {
      if (e.code === "SETUP_DONE") { fallback(t("The owner's password is set already; sign in.")); return; }
      if (e.code === "WEAK_PASSWORD") { password.why.textContent = e.message; password.input.focus(); }
      else if (e.code === "INVALID_FIELD") { name.why.textContent = e.message; name.input.focus(); }
      else if (e.code === "SETUP_LOOPBACK_ONLY") general.textContent = t("Open this page on the pilito-box computer itself to set the owner's password, or sign in with the password it printed");
      else general.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  });
  return { form, focus: () => name.input.focus() };
}
