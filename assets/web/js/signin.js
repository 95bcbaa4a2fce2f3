// The sign-in form.

import { signIn } from "./auth.js";
import { h, fill } from "./dom.js";

/** Shows the sign-in form in `root` with `message` (why we are here); calls `done` once signed in. */
export function renderSignIn(root, message, done) {
  const name = h("input", { name: "username", autocomplete: "username", required: true, "aria-label": "User name or e-mail" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true, "aria-label": "Password" });
  const error = h("p", { class: "error", role: "alert" }, message || "");
  const form = h("form", { class: "signin", id: "signin" },
    h("h1", {}, "pilito-box"),
    h("label", {}, "User name or e-mail", name),
    h("label", {}, "Password", password),
    error,
    h("button", { class: "primary", type: "submit" }, "Sign in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await signIn(name.value.trim(), password.value);
      done();
    } catch (e) {
      error.textContent = e.message;
    }
  });
  fill(root, form);
  name.focus();
}
