//! What axe-core cannot see on the agent page (issue #17): the inbox worked with keys alone —
//! Tab to a conversation (the arrows choosing Mine / Unassigned / All), Enter to open it, type and send a reply with Enter, open the bell's
//! dialog and the user menu and close each with Escape, focus landing back where it was — with
//! a focus ring on everything focused on the way (an outline at least 2 px wide with 3:1 against
//! what is behind it); and the messages as a live region that a screen reader reads out.

use std::time::Duration;

use fantoccini::key::Key;
use serde_json::Value;

use crate::common::browser::Browser;
use crate::common::spawn_app;
use crate::common::views::{browser, open_shop, sign_in};

/// The focused element: a name for it, and its focus ring's style, width and contrast with the
/// nearest opaque background behind it.
const FOCUSED: &str = "(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let back = [255, 255, 255];
  for (let e = el.parentElement; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || c[3] > 0.5) { back = c; break; }
  }
  const [a, b] = [lum(rgb(s.outlineColor)), lum(back)];
  const name = el.id ? '#' + el.id : el.tagName.toLowerCase() + (el.classList[0] ? '.' + el.classList[0] : '');
  return { name, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
    contrast: Math.round(100 * (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) / 100 };
})()";

/// Presses Tab (Shift+Tab when `back`) until the focused element is `target` (a name as
/// FOCUSED gives it, or `.item` for any conversation row), checking the ring of each element
/// focused on the way; returns the rings that are not visible enough.
async fn tab_to(b: &Browser, target: &str, back: bool, weak: &mut Vec<String>) {
    for _ in 0..80 {
        if back {
            b.press(&[Key::Shift.into(), Key::Tab.into()]).await;
        } else {
            b.press(&[Key::Tab.into()]).await;
        }
        let now = b.eval(FOCUSED).await;
        if now.is_null() {
            continue;
        }
        ring(&now, weak);
        if now["name"] == target {
            return;
        }
    }
    panic!("Tab never reached {target}; weak rings so far: {weak:#?}");
}

fn ring(now: &Value, weak: &mut Vec<String>) {
    let visible = now["style"] != "none"
        && now["width"].as_f64().unwrap_or(0.0) >= 2.0
        && now["contrast"].as_f64().unwrap_or(0.0) >= 3.0;
    if !visible
        && !weak
            .iter()
            .any(|w| w.starts_with(&format!("{} ", now["name"])))
    {
        weak.push(format!("{} {now}", now["name"]));
    }
}

#[tokio::test]
async fn the_inbox_works_from_the_keyboard_with_the_focus_always_visible() {
    let app = spawn_app().await;
    open_shop(&app).await;
    let base = app.url("/");
    let b = browser(1366, "fa").await;
    sign_in(&b, &base).await;
    b.until(
        "the list",
        "document.querySelectorAll('#conversation-list .item').length === 2",
    )
    .await;
    let mut weak = Vec::new();

    // The chosen tab is the one Tab stop of Mine / Unassigned / All; → is the tab on the left
    // in Persian (Unassigned), ← goes back.
    tab_to(&b, "#tab-all", false, &mut weak).await;
    b.press(&[Key::Right.into()]).await;
    b.until(
        "Unassigned chosen from the keyboard",
        "document.activeElement.id === 'tab-unassigned' && \
         document.activeElement.getAttribute('aria-selected') === 'true'",
    )
    .await;
    b.press(&[Key::Left.into()]).await;
    b.until(
        "All chosen again",
        "document.activeElement.id === 'tab-all' && \
         document.activeElement.getAttribute('aria-selected') === 'true'",
    )
    .await;
    tab_to(&b, "button.item", false, &mut weak).await;
    b.press(&[Key::Enter.into()]).await;
    b.until(
        "the conversation open, the cursor in its reply box",
        "location.hash.startsWith('#/inbox/') && document.activeElement.id === 'compose'",
    )
    .await;
    let words = "پاسخ با صفحه‌کلید";
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(words)
        .await
        .unwrap();
    b.press(&[Key::Enter.into()]).await;
    b.until(
        "the reply stored and shown",
        &format!(
            "[...document.querySelectorAll('#messages .msg.support')].some((m) => \
             !m.dataset.id.startsWith('local-') && m.textContent.includes('{words}'))"
        ),
    )
    .await;

    tab_to(&b, "#attention-button", true, &mut weak).await;
    b.press(&[Key::Enter.into()]).await;
    b.until(
        "the bell's dialog",
        "document.querySelector('#attention-settings[open]')",
    )
    .await;
    ring(&b.eval(FOCUSED).await, &mut weak);
    b.press(&[Key::Escape.into()]).await;
    b.until(
        "the dialog closed, focus back on the bell",
        "!document.querySelector('#attention-settings[open]') && document.activeElement.id === 'attention-button'",
    )
    .await;

    tab_to(&b, "summary", false, &mut weak).await;
    b.press(&[Key::Enter.into()]).await;
    b.until(
        "the user menu",
        "document.querySelector('#user-menu[open]')",
    )
    .await;
    tab_to(&b, "#my-account", false, &mut weak).await;
    b.press(&[Key::Escape.into()]).await;
    b.until(
        "the menu closed, focus back on it",
        "!document.querySelector('#user-menu[open]') && document.activeElement.matches('#user-menu summary')",
    )
    .await;
    b.screenshot("a11y-keyboard-fa").await;
    b.quit().await;
    assert!(weak.is_empty(), "focused without a visible ring: {weak:#?}");
}

