// Keyboard shortcuts of the inbox: next and previous conversation, search, close or reopen the
// open conversation, assign it to me, and `?` for the list of them (a dialog). Single keys
// (J, K, /, ?) only act when the agent is not typing in a field; the Alt and Ctrl ones act
// everywhere. A conversation that opens puts the cursor in its reply box.

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { session } from "./session.js";

/** [keys shown, what they do]; "/" separates alternatives. */
const SHORTCUTS = () => [
  [["Alt", "↓"], ["J"], t("Next conversation")],
  [["Alt", "↑"], ["K"], t("Previous conversation")],
  [["/"], ["Ctrl", "K"], t("Search conversations")],
  [["Alt", "C"], null, t("Close or reopen the open conversation")],
  [["Alt", "A"], null, t("Assign the open conversation to me")],
  [["Enter"], null, t("Send the reply")],
  [["Shift", "Enter"], null, t("New line in the reply")],
  [["?"], null, t("Show these shortcuts")],
  [["Esc"], null, t("Close this list")],
];

function typing(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

const combo = (keys) => h("span", { class: "combo", dir: "ltr" },
  keys.flatMap((k, i) => (i ? [" + ", h("kbd", {}, k === "Esc" ? "Esc" : k)] : [h("kbd", {}, k)])));

let dialog = null;

/** Opens the list of shortcuts (a modal dialog; Escape closes it). */
export function showShortcuts() {
  dialog ??= h("dialog", { id: "shortcuts", class: "dialog", "aria-labelledby": "shortcuts-title" },
    h("h2", { id: "shortcuts-title" }, t("Keyboard shortcuts")),
    h("table", { class: "shortcuts" }, h("tbody", {}, SHORTCUTS().map(([keys, other, words]) =>
      h("tr", {}, h("td", {}, combo(keys), other ? [h("span", { class: "muted" }, ` ${t("or")} `), combo(other)] : null), h("td", {}, words))))),
    h("p", { class: "muted" }, t("Single keys work when you are not typing in a box.")),
    h("div", { class: "actions" }, h("button", { type: "button", class: "primary", onclick: () => dialog.close() }, t("Close"))));
  if (!dialog.isConnected) document.body.append(dialog);
  if (!dialog.open) dialog.showModal();
}

export class Keys {
  /** @param {{list: HTMLElement, selected: string|null, pane: HTMLElement}} inbox */
  constructor(inbox) {
    this.inbox = inbox;
    this.handler = (e) => this.key(e);
    document.addEventListener("keydown", this.handler);
  }

  /** A conversation opened: the cursor goes to its reply box. */
  opened() {
    this.inbox.pane.querySelector("#compose")?.focus({ preventScroll: true });
  }

  key(e) {
    if (e.defaultPrevented || e.isComposing || document.querySelector("dialog[open]")) return;
    const act = this.action(e);
    if (!act) return;
    e.preventDefault();
    act();
  }

  action(e) {
    const free = !typing(e.target) && !e.altKey && !e.ctrlKey && !e.metaKey;
    if (e.altKey && !e.ctrlKey && !e.metaKey) {
      if (e.key === "ArrowDown") return () => this.step(1);
      if (e.key === "ArrowUp") return () => this.step(-1);
      if (e.code === "KeyC") return () => this.toggleClosed();
      if (e.code === "KeyA") return () => this.assignToMe();
    }
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "k") return () => this.search();
    if (!free) return null;
    switch (e.key) {
      case "j": case "J": return () => this.step(1);
      case "k": case "K": return () => this.step(-1);
      case "/": return () => this.search();
      case "?": return () => showShortcuts();
      default: return null;
    }
  }

  /** Opens the conversation `by` rows below (above, if negative) the open one. */
  step(by) {
    const items = [...this.inbox.list.querySelectorAll(".item")];
    if (!items.length) return;
    const at = items.findIndex((el) => el.dataset.id === this.inbox.selected);
    const next = items[at < 0 ? (by > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, at + by))];
    next.scrollIntoView({ block: "nearest" });
    location.hash = `#/inbox/${next.dataset.id}`;
  }

  search() {
    const box = document.getElementById("search");
    box?.focus();
    box?.select();
  }

  toggleClosed() {
    const status = this.inbox.pane.querySelector("#conversation-status");
    if (!status || status.disabled) return;
    status.value = status.value === "closed" ? "active" : "closed";
    status.dispatchEvent(new Event("change"));
  }

  assignToMe() {
    const assign = this.inbox.pane.querySelector("#assign");
    const me = session.user();
    if (!assign || !me || assign.disabled) return;
    if (![...assign.options].some((o) => o.value === String(me.id))) {
      assign.append(h("option", { value: me.id }, me.first_name || me.username));
    }
    assign.value = String(me.id);
    assign.dispatchEvent(new Event("change"));
  }

  destroy() {
    document.removeEventListener("keydown", this.handler);
  }
}
