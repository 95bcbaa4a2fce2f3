// Filters that fold behind one "Filters" button on phones (the button and the folding are
// drawn by app.css's Phones section only; on wider screens the filters stand in their bar).
// The button counts the filters in force, so a folded filter never narrows a list unseen.

import { h } from "./dom.js";
import { t, num } from "./i18n.js";

/** How many of `panel`'s menus and boxes narrow the list: a menu off its first "any" entry,
 * a ticked box. */
function active(panel) {
  let n = 0;
  for (const el of panel.querySelectorAll("select, input[type=checkbox]")) {
    if (el.type === "checkbox" ? el.checked : el.value !== "") n += 1;
  }
  return n;
}

/** `controls` inside a panel that a "Filters" toggle opens and closes on phones; `id` names
 * the panel. Returns the toggle and the panel, for the page to place. */
export function filterFold(id, ...controls) {
  const panel = h("div", { class: "fold-panel", id }, ...controls);
  const count = h("span", { class: "count", id: `${id}-count`, hidden: true });
  const toggle = h("button", { type: "button", class: "filter-toggle", id: `${id}-toggle`, "aria-controls": id, "aria-expanded": "false" },
    h("img", { src: "/img/filter.svg", alt: "" }), h("span", {}, t("Filters")), count);
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    panel.classList.toggle("open", open);
  });
  panel.addEventListener("change", () => {
    const n = active(panel);
    count.textContent = num(n);
    count.hidden = n === 0;
    toggle.setAttribute("aria-label", n ? t("Filters ({n} in force)", { n: num(n) }) : t("Filters"));
  });
  return { toggle, panel };
}
