// Administration: users (add, role, disable, reset password, remove) and the IP blacklist.

import { api } from "./api.js";
import { session } from "./session.js";
import { h, fill, when } from "./dom.js";

export class AdminPage {
  constructor(container) {
    this.users = h("tbody", { id: "user-rows" });
    this.blocked = h("tbody", { id: "blacklist-rows" });
    this.message = h("p", { role: "status", class: "muted", id: "admin-message" });
    fill(container, h("div", { class: "page" },
      h("h1", {}, "Administration"), this.message,
      h("section", {}, h("h2", {}, "Users"), this.userForm(),
        h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "User"), h("th", {}, "Role"),
          h("th", {}, "Status"), h("th", {}, "Actions"))), this.users)),
      h("section", {}, h("h2", {}, "Blocked addresses"), this.blockForm(),
        h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Address"), h("th", {}, "Reason"),
          h("th", {}, "Since"), h("th", {}, ""))), this.blocked))));
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
      const role = h("select", { "aria-label": `Role of ${u.username}` },
        ["agent", "admin"].map((r) => h("option", { value: r, selected: u.role === r }, r)));
      role.addEventListener("change", () => this.run(() => api("PATCH", `usr/users/${u.id}`, { role: role.value }), "Role changed."));
      return h("tr", { dataset: { user: u.username } },
        h("td", { dir: "auto" }, [u.first_name, u.last_name].filter(Boolean).join(" ") || u.username,
          h("div", { class: "muted" }, u.username, u.email ? ` · ${u.email}` : "")),
        h("td", {}, role),
        h("td", {}, u.is_active ? (u.is_online ? "online" : "offline") : "disabled"),
        h("td", {},
          h("button", { type: "button", disabled: u.id === me, onclick: () => this.run(() => api("PATCH", `usr/users/${u.id}`, { is_active: !u.is_active }), u.is_active ? "User disabled; their sessions are closed." : "User enabled.") },
            u.is_active ? "Disable" : "Enable"),
          h("button", { type: "button", onclick: () => this.resetPassword(u) }, "Reset password"),
          h("button", { type: "button", disabled: u.id === me, onclick: () => confirm(`Remove ${u.username}?`) && this.run(() => api("DELETE", `usr/users/${u.id}`), "User removed.") }, "Remove")));
    }));
    fill(this.blocked, blocked.map((b) => h("tr", {},
      h("td", {}, b.ip), h("td", { dir: "auto" }, b.reason || ""), h("td", {}, when(b.created_at)),
      h("td", {}, h("button", { type: "button", onclick: () => this.run(() => api("DELETE", `usr/blacklist/${encodeURIComponent(b.ip)}`), "Address unblocked.") }, "Unblock")))));
  }

  resetPassword(user) {
    const password = prompt(`New password for ${user.username} (at least 8 characters)`);
    if (password) this.run(() => api("PATCH", `usr/users/${user.id}`, { password }), "Password changed; their sessions are closed.");
  }

  userForm() {
    const username = h("input", { name: "username", required: true, "aria-label": "User name", placeholder: "User name" });
    const password = h("input", { name: "password", type: "password", required: true, minlength: 8, "aria-label": "Password", placeholder: "Password" });
    const email = h("input", { name: "email", type: "email", "aria-label": "E-mail", placeholder: "E-mail (optional)" });
    const role = h("select", { name: "role", "aria-label": "Role" }, h("option", { value: "agent" }, "agent"), h("option", { value: "admin" }, "admin"));
    const form = h("form", { class: "row", id: "add-user" }, username, password, email, role, h("button", { class: "primary", type: "submit" }, "Add user"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const body = { username: username.value.trim(), password: password.value, role: role.value };
      if (email.value.trim()) body.email = email.value.trim();
      this.run(() => api("POST", "usr/users", body), `Added ${body.username}.`).then(() => form.reset());
    });
    return form;
  }

  blockForm() {
    const ip = h("input", { name: "ip", required: true, "aria-label": "IP address", placeholder: "IP address" });
    const reason = h("input", { name: "reason", "aria-label": "Reason", placeholder: "Reason (optional)" });
    const form = h("form", { class: "row", id: "add-block" }, ip, reason, h("button", { type: "submit" }, "Block"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.run(() => api("POST", "usr/blacklist", { ip: ip.value.trim(), reason: reason.value.trim() || undefined }), "Address blocked.")
        .then(() => form.reset());
    });
    return form;
  }

  destroy() {}
}
