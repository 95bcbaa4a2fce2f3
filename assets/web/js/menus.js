// A filter menu: a <select> whose entries come from one key of a list socket's options frame
// (plain values, or `{value, label}` items). The value in force stays offered even when the
// server stops naming it, so a filter never looks off while it still narrows the list.

import { h, fill } from "./dom.js";
import { t } from "./i18n.js";

/** The server's own "no filter" item; the menu's first entry already means that. */
const ANY = "all";

const words = (value) => t(value.replaceAll("_", " "));

export class FilterMenu {
  /**
   * @param {{id: string, any: string, label?: string, from?: string, fixed?: Array<[string, string]>,
   *          text?: (value: string) => string}} spec `any` is the first entry (no filter) and,
   *   unless `label` is given, the accessible name; `from` names the options key that fills the
   *   menu; `fixed` is for a filter the options frame has no entry for.
   * @param {(value: string|undefined) => void} onChange
   */
  constructor(spec, onChange) {
    this.spec = spec;
    this.el = h("select", { id: spec.id, "aria-label": spec.label || spec.any });
    this.el.addEventListener("change", () => onChange(this.el.value || undefined));
    this.draw(spec.fixed || []);
  }

  /** Takes this menu's entries from an options frame's `options`. */
  fill(options) {
    if (!this.spec.from) return;
    const text = this.spec.text || words;
    const items = (options[this.spec.from] || [])
      .map((item) => (typeof item === "object" ? [String(item.value), t(String(item.label))] : [String(item), text(String(item))]))
      .filter(([value]) => value !== ANY);
    this.draw(items);
  }

  /** Redraws the entries only when they changed, so a menu an agent has open stays put. */
  draw(items) {
    const current = this.el.value;
    const kept = current && !items.some(([value]) => value === current) ? [[current, (this.spec.text || words)(current)]] : [];
    const entries = [...items, ...kept];
    const key = JSON.stringify(entries);
    if (key === this.drawn) return;
    this.drawn = key;
    fill(this.el, h("option", { value: "" }, this.spec.any),
      entries.map(([value, text]) => h("option", { value }, text)));
    this.el.value = current;
  }
}
