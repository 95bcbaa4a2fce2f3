// Desktop notifications: the browser's permission (asked for only from a button, never on
// load) and one notification per conversation (a newer one replaces it), which brings the tab
// forward and opens the conversation when clicked.

/** "granted", "denied", "default", or "unsupported" (no API, or not a secure context). */
export function permission() {
  if (!("Notification" in window) || !window.isSecureContext) return "unsupported";
  return Notification.permission;
}

/** Asks the browser for permission (call from a click); resolves with `permission()`. */
export async function askPermission() {
  if (permission() === "unsupported") return "unsupported";
  try {
    await Notification.requestPermission();
  } catch {
    // Old Safari takes a callback and returns nothing to await.
  }
  return permission();
}

/** Shows a notification for conversation `id`; `open` runs when it is clicked. */
export function notify(id, title, body, open) {
  if (permission() !== "granted") return null;
  const n = new Notification(title, { body, tag: `pilito-box-${id}`, icon: "/img/icon-192.png", lang: document.documentElement.lang, dir: "auto" });
  n.onclick = () => {
    window.focus();
    open(id);
    n.close();
  };
  return n;
}
