// The "Sound and notifications" panel, opened from the top bar: which sound a new customer
// message plays (with a Test button), desktop notifications (the browser's permission asked
// for here, on a click, and what it is now), and "only conversations assigned to me". Each
// change is saved to the agent's preferences on the server at once.

import { h, fill } from "./dom.js";
import { t } from "./i18n.js";
import { attention } from "./attention.js";
import { SOUNDS } from "./sounds.js";
import { permission, askPermission } from "./notify.js";
import { showShortcuts } from "./keys.js";

const SOUND_WORDS = { chime: "Chime", bell: "Bell", pop: "Pop" };

class Panel {
  constructor() {
    const prefs = attention.prefs;
    this.sound = h("select", { id: "sound-choice", onchange: () => this.save({ sound: this.sound.value }) },
      SOUNDS.map((s) => h("option", { value: s }, t(SOUND_WORDS[s]))), h("option", { value: "off" }, t("No sound")));
    this.test = h("button", { type: "button", id: "sound-test", onclick: () => attention.sounds?.play(this.sound.value) }, t("Test"));
    this.notifyState = h("span", { id: "notify-state", role: "status" });
    this.notifyButton = h("button", { type: "button", id: "notify-toggle", onclick: () => this.toggleNotify() });
    this.onlyMine = h("input", { type: "checkbox", id: "only-mine", onchange: () => this.save({ only_mine: this.onlyMine.checked }) });
    this.problem = h("p", { class: "error", role: "alert", hidden: true });
    this.el = h("dialog", { id: "attention-settings", class: "dialog", "aria-labelledby": "attention-settings-title" },
      h("h2", { id: "attention-settings-title" }, t("Sound and notifications")),
      h("p", { class: "muted" }, t("For new customer messages in conversations that are yours or nobody's.")),
      h("div", { class: "setting" }, h("label", { for: "sound-choice" }, t("Sound")), h("span", { class: "row" }, this.sound, this.test)),
      h("div", { class: "setting" }, h("span", {}, t("Desktop notifications")), h("span", { class: "row" }, this.notifyState, this.notifyButton)),
      h("label", { class: "check" }, this.onlyMine, t("Only conversations assigned to me")),
      this.problem,
      h("div", { class: "actions" },
        h("button", { type: "button", id: "open-shortcuts", onclick: () => { this.el.close(); showShortcuts(); } }, t("Keyboard shortcuts")),
        h("button", { type: "button", class: "primary", onclick: () => this.el.close() }, t("Close"))));
    prefs.onChange(() => this.draw());
    this.draw();
  }

  async open() {
    if (!this.el.isConnected) document.body.append(this.el);
    this.problem.hidden = true;
    await attention.prefs.load();
    this.draw();
    if (!this.el.open) this.el.showModal();
  }

  draw() {
    const values = attention.prefs.values;
    this.sound.value = values.sound;
    this.test.disabled = values.sound === "off";
    this.onlyMine.checked = values.only_mine;
    const allowed = permission();
    const on = values.notify && allowed === "granted";
    const words = {
      unsupported: t("Not available here: this browser, or a page not opened over HTTPS"),
      denied: t("Blocked in this browser's settings for this site"),
    };
    this.notifyState.textContent = words[allowed] || (on ? t("On") : t("Off"));
    this.notifyButton.hidden = allowed === "unsupported" || allowed === "denied";
    this.notifyButton.textContent = on ? t("Turn off") : t("Turn on");
  }

  async toggleNotify() {
    const on = attention.prefs.values.notify && permission() === "granted";
    if (on) return this.save({ notify: false });
    const allowed = permission() === "granted" ? "granted" : await askPermission();
    if (allowed === "granted") await this.save({ notify: true });
    else this.draw();
  }

  async save(change) {
    this.problem.hidden = true;
    try {
      await attention.prefs.set(change);
    } catch (e) {
      fill(this.problem, t("Not saved: {reason}", { reason: e.message }));
      this.problem.hidden = false;
      this.draw();
    }
  }
}

let panel = null;

/** The top bar's button that opens the panel. */
export function settingsButton() {
  return h("button", { type: "button", id: "attention-button", class: "icon", "aria-haspopup": "dialog",
    title: t("Sound and notifications"), "aria-label": t("Sound and notifications"),
    onclick: () => { panel ??= new Panel(); panel.open(); } },
  h("img", { src: "/img/bell.svg", alt: "" }));
}
