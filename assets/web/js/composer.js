// The send box of a conversation: the text (its draft kept per conversation), Enter to send,
// typing notices, and files: the paperclip, a pasted image, or files dropped on the chat.
// The text box is the caption of a file sent with it. The Note toggle turns the box into an
// internal note's (yellow; for the agents only, never sent to the customer).

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { lockIcon } from "./authorship.js";

const TYPING_EVERY = 3000;
const TYPING_IDLE = 4000;
const MAX_LENGTH = 1000;

export class Composer {
  /**
   * @param {string} id the conversation
   * @param {{text: (content: string) => void, files: (files: File[], caption: string) => void,
   *          typing: (isTyping: boolean) => boolean}} on
   */
  constructor(id, on) {
    this.on = on;
    this.typingSent = 0;
    this.draftKey = `pilito-box.draft.${id}`;
    this.input = h("textarea", { id: "compose", dir: "auto", "aria-label": t("Message"), maxlength: MAX_LENGTH,
      placeholder: t("Write a reply…"), onkeydown: (e) => this.key(e), oninput: () => this.typed(), onpaste: (e) => this.pasted(e) });
    this.input.value = localStorage.getItem(this.draftKey) || "";
    this.picker = h("input", { type: "file", id: "attach-file", multiple: true, hidden: true, onchange: () => this.picked() });
    this.attach = h("button", { type: "button", id: "attach", class: "attach", title: t("Attach a file"), "aria-label": t("Attach a file"),
      onclick: () => this.picker.click() }, h("img", { src: "/img/attach.svg", alt: "" }));
    this.send = h("button", { class: "primary", type: "submit", id: "send" }, t("Send"));
    this.noteToggle = h("button", { type: "button", id: "note-toggle", class: "note-toggle", "aria-pressed": "false",
      title: t("Internal note: only agents see it"), onclick: () => this.setNote(!this.note) }, lockIcon(), h("span", {}, t("Note")));
    this.el = h("form", { class: "compose" }, this.noteToggle, this.attach, this.picker, this.input, this.send);
    this.note = false;
    this.el.addEventListener("submit", (e) => { e.preventDefault(); this.submit(); });
  }

  /** Lets files be dropped anywhere on `area` (the conversation pane). */
  dropOn(area) {
    const files = (e) => [...(e.dataTransfer?.types || [])].includes("Files");
    area.addEventListener("dragover", (e) => {
      if (!files(e) || this.input.disabled) return;
      e.preventDefault();
      area.classList.add("dropping");
    });
    area.addEventListener("dragleave", (e) => { if (!area.contains(e.relatedTarget)) area.classList.remove("dropping"); });
    area.addEventListener("drop", (e) => {
      area.classList.remove("dropping");
      if (!files(e) || this.input.disabled) return;
      e.preventDefault();
      this.sendFiles([...e.dataTransfer.files]);
    });
  }

  key(event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      this.submit();
    }
  }

  typed() {
    localStorage.setItem(this.draftKey, this.input.value);
    const now = Date.now();
    if (now - this.typingSent > TYPING_EVERY && this.input.value.trim()) {
      if (this.on.typing(true)) this.typingSent = now;
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.typingSent) this.on.typing(false);
      this.typingSent = 0;
    }, TYPING_IDLE);
  }

  pasted(event) {
    const files = [...(event.clipboardData?.files || [])].filter((f) => f.type.startsWith("image/"));
    if (!files.length) return;
    event.preventDefault();
    this.sendFiles(files);
  }

  picked() {
    const files = [...this.picker.files];
    this.picker.value = "";
    this.sendFiles(files);
  }

  /** Takes the text box as the first file's caption and empties it. */
  sendFiles(files) {
    if (!files.length) return;
    const caption = this.take();
    this.on.files(files, caption);
  }

  /** Switches between a reply to the customer and an internal note. */
  setNote(on) {
    this.note = on;
    this.el.classList.toggle("note-mode", on);
    this.noteToggle.setAttribute("aria-pressed", String(on));
    this.noteToggle.lastChild.textContent = on ? t("Internal note") : t("Note");
    this.input.placeholder = on ? t("Write an internal note (only agents see it)…") : t("Write a reply…");
    this.send.textContent = on ? t("Add note") : t("Send");
    this.attach.hidden = on;
    this.input.focus();
  }

  submit() {
    const content = this.input.value.trim();
    if (!content) return;
    this.take();
    this.on.text(content, this.note);
  }

  /** Empties the box (and its draft) and returns what it held. */
  take() {
    const text = this.input.value.trim();
    this.input.value = "";
    localStorage.removeItem(this.draftKey);
    clearTimeout(this.idle);
    if (this.typingSent) this.on.typing(false);
    this.typingSent = 0;
    return text;
  }

  /** Gives a caption back to an empty box (its file was not sent after all). */
  restore(text) {
    if (text && !this.input.value.trim()) this.input.value = text;
  }

  disable() {
    for (const el of [this.input, this.send, this.attach, this.noteToggle]) el.disabled = true;
  }

  destroy() {
    clearTimeout(this.idle);
  }
}
