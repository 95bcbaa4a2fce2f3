// The send box of a conversation: the text (its draft kept per conversation), growing to ten
// lines then scrolling, Enter to send and Shift+Enter for a new line, the channel's length limit
// with a counter near it (text past it is kept and refused, never cut), saved replies with "/",
// typing notices, and files: the paperclip, a pasted image, or files dropped on the chat. The
// text box is the caption of a file sent with it. The Note toggle turns the box into an internal
// note's (yellow; for the agents only, never sent to the customer).

import { h } from "./dom.js";
import { t, num } from "./i18n.js";
import { SlashMenu } from "./slash.js";
import { lockIcon } from "./authorship.js";

const TYPING_EVERY = 3000;
const TYPING_IDLE = 4000;
/** What the server takes everywhere until the conversation says its own limit. */
const DEFAULT_LIMIT = 1000;
/** The counter shows once this share of the limit is used. */
const COUNT_FROM = 0.8;

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
    this.limit = DEFAULT_LIMIT;
    this.input = h("textarea", { id: "compose", dir: "auto", rows: 1, "aria-label": t("Message"), "aria-describedby": "compose-count",
      placeholder: t("Write a reply… (/ for saved replies)"), onkeydown: (e) => this.key(e), oninput: () => this.typed(), onpaste: (e) => this.pasted(e) });
    this.input.value = localStorage.getItem(this.draftKey) || "";
    this.picker = h("input", { type: "file", id: "attach-file", multiple: true, hidden: true, onchange: () => this.picked() });
    this.attach = h("button", { type: "button", id: "attach", class: "attach", title: t("Attach a file"), "aria-label": t("Attach a file"),
      onclick: () => this.picker.click() }, h("img", { src: "/img/attach.svg", alt: "" }));
    this.send = h("button", { class: "primary", type: "submit", id: "send" }, t("Send"));
    this.count = h("span", { class: "count", id: "compose-count", "aria-live": "polite" });
    this.refusal = h("p", { class: "error compose-refusal", id: "compose-refusal", role: "alert", hidden: true });
    this.slash = new SlashMenu(this.input, (text) => this.insert(text));
    this.noteToggle = h("button", { type: "button", id: "note-toggle", class: "note-toggle", "aria-pressed": "false",
      title: t("Internal note: only agents see it"), onclick: () => this.setNote(!this.note) }, lockIcon(), h("span", {}, t("Note")));
    this.el = h("form", { class: "compose" }, this.slash.el, this.refusal,
      h("div", { class: "compose-row" }, this.noteToggle, this.attach, this.picker, this.input, this.count, this.send));
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

  /** The longest reply the conversation's channel takes (`max_message_chars`). */
  setLimit(limit) {
    if (limit > 0) this.limit = limit;
    this.measure();
  }

  /** Grows the box with its text, up to ten lines (app.css caps it), and redraws the counter. */
  measure() {
    this.input.style.height = "auto";
    this.input.style.height = `${this.input.scrollHeight + (this.input.offsetHeight - this.input.clientHeight)}px`;
    const used = this.input.value.trim().length;
    const over = used > this.limit;
    this.count.hidden = used < this.limit * COUNT_FROM;
    this.count.textContent = t("{used} / {limit}", { used: num(used), limit: num(this.limit) });
    this.count.classList.toggle("over", over);
    this.input.toggleAttribute("aria-invalid", over);
    if (!over) this.refusal.hidden = true;
  }

  /** Puts a saved reply's text in the box, ready to edit or send. */
  insert(text) {
    this.input.value = text;
    this.input.focus();
    this.input.setSelectionRange(text.length, text.length);
    this.typed();
  }

  key(event) {
    if (this.slash.key(event)) {
      event.preventDefault();
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.submit();
    }
  }

  typed() {
    localStorage.setItem(this.draftKey, this.input.value);
    this.measure();
    this.slash.typed();
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
    this.input.placeholder = on ? t("Write an internal note (only agents see it)…") : t("Write a reply… (/ for saved replies)");
    this.send.textContent = on ? t("Add note") : t("Send");
    this.attach.hidden = on;
    this.input.focus();
  }

  submit() {
    const content = this.input.value.trim();
    if (!content) return;
    if (content.length > this.limit) {
      this.refusal.textContent = t("This reply is {used} characters long; this channel takes at most {limit}. Shorten it or send it in parts.",
        { used: num(content.length), limit: num(this.limit) });
      this.refusal.hidden = false;
      this.measure();
      return;
    }
    this.take();
    this.on.text(content, this.note);
  }

  /** Empties the box (and its draft) and returns what it held. */
  take() {
    const text = this.input.value.trim();
    this.input.value = "";
    localStorage.removeItem(this.draftKey);
    this.measure();
    this.slash.close();
    clearTimeout(this.idle);
    if (this.typingSent) this.on.typing(false);
    this.typingSent = 0;
    return text;
  }

  /** Gives a caption back to an empty box (its file was not sent after all). */
  restore(text) {
    if (text && !this.input.value.trim()) this.input.value = text;
    this.measure();
  }

  disable() {
    for (const el of [this.input, this.send, this.attach, this.noteToggle]) el.disabled = true;
  }

  destroy() {
    clearTimeout(this.idle);
  }
}
