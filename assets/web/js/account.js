// My account, for every user (`#/account`): "Change my password" (the current password, the new
// one twice; the server ends the user's other sign-ins and keeps this one, PROTOCOL §10.2), and
// the page's language and calendar.

import { api } from "./api.js";
import { session } from "./session.js";
import { h, fill } from "./dom.js";
import { t } from "./i18n.js";
import { languageCard } from "./language-settings.js";

const FIELD_OF = { WRONG_PASSWORD: "current", WEAK_PASSWORD: "fresh" };

export class AccountPage {
  constructor(container) {
    const user = session.user();
    const field = (name, label, autocomplete) => {
      const input = h("input", { type: "password", name, id: `account-${name}`, required: true, autocomplete,
        "aria-describedby": `account-${name}-why` });
      const why = h("p", { class: "error field-why", id: `account-${name}-why`, role: "alert" });
      return { input, why, el: h("label", { for: input.id }, label, input, why) };
    };
    this.fields = {
      current: field("current", t("Current password"), "current-password"),
      fresh: field("fresh", t("New password (at least 8 characters)"), "new-password"),
      again: field("again", t("New password again"), "new-password"),
    };
    this.fields.fresh.input.minLength = 8;
    this.done = h("p", { role: "status", id: "account-done", class: "ok" });
    const form = h("form", { class: "card account-form", id: "change-password" },
      h("h2", {}, t("Change my password")),
      h("p", { class: "muted" }, t("Your other windows and devices are signed out; this one stays signed in.")),
      Object.values(this.fields).map((f) => f.el), this.done,
      h("button", { type: "submit", class: "primary" }, t("Change password")));
    form.addEventListener("submit", (e) => { e.preventDefault(); this.submit(form); });
    fill(container, h("div", { class: "page account" },
      h("h1", {}, t("My account")),
      h("p", { class: "muted" }, h("bdi", {}, user?.username || ""), user?.email ? [" · ", h("bdi", {}, user.email)] : ""),
      form, languageCard()));
    this.fields.current.input.focus();
  }

  async submit(form) {
    const { current, fresh, again } = this.fields;
    for (const f of Object.values(this.fields)) f.why.textContent = "";
    this.done.textContent = "";
    if (fresh.input.value !== again.input.value) {
      again.why.textContent = t("The two new passwords are not the same.");
      again.input.focus();
      return;
    }
    try {
      await api("POST", "usr/me/password", { current_password: current.input.value, new_password: fresh.input.value });
    } catch (e) {
      const at = this.fields[FIELD_OF[e.code]] || current;
      at.why.textContent = e.code === "WRONG_PASSWORD" ? t("The current password is not right.") : e.message;
      at.input.focus();
      return;
    }
    form.reset();
    this.done.textContent = t("Your password was changed. Other windows and devices were signed out.");
  }

  destroy() {}
}