/// Notes every message bubble added to `#messages` and, one frame later (when Chromium passes
/// the change to a screen reader), whether it is then inside a live region that is not off:
/// those are the bubbles a screen reader reads out.
const HEAR: &str = "(() => {
  window.__added = 0;
  window.__heard = [];
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (!(n instanceof Element)) continue;
      for (const m of n.matches('.msg') ? [n] : n.querySelectorAll('.msg')) {
        if (!m.closest('#messages')) continue;
        window.__added += 1;
        requestAnimationFrame(() => {
          const region = m.closest('[aria-live], [role=log], [role=status], [role=alert]');
          const live = region && (region.getAttribute('aria-live') || 'polite');
          if (m.isConnected && live !== null && live !== 'off') {
            window.__heard.push({ id: m.dataset.id, text: m.textContent, role: region.getAttribute('role') });
          }
        });
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
  return true;
})()";

/// The message list is a `role="log"` live region (polite: read when the reader is idle, not
/// cutting the agent off), because that is where a new message appears and where a reader's
/// user finds it again. A live region reads out every node added to it, so: unchanged bubbles
/// are never taken out and put back on a redraw (today's page redrew the whole list, so each new
/// message re-read the conversation), and the history (first page, older pages) is drawn while
/// the log is `aria-live="off"` until Chromium has passed it on (two frames), so opening a
/// conversation does not read out its past. Messages missed during a reconnect are new to the
/// agent and are read. What is checked is what Chromium would hand a reader: the bubbles added
/// while their region is live one frame later.
#[tokio::test]
async fn a_new_customer_message_is_announced_and_the_history_is_not() {
    let app = spawn_app().await;
    let shop = open_shop(&app).await;
    let base = app.url("/");
    let b = browser(1366, "fa").await;
    sign_in(&b, &base).await;
    assert_eq!(b.eval(HEAR).await, true);
    b.eval(&format!("location.hash = '#/inbox/{}'", shop.conversation))
        .await;
    b.until(
        "the history",
        "document.querySelectorAll('#messages .msg').length >= 2",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(b.eval("window.__added").await.as_i64().unwrap() >= 2);
    assert_eq!(
        b.eval("window.__heard").await,
        serde_json::json!([]),
        "the history was read out"
    );
    assert_eq!(
        b.eval("document.querySelector('#messages').getAttribute('role')")
            .await,
        "log"
    );

    let words = "یک پیام تازه از مریم";
    app.inbound("telegram", "100", "مریم", words).await;
    b.until(
        "the new message",
        &format!("document.querySelector('#messages').textContent.includes('{words}')"),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let heard = b.eval("window.__heard").await;
    let heard = heard.as_array().unwrap();
    assert_eq!(heard.len(), 1, "read out: {heard:#?}");
    assert!(
        heard[0]["text"].as_str().unwrap().contains(words),
        "{heard:#?}"
    );
    assert_eq!(heard[0]["role"], "log");
    b.quit().await;
}
