// What draws an agent's attention to a customer waiting, in conversations that are theirs or
// nobody's (only theirs, if they chose so): a sound and a desktop notification when a customer
// message arrives (`new_customer_message` on the list feed), and the count of conversations
// with unread customer messages in the tab title, the tab icon and the app badge. The inbox
// hands it the list feed's rows and frames; nothing fires for the conversation open on screen.

import { session } from "./session.js";
import { customerName } from "./dom.js";
import { t } from "./i18n.js";
import { prefs } from "./prefs.js";
import { Sounds } from "./sounds.js";
import { Badge } from "./badge.js";
import { notify } from "./notify.js";

/** How long a customer message waits for its `conversation_updated` (which says whose the
 * conversation is) before the alert is decided on what is known. */
const WAIT_FOR_UPDATE = 400;

class Attention {
  constructor() {
    this.prefs = prefs;
    this.sounds = null;
    this.badge = new Badge();
    this.unread = new Map();
    this.assignee = new Map();
    this.names = new Map();
    this.waiting = new Map();
    this.selected = null;
    this.prefs.onChange(() => this.recount());
  }

  /** The inbox is on screen: preferences are read, sounds can be unlocked. */
  attach() {
    this.prefs.load();
    this.sounds ??= new Sounds();
  }

  /** The conversation now open (or null). */
  opened(id) {
    this.selected = id || null;
  }

  /** Rows of a list page the inbox drew. */
  rows(conversations) {
    for (const c of conversations) this.learn(c);
    this.recount();
  }

  /** A list-feed frame other than a list page. */
  frame(frame) {
    if (frame.type === "conversation_updated" && frame.conversation) {
      this.learn(frame.conversation);
      this.recount();
      const waiting = this.waiting.get(frame.conversation.id);
      if (waiting) waiting.fire();
    } else if (frame.type === "new_customer_message") {
      this.arrived(frame.conversation_id, frame.message);
    }
  }

  learn(c) {
    if ("assigned_to" in c) this.assignee.set(c.id, c.assigned_to ?? null);
    if (c.customer) this.names.set(c.id, customerName(c.customer));
    this.unread.set(c.id, c.unread_count || 0);
  }

  /** Whether conversation `id` is the agent's concern: theirs, or nobody's unless only theirs. */
  concerns(id) {
    const me = session.user()?.id;
    const who = this.assignee.get(id) ?? null;
    return who === me || (who === null && !this.prefs.values.only_mine);
  }

  recount() {
    let count = 0;
    for (const [id, n] of this.unread) if (n > 0 && this.concerns(id)) count += 1;
    this.badge.show(count);
  }

  arrived(id, message) {
    this.waiting.get(id)?.cancel();
    const timer = setTimeout(() => fire(), WAIT_FOR_UPDATE);
    const entry = {
      cancel: () => { clearTimeout(timer); this.waiting.delete(id); },
      fire: () => fire(),
    };
    const fire = () => {
      entry.cancel();
      this.alert(id, message);
    };
    this.waiting.set(id, entry);
  }

  alert(id, message) {
    if (!this.concerns(id)) return;
    if (id === this.selected && !document.hidden) return;
    const prefs = this.prefs.values;
    if (prefs.sound !== "off") this.sounds?.play(prefs.sound);
    if (prefs.notify) {
      const name = this.names.get(id) || t("Customer");
      notify(id, t("New message from {name}", { name }), message?.content || t("File"),
        (open) => { location.hash = `#/inbox/${open}`; });
    }
  }

  /** The inbox is gone (another page, or signed out): nothing is counted any more. */
  detach() {
    for (const entry of [...this.waiting.values()]) entry.cancel();
    this.unread.clear();
    this.assignee.clear();
    this.names.clear();
    this.selected = null;
    this.badge.reset();
  }

  /** Signing out: the next agent's preferences are read afresh. */
  reset() {
    this.detach();
    this.prefs.reset();
  }
}

/** The page's one attention keeper (one tab, one signed-in agent). */
export const attention = new Attention();
