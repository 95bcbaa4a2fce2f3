// An invite opened on the invited person's own device (`#/invite/<code>`, PROTOCOL §10.13): to
// join the team they choose their name, user name and password; a reset invite asks only for a
// new password. The admin never learns either. An invite that cannot be used says why.

import { api } from "./api.js";
import { session } from "./session.js";
import { h, fill } from "./dom.js";
import { t, otherLang } from "./i18n.js";
import { choose } from "./language.js";

/** Why an invite cannot be used, in words, by the refusal's code. */
const REFUSED = {
  INVITE_UNKNOWN: "This invite link is not known. Check that you opened the whole link, or ask an admin for a new one.",
  INVITE_EXPIRED: "This invite has expired. Ask an admin for a new one.",
  INVITE_USED: "This invite was used already. Sign in, or ask an admin for a new one.",
  INVITE_REVOKED: "An admin revoked this invite. Ask them for a new one.",
  INVALID_INVITE: "This is not a whole invite link. Copy the whole link and open it again.",
  RATE_LIMITED: "Too many attempts. Wait a minute and try again.",
};

/** Which field a refusal of the redeem is about. */
const FIELD_OF = { WEAK_PASSWORD: "password", INVALID_USERNAME: "username", CONFLICT: "username", INVALID_FIELD: "name" };

const languageSwitch = () => h("button", { type: "button", class: "link", id: "language", lang: otherLang().code,
  onclick: () => choose(otherLang().code) }, otherLang().name);

function refusedCard(error) {
  const words = Object.hasOwn(REFUSED, error?.code) ? t(REFUSED[error.code]) : error?.message || t("Something went wrong.");
  return h("div", { class: "signin join", id: "join-refused" },
    h("h1", {}, t("This invite cannot be used")),
    h("p", { role: "alert", id: "join-why", dataset: { code: error?.code || "" } }, words),
    h("a", { href: "#/signin", id: "join-signin" }, t("Go to the sign-in page")), languageSwitch());
}

function field(name, label, attrs) {
  const input = h("input", { name, id: `join-${name}`, required: true, "aria-describedby": `join-${name}-why`, ...attrs });
  const why = h("p", { class: "error field-why", id: `join-${name}-why`, role: "alert" });
  return { input, why, el: h("label", { for: input.id }, label, input, why) };
}

/** Draws the invite `code` in `root`; calls `done` once its holder is signed in. */
export async function renderJoin(root, code, done) {
  const main = h("main", {}, h("div", { class: "signin join" }, h("p", { class: "muted" }, t("Checking the invite…"))));
  fill(root, main);
  let invite;
  try {
    invite = await api("POST", "invites/check", { code });
  } catch (e) {
    fill(main, refusedCard(e));
    return;
  }
  const reset = invite.kind === "reset";
  const fields = {};
  if (!reset) {
    fields.name = field("name", t("Your name"), { autocomplete: "name" });
    fields.username = field("username", t("User name (to sign in with)"), { autocomplete: "username", maxlength: 150 });
  }
  fields.password = field("password", t("Password"), { type: "password", autocomplete: "new-password", minlength: 8 });
  fields.again = field("again", t("Password again"), { type: "password", autocomplete: "new-password" });
  fields.password.input.setAttribute("aria-describedby", "join-password-why join-hint");
  const title = reset ? t("Choose a new password")
    : invite.business_name ? t("Join {business}", { business: invite.business_name }) : t("Join the team");
  const intro = reset ? t("For {name}. Your other sign-ins end when you save it.", { name: invite.username || "" })
    : t("Choose the name your team sees, and the user name and password you will sign in with.");
  const general = h("p", { class: "error", role: "alert" });
  const button = h("button", { class: "primary", type: "submit" }, reset ? t("Save and sign in") : t("Join and sign in"));
  const form = h("form", { class: "signin join", id: "join", dataset: { kind: invite.kind } },
    h("h1", {}, title), h("p", { class: "muted" }, intro),
    fields.name?.el, fields.username?.el, fields.password.el,
    h("p", { class: "muted hint", id: "join-hint" }, t("At least 8 characters, not your user name, and not a common password: a few unrelated words make a strong one.")),
    fields.again.el, general, button, languageSwitch());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const f of Object.values(fields)) f.why.textContent = "";
    general.textContent = "";
    if (fields.password.input.value !== fields.again.input.value) {
      fields.again.why.textContent = t("The two passwords are not the same.");
      fields.again.input.focus();
      return;
    }
    const body = { code, password: fields.password.input.value };
    if (!reset) Object.assign(body, { name: fields.name.input.value.trim(), username: fields.username.input.value.trim() });
    button.disabled = true;
    try {
      const data = await api("POST", "invites/redeem", body);
      session.set({ access: data.access_token, refresh: data.refresh_token, user: data.user_data });
      done();
    } catch (e) {
      if (Object.hasOwn(REFUSED, e.code) && e.code !== "RATE_LIMITED") { fill(main, refusedCard(e)); return; }
      const at = fields[FIELD_OF[e.code]];
      const words = e.code === "CONFLICT" ? t("That user name is taken; choose another.") : Object.hasOwn(REFUSED, e.code) ? t(REFUSED[e.code]) : e.message;
      if (at) { at.why.textContent = words; at.input.focus(); } else general.textContent = words;
    } finally {
      button.disabled = false;
    }
  });
  fill(main, form);
  (fields.name || fields.password).input.focus();
}
