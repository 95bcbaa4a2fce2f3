//! Attention and keyboard on the agent page (issue #16): a customer message in a conversation
//! other than the open one counts in the tab title and badges the tab icon, plays the chosen
//! sound (audio unlocked by the agent's first click) and shows a desktop notification (the
//! permission granted through the browser automation protocol) that opens its conversation; nothing fires
//! for the conversation on screen; the choices are the agent's preferences on the server and
//! outlive a reload; the page installs as an app. Keyboard: the reply box takes the cursor when
//! a conversation opens, Alt+↓/↑ and J/K move between conversations, `/` searches, Alt+C closes,
//! Alt+A assigns to me, `?` lists the shortcuts in a dialog that Escape closes.

use std::time::Duration;

use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::common::browser::Browser;
use crate::common::{PASSWORD, TestApp, spawn_app};

fn base(app: &TestApp) -> String {
    format!("http://{}/", app.addr)
}

async fn hash(b: &Browser) -> String {
    b.eval("location.hash").await.as_str().unwrap().to_owned()
}

/// Counts the audio sources the page starts and the notifications it makes, without changing
/// what either does.
const OBSERVE: &str = "(() => {
  window.__starts = 0;
  const start = AudioScheduledSourceNode.prototype.start;
  AudioScheduledSourceNode.prototype.start = function (...a) { window.__starts++; return start.apply(this, a); };
  window.__notes = [];
  window.Notification = new Proxy(window.Notification, {
    construct(Real, args) { const n = new Real(...args); window.__notes.push(n); return n; },
  });
  return true;
})()";

