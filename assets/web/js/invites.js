// Invites in the admin's Users view (PROTOCOL §10.13): "Invite an agent" makes a single-use link
// and shows it once in a dialog (the link, Copy, its QR code, when it expires); each user's
// "Reset link" does the same for choosing a new password; the pending invites are listed with
// Revoke. `openInviteDialog` is what other views (the setup checklist) call.

import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { when } from "./dates.js";
import { t } from "./i18n.js";

let next = 0;

/** Copies `input`'s text: the clipboard API where the page is a secure context, else the
 * selection (a plain-http LAN address has no clipboard API). */
async function copy(input) {
  try {
    await navigator.clipboard.writeText(input.value);
    return true;
  } catch {
    input.select();
    return document.execCommand("copy");
  }
}

function showInvite(made, user) {
  const id = `invite-${++next}`;
  const qr = URL.createObjectURL(new Blob([made.qr_svg], { type: "image/svg+xml" }));
  const reset = made.kind === "reset";
  const link = h("input", { readonly: true, value: made.link, id: `${id}-link`, class: "invite-link", dir: "ltr",
    "aria-label": t("Invite link") });
  const copied = h("span", { role: "status", class: "muted", id: `${id}-copied` });
  const copyButton = h("button", { type: "button", class: "primary", id: "invite-copy", onclick: async () => {
    copied.textContent = (await copy(link)) ? t("Copied.") : t("Select the link and copy it.");
  } }, t("Copy"));
  const close = h("button", { type: "button", id: "invite-done" }, t("Done"));
  const title = reset ? t("Reset link for {name}", { name: user?.username || "" }) : t("Invite an agent");
  const text = reset ? t("Send this link to {name}. Opened on their device, it lets them choose a new password; their other sign-ins end.",
    { name: user?.username || "" })
    : t("Send this link to the agent, or let them scan the code with their phone. They choose their own name and password.");
  const dialog = h("dialog", { class: "dialog invite-dialog", id: "invite-dialog", "aria-labelledby": `${id}-title`,
    "aria-describedby": `${id}-text` },
    h("h2", { id: `${id}-title` }, title), h("p", { id: `${id}-text` }, text),
    h("div", { class: "row invite-copy" }, link, copyButton), copied,
    h("img", { class: "invite-qr", src: qr, alt: t("QR code of the invite link"), width: 176, height: 176 }),
    h("p", { class: "muted", id: "invite-expiry" }, t("Works once, until {when}.", { when: when(made.expires_at) })),
    h("div", { class: "dialog-actions" }, close));
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => { URL.revokeObjectURL(qr); dialog.remove(); resolve(made); });
    close.addEventListener("click", () => dialog.close());
    dialog.showModal();
    copyButton.focus();
  });
}

/**
 * Makes an invite and shows it in a dialog: `{role}` ("agent" or "admin") to join the team, or
 * `{user}` (a user from `usr/users`) for their reset link. Resolves with the invite when the
 * dialog is closed; rejects with the server's refusal when none could be made.
 */
export async function openInviteDialog({ role = "agent", user } = {}) {
  const body = user ? { kind: "reset", user_id: user.id } : { kind: "agent", role };
  const made = await api("POST", "invites/", body);
  return showInvite(made, user);
}

/** The pending invites with Revoke; `users` names the people of reset invites. */
export class PendingInvites {
  constructor(onError) {
    this.onError = onError;
    this.rows = h("tbody", { id: "invite-rows" });
    this.empty = h("p", { class: "muted", id: "no-invites" }, t("No invites are waiting."));
    this.el = h("div", {}, this.empty,
      h("table", { class: "cards-on-phone", id: "invites" }, h("thead", {}, h("tr", {}, h("th", {}, t("Invite")),
        h("th", {}, t("Expires")), h("th", {}, ""))), this.rows));
  }

  async load(users = []) {
    const names = new Map(users.map((u) => [u.id, u.username]));
    const pending = await api("GET", "invites/");
    this.empty.hidden = pending.length > 0;
    this.rows.closest("table").hidden = pending.length === 0;
    fill(this.rows, pending.map((i) => h("tr", { dataset: { invite: i.id } },
      h("td", { dir: "auto" }, i.kind === "reset" ? t("New password for {name}", { name: names.get(i.user_id) || "?" })
        : t(i.role === "admin" ? "An admin to join" : "An agent to join")),
      h("td", { "data-label": t("Expires") }, when(i.expires_at)),
      h("td", { class: "actions" }, h("button", { type: "button", class: "revoke-invite", onclick: async () => {
        try { await api("DELETE", `invites/${i.id}/`); } catch (e) { this.onError(e.message); }
        await this.load(users);
      } }, t("Revoke"))))));
  }
}
