// The setup checklist page (`#/setup`, admins only; PROTOCOL §6a, §10.14): the six steps of
// setup-steps.js in order, each with its state (done ✓, skipped, to do), what to do and Skip or
// Resume; "Put away" and its undoing. It is drawn once and then changed in place from every
// checklist the feed or a REST answer brings, so focus and typed text stay where they are.

import { h, fill } from "./dom.js";
import { t, num } from "./i18n.js";
import { STEPS } from "./setup-steps.js";
import { watchWizard, unwatchWizard, changeWizard } from "./wizard.js";

const STATE_WORDS = { done: () => t("Completed"), skipped: () => t("Skipped"), todo: () => t("To do") };

export class SetupPage {
  constructor(container) {
    this.error = h("p", { class: "error", role: "alert", id: "setup-error" });
    this.progress = h("p", { class: "setup-progress", id: "setup-progress" }, t("Loading…"));
    this.complete = h("p", { class: "setup-complete", id: "setup-complete", hidden: true },
      t("Everything is set up. Your customers can reach you, and your team is ready to answer them."));
    this.dismiss = h("button", { type: "button", id: "setup-dismiss" }, t("Put away"));
    this.dismiss.addEventListener("click", () => this.putAway());
    this.show = h("button", { type: "button", id: "setup-show" }, t("Show it when I sign in"));
    this.show.addEventListener("click", () => this.run(this.show, () => changeWizard("POST", "show")));
    this.awayNote = h("p", { class: "muted", id: "setup-away" }, t("Put away: it opens only from the menu."));
    this.steps = STEPS.map((def, i) => this.stepRow(def, i));
    fill(container, h("div", { class: "page setup", id: "setup-page" },
      h("h1", {}, t("Set up pilito-box")),
      h("p", { class: "muted" }, t("Six steps to a working inbox. Do them in any order; skip what you do not need.")),
      this.progress, this.complete, this.error,
      h("ol", { class: "setup-steps", id: "setup-steps" }, this.steps.map((s) => s.el)),
      h("div", { class: "row setup-away" }, this.dismiss, this.awayNote, this.show)));
    watchWizard("page", (status) => this.update(status));
  }

  /** One step's card, drawn once; `update` changes it in place. */
  stepRow(def, i) {
    const id = `setup-step-${def.step}`;
    const state = h("span", { class: "step-state", id: `${id}-state` });
    const text = h("p", { class: "step-text", id: `${id}-text` }, def.text({}));
    const action = def.action(this);
    const toggle = h("button", { type: "button", class: "step-toggle", id: `setup-toggle-${def.step}`,
      "aria-describedby": `${id}-title` });
    toggle.addEventListener("click", () => {
      const verb = toggle.dataset.verb;
      this.run(toggle, () => changeWizard("POST", `${def.step}/${verb}`));
    });
    const el = h("li", { class: "card setup-step", id, dataset: { step: def.step, state: "todo" } },
      h("div", { class: "step-head" }, h("span", { class: "step-no", "aria-hidden": "true" }, num(i + 1)),
        h("h2", { id: `${id}-title` }, def.title()), state),
      text, h("div", { class: "step-action" }, action.el), h("div", { class: "row step-controls" }, toggle));
    const update = (details, stepState) => {
      el.dataset.state = stepState;
      fill(state, stepState === "done" ? h("span", { "aria-hidden": "true" }, "✓ ") : null, STATE_WORDS[stepState]());
      text.textContent = def.text(details);
      toggle.hidden = stepState === "done";
      toggle.dataset.verb = stepState === "skipped" ? "resume" : "skip";
      toggle.textContent = stepState === "skipped" ? t("Resume") : t("Skip");
      action.update?.(details);
    };
    return { step: def.step, el, update };
  }

  /** Shows checklist `status` without drawing anything again. */
  update(status) {
    const d = status.details || {};
    const states = new Map((d.steps || []).map((s) => [s.step, s.state]));
    for (const row of this.steps) row.update(d, states.get(row.step) || "todo");
    this.progress.textContent = t("{done} of {total} steps done", { done: num(d.done ?? 0), total: num(d.total ?? STEPS.length) });
    this.complete.hidden = !status.wizard_complete;
    this.dismiss.hidden = Boolean(d.dismissed) || Boolean(status.wizard_complete);
    this.awayNote.hidden = !d.dismissed || Boolean(status.wizard_complete);
    this.show.hidden = this.awayNote.hidden;
  }

  /** Runs `action` with `button` busy (not disabled, so it keeps the focus); a second press
   * meanwhile does nothing, a refusal goes in `where` (the page's error line unless a step
   * has its own). True when it worked. */
  async run(button, action, where = this.error) {
    if (button.getAttribute("aria-busy")) return false;
    this.error.textContent = "";
    where.textContent = "";
    button.setAttribute("aria-busy", "true");
    try {
      await action();
      return true;
    } catch (e) {
      where.textContent = e.message;
      return false;
    } finally {
      button.removeAttribute("aria-busy");
    }
  }

  async putAway() {
    if (await this.run(this.dismiss, () => changeWizard("POST", "dismiss"))) location.hash = "#/inbox";
  }

  destroy() {
    unwatchWizard("page");
  }
}
