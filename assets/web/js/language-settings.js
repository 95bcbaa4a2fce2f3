// The "Language and calendar" card of My account: the page's language and the calendar dates
// are written in (Solar Hijri or Gregorian), saved with the agent so every device follows.

import { h } from "./dom.js";
import { t, lang, languages, calendar } from "./i18n.js";
import { thisYear } from "./dates.js";
import { choose } from "./language.js";

const CALENDARS = [["persian", "Solar Hijri"], ["gregorian", "Gregorian"]];

/** The card, its choices showing what the page is drawn in. */
export function languageCard() {
  const language = h("select", { id: "setting-lang", name: "lang" },
    languages().map((l) => h("option", { value: l.code, lang: l.code, selected: l.code === lang() }, l.name)));
  const calendars = CALENDARS.map(([value, label]) => h("label", { class: "choice" },
    h("input", { type: "radio", name: "calendar", value, checked: value === calendar() }), `${t(label)} (${thisYear(value)})`));
  const why = h("p", { class: "error", role: "alert", id: "language-why" });
  const form = h("form", { class: "card account-form language-form", id: "language-settings" },
    h("h2", {}, t("Language and calendar")),
    h("label", { for: language.id }, t("Language"), language),
    h("fieldset", {}, h("legend", {}, t("Calendar")), calendars),
    why,
    h("button", { type: "submit", class: "primary" }, t("Save")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    why.textContent = "";
    const picked = form.querySelector("input[name=calendar]:checked")?.value;
    const own = language.value === "fa" ? "persian" : "gregorian";
    try {
      await choose(language.value, picked === own ? null : picked);
    } catch (err) {
      why.textContent = err.message;
    }
  });
  return form;
}
