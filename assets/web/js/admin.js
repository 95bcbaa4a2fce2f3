// Administration: users (invite, add, role, disable, reset password or send a reset link,
// remove), the pending invites (invites.js) and the IP blacklist. The
// actions that need words or a second thought ask in a dialog (dialog.js); a refused "Add user"
// keeps what was typed and says why next to the field.

import { api } from "./api.js";
import { session } from "./session.js";
import { h, fill } from "./dom.js";
import { when } from "./dates.js";
import { t } from "./i18n.js";
import { ask } from "./dialog.js";
import { openInviteDialog, PendingInvites } from "./invites.js";

/** Which field of the "Add user" form a refusal is about. */
const FIELD_OF = { INVALID_USERNAME: "username", CONFLICT: "username", WEAK_PASSWORD: "password", INVALID_ROLE: "role" };

export class AdminPage {
  constructor(container) {
    this.users = h("tbody", { id: "user-rows" });
    this.blocked = h("tbody", { id: "blacklist-rows" });
    this.message = h("p", { role: "status", class: "muted", id: "admin-message" });
    this.pending = new PendingInvites((text) => this.say(text, true));
    const invite = h("button", { type: "button", class: "primary", id: "invite-agent", onclick: () => this.invite() }, t("Invite an agent"));
    fill(container, h("div", { class: "page" },
      h("h1", {}, t("Administration")), this.message,
      h("section", {}, h("h2", {}, t("Users")),
        h("div", { class: "row" }, invite, h("span", { class: "muted" }, t("They choose their own name and password."))),
        this.userForm(),
        h("table", { class: "cards-on-phone" }, h("thead", {}, h("tr", {}, h("th", {}, t("User")), h("th", {}, t("Role")),
          h("th", {}, t("Status")), h("th", {}, t("Actions")))), this.users)),
      h("section", {}, h("h2", {}, t("Invites waiting")), this.pending.el),
      h("section", {}, h("h2", {}, t("Blocked addresses")), this.blockForm(),
        h("table", { class: "cards-on-phone" }, h("thead", {}, h("tr", {}, h("th", {}, t("Address")), h("th", {}, t("Reason")),
          h("th", {}, t("Since")), h("th", {}, ""))), this.blocked))));
    this.load();
  }

  say(text, error = false) {
    this.message.textContent = text;
    this.message.className = error ? "error" : "muted";
  }

  async run(action, done) {
    try {
      await action();
      if (done) this.say(done);
      await this.load();
    } catch (e) {
      this.say(e.message, true);
    }
  }

  async load() {
    const [users, blocked] = await Promise.all([api("GET", "usr/users"), api("GET", "usr/blacklist")]);
    const me = session.user()?.id;
    fill(this.users, users.map((u) => {
      const role = h("select", { "aria-label": t("Role of {name}", { name: u.username }) },
        ["agent", "admin"].map((r) => h("option", { value: r, selected: u.role === r }, t(r))));
      role.addEventListener("change", () => this.run(() => api("PATCH", `usr/users/${u.id}`, { role: role.value }), t("Role changed.")));
      return h("tr", { dataset: { user: u.username } },
        h("td", { dir: "auto" }, [u.first_name, u.last_name].filter(Boolean).join(" ") || u.username,
          h("div", { class: "muted" }, u.username, u.email ? ` · ${u.email}` : "")),
        h("td", { "data-label": t("Role") }, role),
        h("td", { "data-label": t("Status") }, t(u.is_active ? (u.is_online ? "online" : "offline") : "disabled")),
        h("td", { class: "actions" },
          h("button", { type: "button", disabled: u.id === me, onclick: () => this.setActive(u) },
            t(u.is_active ? "Disable" : "Enable")),
          h("button", { type: "button", class: "reset-password", onclick: () => this.resetPassword(u) }, t("Reset password")),
          h("button", { type: "button", class: "reset-link", onclick: () => this.invite(u) }, t("Reset link")),
          h("button", { type: "button", disabled: u.id === me, onclick: () => this.remove(u) }, t("Remove"))));
    }));
    fill(this.blocked, blocked.map((b) => h("tr", {},
      h("td", { class: "address" }, b.ip), h("td", { "data-label": t("Reason") }, b.reason ? h("bdi", {}, b.reason) : "—"),
      h("td", { "data-label": t("Since") }, when(b.created_at)),
      h("td", { class: "actions" }, h("button", { type: "button", onclick: () => this.run(() => api("DELETE", `usr/blacklist/${encodeURIComponent(b.ip)}`), t("Address unblocked.")) }, t("Unblock"))))));
    this.knownUsers = users;
    await this.pending.load(users);
  }

