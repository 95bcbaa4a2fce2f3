// The six steps of the setup checklist (PROTOCOL §6a), in order: each one's title, what to do in
// plain words, and the control that does it or goes where it is done. `action(page)` builds the
// control once; `update(status)` (where a step has one) refreshes what it shows from a checklist
// without touching what the owner is typing.

import { api } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { openInviteDialog } from "./invites.js";
import { changeWizard } from "./wizard.js";

/** A link drawn as a button. */
const go = (href, label, id, attrs = {}) => h("a", { href, id, class: "button-link", ...attrs }, label);

/** The profile step's inline form: the owner's name and the business's, saved with PUT. */
function profileForm(page) {
  const field = (name, label, max) => {
    const input = h("input", { type: "text", name, id: `setup-${name}`, maxlength: max, autocomplete: name === "owner_name" ? "name" : "organization" });
    input.addEventListener("input", () => { input.dataset.dirty = "1"; });
    return { input, el: h("label", { for: input.id }, label, input) };
  };
  const owner = field("owner_name", t("Your name"), 150);
  const business = field("business_name", t("Your business's name"), 100);
  const saved = h("p", { class: "result", id: "setup-profile-saved", role: "status" });
  const form = h("form", { class: "setup-profile", id: "setup-profile" }, owner.el, business.el,
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary", id: "setup-profile-save" }, t("Save")), saved));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    saved.textContent = "";
    const ok = await page.run(form.querySelector("button"), () => changeWizard("PUT", "profile",
      { owner_name: owner.input.value, business_name: business.input.value }));
    if (!ok) return;
    delete owner.input.dataset.dirty;
    delete business.input.dataset.dirty;
    saved.textContent = t("Saved.");
  });
  const show = (input, value) => {
    if (input.dataset.dirty || document.activeElement === input) return;
    input.value = value || "";
  };
  return {
    el: form,
    update: (d) => { show(owner.input, d.owner_name); show(business.input, d.business_name); },
  };
}

/** The Telegram step: the bot token pasted right here (the server checks it with `getMe`),
 * the Channels page for the rest; the form goes once a bot is connected. */
function telegramStep(page) {
  const token = h("input", { type: "password", id: "setup-telegram-token", autocomplete: "off", spellcheck: "false",
    "aria-label": t("Bot token"), placeholder: t("Paste the token from @BotFather"), "aria-describedby": "setup-telegram-why" });
  const save = h("button", { type: "submit", class: "primary", id: "setup-telegram-save" }, t("Connect"));
  const why = h("p", { class: "error field-why", id: "setup-telegram-why", role: "alert" });
  const form = h("form", { class: "row setup-telegram", id: "setup-telegram-form" }, token, save);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = token.value.trim();
    if (!value) { token.focus(); return; }
    if (await page.run(save, () => api("PUT", "channels/telegram/", { bot_token: value }), why)) token.value = "";
  });
  const more = go("#/channels", t("Open Channels"), "setup-do-telegram");
  return {
    el: h("div", {}, form, why, more),
    update: (d) => { form.hidden = Boolean(d.telegram_bot); why.hidden = form.hidden; },
  };
}

/** The test step: the newest customer message as it arrives, with the way to answer it. */
function testStep() {
  const who = h("bdi", { class: "who", dir: "auto" });
  const what = h("bdi", { class: "what", dir: "auto" });
  const answer = go("#/inbox", t("Answer it in the inbox"), "setup-answer");
  const last = h("div", { class: "setup-last", id: "setup-last-message", hidden: true },
    h("p", {}, t("The newest message:"), " ", who, t(": "), what), answer);
  const live = h("div", { role: "status", "aria-live": "polite" }, last);
  return {
    el: live,
    update: (d) => {
      const m = d.last_customer_message;
      last.hidden = !m;
      if (!m) return;
      who.textContent = m.customer_name || t("Customer");
      what.textContent = m.content || "";
      answer.href = `#/inbox/${encodeURIComponent(m.conversation_id)}`;
    },
  };
}

/** The steps in order: `{step, title, text(details), action(page)}`. */
export const STEPS = [
  {
    step: "profile",
    title: () => t("Your name and your business"),
    text: () => t("Your team sees your name, and your business's name is how pilito-box greets you."),
    action: profileForm,
  },
  {
    step: "password",
    title: () => t("Choose your own password"),
    text: () => t("If you still sign in with the password pilito-box printed, choose one only you know."),
    action: () => ({ el: go("#/account", t("Change my password"), "setup-do-password") }),
  },
  {
    step: "telegram",
    title: () => t("Connect Telegram"),
    text: (d) => (d.telegram_bot ? t("Connected: customers who write to {bot} reach this inbox.", { bot: `@${d.telegram_bot}` })
      : t("Make a bot with @BotFather in Telegram, then paste its token here. Customers who write to the bot reach this inbox.")),
    action: telegramStep,
  },
  {
    step: "team",
    title: () => t("Invite your team"),
    text: () => t("Send each agent a link. They choose their own name and password."),
    action: (page) => {
      const button = h("button", { type: "button", class: "primary", id: "setup-invite" }, t("Invite an agent"));
      button.addEventListener("click", () => page.run(button, () => openInviteDialog({ role: "agent" })));
      return { el: button };
    },
  },
  {
    step: "device",
    title: () => t("Open pilito-box on your phone"),
    text: () => t("On the same Wi-Fi, open the Connect page and scan its QR code with your phone's camera."),
    action: () => ({ el: go("/connect", t("Show the address and QR code"), "setup-do-device", { target: "_blank", rel: "noopener" }) }),
  },
  {
    step: "test",
    title: () => t("Send a test message"),
    text: (d) => (d.telegram_bot ? t("From your phone, send a message to {bot} in Telegram. It appears here; open it and answer.", { bot: `@${d.telegram_bot}` })
      : t("Once Telegram is connected, send your bot a message from your phone. It appears here; open it and answer.")),
    action: testStep,
  },
];
