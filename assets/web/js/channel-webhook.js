// The webhook card of the Channels page: the receiver's URL, its signing secret (shown in full
// once, when it is made, with a copy button; only its last four characters afterwards), Rotate,
// and a test event with the receiver's answer.

import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { t, num } from "./i18n.js";
import { webhookState, backlog } from "./channel-words.js";

export class WebhookCard {
  constructor(page) {
    this.page = page;
    this.edited = false;
    this.state = h("p", { class: "state", id: "webhook-state", role: "status" });
    this.problem = h("div", { class: "problem", id: "webhook-problem", hidden: true });
    this.details = h("dl", { class: "facts", id: "webhook-facts" });
    this.result = h("p", { class: "result", id: "webhook-result", role: "status" });
    this.secret = h("div", { class: "secret", id: "webhook-secret", hidden: true });
    this.url = h("input", { type: "url", id: "webhook-url", dir: "ltr", required: true, autocomplete: "off",
      "aria-label": t("Receiver URL"), placeholder: "https://crm.example/pilito", oninput: () => { this.edited = true; } });
    this.save = h("button", { class: "primary", type: "submit", id: "webhook-save" }, t("Save"));
    this.rotate = h("button", { type: "button", id: "webhook-rotate", onclick: () => this.newSecret() }, t("Rotate secret"));
    this.test = h("button", { type: "button", id: "webhook-test", onclick: () => this.check() }, t("Send test event"));
    this.off = h("button", { type: "button", id: "webhook-remove", class: "danger", onclick: () => this.remove() }, t("Remove"));
    const form = h("form", { class: "row", id: "webhook-form" }, this.url, this.save);
    form.addEventListener("submit", (e) => { e.preventDefault(); this.store(); });
    this.el = h("section", { class: "card", id: "webhook" },
      h("h2", {}, t("Webhook")),
      h("p", { class: "muted" }, t("For Instagram, WhatsApp, a website widget or a CRM: every reply in an “api” conversation is sent to this address, signed with the secret.")),
      this.state, this.problem, this.details, form, this.secret,
      h("div", { class: "row" }, this.rotate, this.test, this.off), this.result);
  }

  /** Draws the `webhook` object of `GET channels/`. */
  show(wh) {
    this.configured = Boolean(wh.configured);
    this.el.dataset.state = wh.state || "off";
    this.state.textContent = webhookState(wh);
    const problem = wh.state === "error" || wh.state === "unreachable";
    this.problem.hidden = !problem || !(wh.last_error || wh.hint);
    fill(this.problem, wh.last_error ? h("span", { dir: "auto" }, wh.last_error) : null,
      wh.hint ? h("strong", { dir: "auto" }, wh.hint) : null);
    const row = (term, value, id) => (value ? [h("dt", {}, term), h("dd", { id }, value)] : []);
    fill(this.details,
      row(t("Secret"), wh.secret_hint ? h("bdi", { dir: "ltr" }, wh.secret_hint) : "", "webhook-hint"),
      row(t("Replies"), backlog(wh) || (wh.configured ? t("all sent") : ""), "webhook-backlog"));
    if (!this.edited && document.activeElement !== this.url) this.url.value = wh.url || "";
    for (const b of [this.rotate, this.test, this.off]) b.disabled = !this.configured;
  }

  /** Shows a secret in full, once: it is not given again. */
  reveal(secret) {
    const field = h("input", { readonly: true, id: "webhook-secret-value", dir: "ltr", value: secret, "aria-label": t("Secret"),
      onfocus: (e) => e.target.select() });
    const copied = h("span", { class: "muted", role: "status" });
    const copy = h("button", { type: "button", id: "webhook-copy", onclick: () => this.copy(field, copied) }, t("Copy"));
    fill(this.secret,
      h("strong", {}, t("The receiver's signing secret. Copy it now: it is shown only this once.")),
      h("div", { class: "row" }, field, copy, copied),
      h("button", { type: "button", class: "link", onclick: () => { this.secret.hidden = true; fill(this.secret); } }, t("I have copied it")));
    this.secret.hidden = false;
  }

  async copy(field, copied) {
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      field.select();
      document.execCommand("copy");
    }
    copied.textContent = t("Copied");
  }

  store() {
    const url = this.url.value.trim();
    return this.page.run(this.save, async () => {
      const wh = await api("PUT", "channels/webhook/", { url });
      this.edited = false;
      this.result.textContent = t("Saved.");
      if (wh?.secret) this.reveal(wh.secret);
    }, this.result);
  }

  newSecret() {
    if (!confirm(t("Make a new secret? The old one stops working at once; the receiver must get the new one."))) return undefined;
    return this.page.run(this.rotate, async () => {
      const answer = await api("POST", "channels/webhook/secret/");
      this.result.textContent = "";
      this.reveal(answer.secret);
    }, this.result);
  }

  check() {
    return this.page.run(this.test, async () => {
      this.result.className = "result";
      this.result.textContent = t("Sending…");
      const r = await api("POST", "channels/webhook/test/");
      this.result.className = r?.ok ? "result ok" : "result error";
      this.result.textContent = r?.ok
        ? t("The receiver answered {status}: it works.", { status: num(r.http_status) })
        : t("The receiver answered {status}: {error}", { status: r?.http_status ? num(r.http_status) : "—", error: r?.error || "" });
    }, this.result);
  }

  remove() {
    if (!confirm(t("Remove the webhook? Replies in “api” conversations wait until a receiver is set again."))) return undefined;
    return this.page.run(this.off, async () => {
      await api("DELETE", "channels/webhook/");
      this.edited = false;
      this.url.value = "";
      this.result.textContent = t("Removed.");
    }, this.result);
  }
}