  /** Shows a new invite (to join, or `user`'s reset link), then the list with it. */
  async invite(user) {
    try {
      await openInviteDialog(user ? { user } : {});
    } catch (e) {
      this.say(e.message, true);
    }
    await this.pending.load(this.knownUsers || []);
  }

  async resetPassword(user) {
    const done = await ask({
      title: t("Reset the password of {name}", { name: user.username }),
      text: t("They are signed out everywhere and sign in with the new password."),
      fields: [{ name: "password", label: t("New password (at least 8 characters)"), type: "password", minlength: 8, autocomplete: "new-password" }],
      confirm: t("Reset password"),
      submit: ({ password }) => api("PATCH", `usr/users/${user.id}`, { password }),
    });
    if (done) { this.say(t("Password changed; their sessions are closed.")); await this.load(); }
  }

  async setActive(user) {
    const disabling = user.is_active;
    const done = await ask({
      title: t(disabling ? "Disable {name}?" : "Enable {name}?", { name: user.username }),
      text: disabling ? t("Their open windows are signed out and they cannot sign in until enabled again.") : undefined,
      confirm: t(disabling ? "Disable" : "Enable"), danger: disabling,
      submit: () => api("PATCH", `usr/users/${user.id}`, { is_active: !disabling }),
    });
    if (done) { this.say(t(disabling ? "User disabled; their sessions are closed." : "User enabled.")); await this.load(); }
  }

  async remove(user) {
    const done = await ask({
      title: t("Remove {name}?", { name: user.username }),
      text: t("Their replies stay; the account cannot be brought back."),
      confirm: t("Remove"), danger: true,
      submit: () => api("DELETE", `usr/users/${user.id}`),
    });
    if (done) { this.say(t("User removed.")); await this.load(); }
  }

  userForm() {
    const username = h("input", { name: "username", required: true, "aria-label": t("User name"), placeholder: t("User name") });
    const password = h("input", { name: "password", type: "password", required: true, minlength: 8, "aria-label": t("Password"), placeholder: t("Password") });
    const email = h("input", { name: "email", type: "email", "aria-label": t("E-mail"), placeholder: t("E-mail (optional)") });
    const role = h("select", { name: "role", "aria-label": t("Role") }, h("option", { value: "agent" }, t("agent")), h("option", { value: "admin" }, t("admin")));
    const fields = { username, password, email, role };
    const why = Object.fromEntries(Object.keys(fields).map((k) => [k, h("span", { class: "error field-why", id: `add-user-${k}-why`, role: "alert" })]));
    for (const [k, el] of Object.entries(fields)) el.setAttribute("aria-describedby", why[k].id);
    const cell = (k) => h("span", { class: "field" }, fields[k], why[k]);
    const form = h("form", { class: "row", id: "add-user" }, cell("username"), cell("password"), cell("email"), cell("role"),
      h("button", { class: "primary", type: "submit" }, t("Add user")));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      for (const w of Object.values(why)) w.textContent = "";
      const body = { username: username.value.trim(), password: password.value, role: role.value };
      if (email.value.trim()) body.email = email.value.trim();
      try {
        await api("POST", "usr/users", body);
      } catch (err) {
        const field = FIELD_OF[err.code];
        if (field) { why[field].textContent = err.message; fields[field].focus(); } else this.say(err.message, true);
        return;
      }
      form.reset();
      this.say(t("Added {name}.", { name: body.username }));
      await this.load();
    });
    return form;
  }

  blockForm() {
    const ip = h("input", { name: "ip", required: true, "aria-label": t("IP address"), placeholder: t("IP address") });
    const reason = h("input", { name: "reason", "aria-label": t("Reason"), placeholder: t("Reason (optional)") });
    const form = h("form", { class: "row", id: "add-block" }, ip, reason, h("button", { type: "submit" }, t("Block")));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.run(() => api("POST", "usr/blacklist", { ip: ip.value.trim(), reason: reason.value.trim() || undefined }), t("Address blocked."))
        .then(() => form.reset());
    });
    return form;
  }

  destroy() {}
}
