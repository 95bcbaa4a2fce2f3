// Saved replies, for admins (`#/replies`): the list with each reply's shortcut and text, a form
// to add one, and in-place edit and remove. Agents insert them in the reply box with "/".

import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { t } from "./i18n.js";
import { plural } from "./plural.js";

export class RepliesPage {
  constructor(container) {
    this.rows = h("div", { class: "reply-rows", id: "saved-reply-rows" });
    this.count = h("p", { class: "muted" });
    this.message = h("p", { role: "status", class: "muted", id: "replies-message" });
    fill(container, h("div", { class: "page replies-page" },
      h("h1", {}, t("Saved replies")),
      h("p", { class: "muted" }, t("Agents type / and the shortcut in the reply box to insert one; the text can be changed before sending.")),
      this.form(), this.message, this.count, this.rows));
    this.load();
  }

  say(text, error = false) {
    this.message.textContent = text;
    this.message.className = error ? "error" : "muted";
  }

  async load() {
    let replies;
    try {
      replies = await api("GET", "saved-replies/");
    } catch (e) {
      this.say(e.message, true);
      return;
    }
    this.count.textContent = plural(replies.length, "1 saved reply", "{count} saved replies");
    fill(this.rows, replies.length ? replies.map((r) => this.row(r))
      : h("p", { class: "empty-note" }, t("No saved replies yet. Add the answers you give most often above.")));
  }

  /** The shortcut and text inputs, filled from `r`. */
  inputs(r = {}) {
    return [
      h("label", { class: "shortcut-field" }, h("span", {}, t("Shortcut")),
        h("span", { class: "slash-prefix", dir: "ltr" }, "/", h("input", { name: "shortcut", required: true, maxlength: 32, pattern: "[\\p{L}\\p{N}_\\-]+", value: r.shortcut || "", placeholder: t("hello"), dir: "auto" }))),
      h("label", { class: "content-field" }, h("span", {}, t("Text")),
        h("textarea", { name: "content", required: true, rows: 3, dir: "auto", placeholder: t("Hi, how can I help?") }, r.content || "")),
    ];
  }

  form() {
    const form = h("form", { class: "card reply-form", id: "add-reply" }, h("h2", {}, t("Add a saved reply")), this.inputs(),
      h("div", { class: "row" }, h("button", { class: "primary", type: "submit" }, t("Add"))));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const body = { shortcut: form.elements.shortcut.value.trim(), content: form.elements.content.value.trim() };
      try {
        await api("POST", "saved-replies/", body);
      } catch (err) {
        this.say(err.message, true);
        return;
      }
      this.say(t("Added /{shortcut}.", { shortcut: body.shortcut }));
      form.reset();
      this.load();
    });
    return form;
  }

  row(r) {
    const view = h("div", { class: "reply-row", dataset: { id: r.id, shortcut: r.shortcut } },
      h("bdi", { class: "shortcut", dir: "ltr" }, `/${r.shortcut}`),
      h("span", { class: "reply-text", dir: "auto" }, r.content),
      h("span", { class: "actions" },
        h("button", { type: "button", class: "edit", onclick: () => view.replaceWith(this.editor(r)) }, t("Edit")),
        h("button", { type: "button", class: "danger", onclick: () => this.remove(r) }, t("Remove"))));
    return view;
  }

  editor(r) {
    const form = h("form", { class: "reply-row editing", dataset: { id: r.id } }, this.inputs(r),
      h("span", { class: "actions" },
        h("button", { class: "primary", type: "submit" }, t("Save")),
        h("button", { type: "button", onclick: () => form.replaceWith(this.row(r)) }, t("Cancel"))));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        await api("PATCH", `saved-replies/${r.id}`, { shortcut: form.elements.shortcut.value.trim(), content: form.elements.content.value.trim() });
      } catch (err) {
        this.say(err.message, true);
        return;
      }
      this.say(t("Saved."));
      this.load();
    });
    return form;
  }

  async remove(r) {
    if (!confirm(t("Remove the saved reply /{shortcut}?", { shortcut: r.shortcut }))) return;
    try {
      await api("DELETE", `saved-replies/${r.id}`);
    } catch (err) {
      this.say(err.message, true);
      return;
    }
    this.say(t("Removed /{shortcut}.", { shortcut: r.shortcut }));
    this.load();
  }

  destroy() {}
}