#[tokio::test]
async fn a_customer_message_elsewhere_counts_sounds_and_notifies() {
    let app = spawn_app().await;
    let sara = app
        .user("sara", pilito_box::storage::users::Role::Agent)
        .await;
    let ali = app
        .inbound_conversation("api", "ali-1", "Ali", "salam")
        .await;
    let b = Browser::start(1366, 800).await;
    let origin = format!("http://{}", app.addr);
    b.cdp(
        "Browser.grantPermissions",
        json!({"origin": origin, "permissions": ["notifications"]}),
    )
    .await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    b.until(
        "the unread conversation counted",
        "document.title === '(1) pilito-box'",
    )
    .await;

    // The manifest makes the page installable.
    let manifest = app
        .http
        .get(app.url("/manifest.webmanifest"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        manifest.headers()["content-type"],
        "application/manifest+json"
    );
    let manifest: Value = manifest.json().await.unwrap();
    assert_eq!(manifest["display"], "standalone");
    let errors = b.cdp("Page.getInstallabilityErrors", json!({})).await;
    assert_eq!(
        errors["installabilityErrors"],
        json!([]),
        "Chromium's installability check: {errors}"
    );

    // Notifications on, from the settings panel (the permission is already granted).
    b.find("#attention-button").await.click().await.unwrap();
    b.until(
        "the panel",
        "document.getElementById('attention-settings').open",
    )
    .await;
    assert_eq!(
        b.eval("document.getElementById('notify-state').textContent")
            .await,
        "Off"
    );
    b.find("#notify-toggle").await.click().await.unwrap();
    b.until(
        "notifications on",
        "document.getElementById('notify-state').textContent === 'On'",
    )
    .await;
    b.eval("(() => { const s = document.getElementById('sound-choice'); s.value = 'bell'; s.dispatchEvent(new Event('change')); return 1; })()")
        .await;
    let token = app.token(sara.id).await;
    for _ in 0..50 {
        let prefs: Value = app
            .http
            .get(app.url("/api/v1/usr/me/preferences"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if prefs["sound"] == "bell" {
            assert_eq!(prefs["notify"], true);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.click("#attention-settings button.primary").await;

    // Ali's conversation open (a click, which also unlocks the audio) and read: nothing waits.
    b.click(&format!(".item[data-id='{ali}']")).await;
    b.until("read", "document.title === 'pilito-box'").await;
    assert_eq!(
        b.eval("document.querySelector('link[rel=icon]').getAttribute('href')")
            .await,
        "/icon.svg"
    );
    assert_eq!(b.eval(OBSERVE).await, true);

    // A new customer writes while Ali's conversation is open.
    let bita = app
        .inbound_conversation("api", "bita-1", "Bita", "is anyone there?")
        .await;
    b.until(
        "the title counts the waiting conversation",
        "document.title === '(1) pilito-box'",
    )
    .await;
    b.until(
        "the tab icon badged",
        "document.querySelector('link[rel=icon]').getAttribute('href').startsWith('blob:')",
    )
    .await;
    let icon = b
        .eval(
            "new Promise((ok, no) => { const i = new Image(); i.onload = () => { \
               const c = document.createElement('canvas'); c.width = i.naturalWidth; \
               c.height = i.naturalHeight; c.getContext('2d').drawImage(i, 0, 0); \
               ok([...atob(c.toDataURL('image/png').split(',')[1])].map((x) => x.charCodeAt(0))); }; \
               i.onerror = () => no(new Error('the badged icon did not load under the page policy')); \
               i.src = document.querySelector('link[rel=icon]').href; })",
        )
        .await;
    let icon: Vec<u8> = serde_json::from_value(icon).unwrap();
    assert_eq!(&icon[1..4], b"PNG", "the badged icon loads as an image");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("attention-icon.png"), &icon).unwrap();
    b.until("a sound played", "window.__starts > 0").await;
    b.until("a notification shown", "window.__notes.length === 1")
        .await;
    let note = b
        .eval("({title: __notes[0].title, body: __notes[0].body, permission: Notification.permission})")
        .await;
    assert_eq!(
        note,
        json!({"title": "New message from \u{2068}Bita\u{2069}", "body": "is anyone there?", "permission": "granted"})
    );
    b.screenshot("attention-title-en").await;

    // Clicking the notification opens Bita's conversation, the cursor in its reply box.
    b.eval("__notes[0].dispatchEvent(new Event('click'))").await;
    b.until(
        "the conversation opened",
        &format!("location.hash === '#/inbox/{bita}'"),
    )
    .await;
    b.until(
        "the reply box focused",
        "document.activeElement && document.activeElement.id === 'compose'",
    )
    .await;
    b.until("read again", "document.title === 'pilito-box'")
        .await;

    // Nothing fires for the conversation on screen.
    let starts = b.eval("window.__starts").await;
    app.inbound("api", "bita-1", "Bita", "hello?").await;
    b.until(
        "the message shown",
        "document.getElementById('chat-pane').textContent.includes('hello?')",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(b.eval("window.__notes.length").await, 1);
    assert_eq!(b.eval("window.__starts").await, starts);

    // The choices outlive a reload.
    b.client.refresh().await.unwrap();
    b.find("#attention-button").await.click().await.unwrap();
    b.until(
        "the panel, with the saved choices",
        "document.getElementById('sound-choice').value === 'bell' \
         && document.getElementById('notify-state').textContent === 'On'",
    )
    .await;
    b.quit().await;
}

#[tokio::test]
async fn the_keyboard_moves_between_conversations_and_lists_its_shortcuts() {
    let app = spawn_app().await;
    let sara = app
        .user("sara", pilito_box::storage::users::Role::Agent)
        .await;
    let mut ids = Vec::new();
    for (handle, name) in [("c-1", "Cyrus"), ("d-1", "Dara"), ("e-1", "Elham")] {
        ids.push(app.inbound_conversation("api", handle, name, "salam").await);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let b = Browser::start(1366, 800).await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    b.until(
        "three rows",
        "document.querySelectorAll('#conversation-list .item').length === 3",
    )
    .await;
    let rows: Vec<String> = serde_json::from_value(
        b.eval(
            "[...document.querySelectorAll('#conversation-list .item')].map((e) => e.dataset.id)",
        )
        .await,
    )
    .unwrap();
    b.click(&format!(".item[data-id='{}']", rows[0])).await;
    let focused = "document.activeElement && document.activeElement.id === 'compose'";
    b.until("the reply box focused on opening", focused).await;

    // Alt+↓ works while typing; J and K only when not.
    b.press(&[Key::Alt.into(), Key::Down.into()]).await;
    b.until(
        "the next conversation",
        &format!("location.hash === '#/inbox/{}'", rows[1]),
    )
    .await;
    b.until("the reply box focused again", focused).await;
    b.find("#compose").await.send_keys("jk").await.unwrap();
    assert_eq!(hash(&b).await, format!("#/inbox/{}", rows[1]));
    assert_eq!(
        b.eval("document.getElementById('compose').value").await,
        "jk"
    );
    b.press(&[Key::Alt.into(), Key::Up.into()]).await;
    b.until(
        "the previous conversation",
        &format!("location.hash === '#/inbox/{}'", rows[0]),
    )
    .await;
    b.eval("(document.activeElement.blur(), true)").await;
    b.press(&['j']).await;
    b.until(
        "J: the next one",
        &format!("location.hash === '#/inbox/{}'", rows[1]),
    )
    .await;
    b.eval("(document.activeElement.blur(), true)").await;
    b.press(&['k']).await;
    b.until(
        "K: the previous one",
        &format!("location.hash === '#/inbox/{}'", rows[0]),
    )
    .await;

    // Search, close, assign to me.
    b.eval("(document.activeElement.blur(), true)").await;
    b.press(&['/']).await;
    b.until("search focused", "document.activeElement.id === 'search'")
        .await;
    b.find("#search").await.send_keys("x").await.unwrap();
    assert_eq!(b.eval("document.getElementById('search').value").await, "x");
    b.eval("(() => { const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input')); return 1; })()").await;
    b.press(&[Key::Control.into(), 'k']).await;
    b.until(
        "Ctrl+K: search focused",
        "document.activeElement.id === 'search'",
    )
    .await;
    b.press(&[Key::Alt.into(), 'c']).await;
    b.press(&[Key::Alt.into(), 'a']).await;
    let token = app.token(sara.id).await;
    let mut detail = Value::Null;
    for _ in 0..50 {
        detail = app
            .http
            .get(app.url(&format!("/api/v1/message/conversation-item/{}/", rows[0])))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if detail["status"] == "closed" && detail["assigned_to"] == sara.id {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        (&detail["status"], &detail["assigned_to"]),
        (&json!("closed"), &json!(sara.id)),
        "Alt+C closed it and Alt+A assigned it to me"
    );

    // `?` lists the shortcuts; Escape closes the list.
    b.eval("(document.activeElement.blur(), true)").await;
    b.press(&[Key::Shift.into(), '?']).await;
    b.until(
        "the shortcuts",
        "document.getElementById('shortcuts')?.open",
    )
    .await;
    let label = b
        .eval("document.getElementById(document.getElementById('shortcuts').getAttribute('aria-labelledby')).textContent")
        .await;
    assert_eq!(label, "Keyboard shortcuts");
    b.screenshot("attention-shortcuts-en").await;
    b.press(&[Key::Escape.into()]).await;
    b.until("closed", "!document.getElementById('shortcuts').open")
        .await;

    // The settings panel in Persian.
    b.eval("(localStorage.setItem('pilito-box.lang', 'fa'), true)")
        .await;
    b.client.refresh().await.unwrap();
    b.find("#attention-button").await.click().await.unwrap();
    b.until(
        "the panel",
        "document.getElementById('attention-settings').open",
    )
    .await;
    assert_eq!(
        b.eval("document.getElementById('attention-settings-title').textContent")
            .await,
        "صدا و اعلان‌ها"
    );
    b.screenshot("attention-settings-fa").await;
    b.quit().await;
}
