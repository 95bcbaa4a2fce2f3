// Modal dialogs instead of prompt() and confirm(): a labelled <dialog> opened with showModal()
// (the browser keeps focus inside it and closes it on Escape), with fields, a reason next to the
// field the server refused, and a promise of what was chosen.

import { h } from "./dom.js";
import { t } from "./i18n.js";

let next = 0;

/**
 * Asks in a modal dialog. `fields` are {name, label, type, minlength, autocomplete}; `submit`
 * gets their values and may throw an error whose message is shown in the dialog (next to
 * `error.field` when it names one), keeping what was typed. Resolves with `submit`'s result,
 * or null when cancelled.
 * @param {{title: string, text?: string, fields?: object[], confirm: string, danger?: boolean,
 *          submit: (values: object) => Promise<any>}} spec
 */
export function ask(spec) {
  const id = `dialog-${++next}`;
  const inputs = (spec.fields || []).map((f) => {
    const input = h("input", { name: f.name, type: f.type || "text", required: true, minlength: f.minlength,
      autocomplete: f.autocomplete || "off", id: `${id}-${f.name}`, dir: "auto", "aria-describedby": `${id}-${f.name}-why` });
    const why = h("p", { class: "error field-why", id: `${id}-${f.name}-why`, role: "alert" });
    return { f, input, why, el: h("label", { for: input.id }, f.label, input, why) };
  });
  const general = h("p", { class: "error", role: "alert" });
  const confirm = h("button", { type: "submit", class: spec.danger ? "primary danger" : "primary" }, spec.confirm);
  const cancel = h("button", { type: "button", value: "cancel" }, t("Cancel"));
  const form = h("form", { method: "dialog" },
    h("h2", { id: `${id}-title` }, spec.title),
    spec.text ? h("p", { id: `${id}-text` }, spec.text) : null,
    inputs.map((i) => i.el), general,
    h("div", { class: "dialog-actions" }, cancel, confirm));
  const dialog = h("dialog", { class: "dialog", "aria-labelledby": `${id}-title`,
    "aria-describedby": spec.text ? `${id}-text` : undefined }, form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    let result = null;
    const done = () => { dialog.remove(); resolve(result); };
    dialog.addEventListener("close", done);
    cancel.addEventListener("click", () => dialog.close());
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      for (const i of inputs) i.why.textContent = "";
      general.textContent = "";
      const values = Object.fromEntries(inputs.map((i) => [i.f.name, i.input.value]));
      confirm.disabled = true;
      try {
        result = (await spec.submit(values)) ?? true;
        dialog.close();
      } catch (e) {
        const at = inputs.find((i) => i.f.name === e.field) || (inputs.length === 1 ? inputs[0] : null);
        (at ? at.why : general).textContent = e.message;
        (at?.input || confirm).focus();
      } finally {
        confirm.disabled = false;
      }
    });
    dialog.showModal();
    (inputs[0]?.input || confirm).focus();
  });
}
