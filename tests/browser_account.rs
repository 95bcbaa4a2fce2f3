//! The agent page's account messages and the admin's views in headless Chromium: why you were
//! signed out, a disabled account, a conversation that does not exist, a reply that failed while
//! the server was down, "Change my password", the dialogs, the log's empty state and the
//! connections page. Screenshots `account-*.png` at 1366×800.

use std::time::Duration;

use fantoccini::key::Key;
use pilito_box::storage::users::Role;
use serde_json::json;

use crate::common::browser::Browser;
use crate::common::{PASSWORD, TestApp, spawn_app, spawn_with};

const NEW_PASSWORD: &str = "Tulip orbit 7342 gravel";

fn base(app: &TestApp) -> String {
    format!("http://{}/", app.addr)
}

async fn browser() -> Browser {
    Browser::start(1366, 800).await
}

/// Opens the page in Persian (kept in localStorage, as the language switch does).
async fn in_persian(b: &Browser, app: &TestApp) {
    b.client.goto(&base(app)).await.unwrap();
    b.eval("localStorage.setItem('pilito-box.lang', 'fa')")
        .await;
}

async fn patch_user(app: &TestApp, admin_token: &str, id: i64, body: serde_json::Value) {
    let r = app
        .http
        .patch(app.url(&format!("/api/v1/usr/users/{id}")))
        .bearer_auth(admin_token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn an_admin_password_reset_says_why_on_the_sign_in_page() {
    let app = spawn_app().await;
    let admin = app.user("boss", Role::Admin).await;
    let sara = app.user("sara", Role::Agent).await;
    let admin_token = app.token(admin.id).await;
    let b = browser().await;
    in_persian(&b, &app).await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    patch_user(
        &app,
        &admin_token,
        sara.id,
        json!({"password": NEW_PASSWORD}),
    )
    .await;
    let words = "رمز عبور شما را یک مدیر تغییر داد. با رمز تازه وارد شوید.";
    let shown = format!("document.querySelector('#signin-message')?.textContent === '{words}'");
    b.until("the reason on the sign-in form", &shown).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        b.eval(&shown).await,
        true,
        "the form is not redrawn empty after the reason is shown"
    );
    b.screenshot("account-signin-reason-fa").await;
    b.quit().await;
}

#[tokio::test]
async fn a_disabled_account_is_told_so() {
    let app = spawn_app().await;
    let admin = app.user("boss", Role::Admin).await;
    let sara = app.user("sara", Role::Agent).await;
    let admin_token = app.token(admin.id).await;
    patch_user(&app, &admin_token, sara.id, json!({"is_active": false})).await;
    let b = browser().await;
    b.client.goto(&base(&app)).await.unwrap();
    b.type_in("#signin input[name=username]", "sara").await;
    b.type_in("#signin input[name=password]", PASSWORD).await;
    b.click("#signin button[type=submit]").await;
    b.until(
        "the disabled message",
        "document.querySelector('#signin-message')?.textContent === 'This account is disabled. Ask an admin to turn it back on.'",
    )
    .await;
    b.quit().await;
}

/// `pilito_handshakes_refused_total` from `/metrics` (open to loopback).
async fn refused_handshakes(app: &TestApp) -> u64 {
    let text = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("pilito_handshakes_refused_total "))
        .and_then(|n| n.trim().parse().ok())
        .expect("the refused-handshakes counter")
}

#[tokio::test]
async fn an_unknown_conversation_stops_reconnecting_and_says_so() {
    let app = spawn_app().await;
    app.user("sara", Role::Agent).await;
    let b = browser().await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    b.go(&format!("{}#/inbox/NoSuchConversation", base(&app)))
        .await;
    b.until(
        "the conversation said to be missing",
        "document.querySelector('#messages')?.textContent.includes('This conversation does not exist.')",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = refused_handshakes(&app).await;
    assert!(before >= 1, "the chat socket was refused with 404");
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        refused_handshakes(&app).await,
        before,
        "no more attempts to open the chat socket"
    );
    assert_eq!(
        b.eval("document.getElementById('status').hidden").await,
        true,
        "no Reconnecting… banner"
    );
    b.quit().await;
}

#[tokio::test]
async fn a_reply_that_failed_while_the_server_was_down_is_sent_once_when_it_is_back() {
    let app = spawn_app().await;
    let sara = app.user("sara", Role::Agent).await;
    let conv = app
        .inbound_conversation("telegram", "500", "Leila", "hello?")
        .await;
    let b = browser().await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    b.go(&format!("{}#/inbox/{conv}", base(&app))).await;
    b.until(
        "the history",
        "document.querySelectorAll('#messages .msg').length === 1",
    )
    .await;
    let addr = app.addr;
    let dir = app.stop().await;
    b.until(
        "the reconnecting banner with Reconnect now",
        "!document.getElementById('status').hidden && document.getElementById('reconnect-now')",
    )
    .await;
    b.type_in("#compose", "written while you were away\n").await;
    b.until(
        "the send marked failed",
        "document.querySelector('#messages .msg.failed')",
    )
    .await;
    let app = crate::common::start_at(dir, addr, |_| {}).await;
    b.eval("document.getElementById('reconnect-now')?.click()")
        .await;
    b.until(
        "the reply sent without a click on Retry",
        "document.querySelectorAll('#messages .msg.support[data-state=sent]').length === 1",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let token = app.token(sara.id).await;
    let stored: serde_json::Value = app
        .http
        .get(app.url(&format!(
            "/api/v1/message/user-messages?conversation={conv}&page_size=50"
        )))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let copies = stored["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["content"] == "written while you were away")
        .count();
    assert_eq!(copies, 1, "stored exactly once: {stored}");
    assert_eq!(
        b.eval("document.querySelectorAll('#messages .msg.support').length")
            .await,
        1,
        "shown once"
    );
    b.quit().await;
}

#[tokio::test]
async fn every_user_changes_their_own_password() {
    let app = spawn_app().await;
    app.user("sara", Role::Agent).await;
    let b = browser().await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    b.find("#user-menu summary").await.click().await.unwrap();
    b.find("#my-account").await.click().await.unwrap();
    b.type_in("#account-current", "not my password").await;
    b.type_in("#account-fresh", NEW_PASSWORD).await;
    b.type_in("#account-again", NEW_PASSWORD).await;
    b.click("#change-password button[type=submit]").await;
    b.until(
        "the wrong current password said next to it",
        "document.querySelector('#account-current-why').textContent === 'The current password is not right.'",
    )
    .await;
    b.find("#account-current").await.clear().await.unwrap();
    b.type_in("#account-current", PASSWORD).await;
    b.click("#change-password button[type=submit]").await;
    b.until(
        "the change confirmed",
        "document.querySelector('#account-done').textContent.includes('was changed')",
    )
    .await;
    b.screenshot("account-password-en").await;
    let login = |password: &'static str| {
        let (http, url) = (app.http.clone(), app.url("/api/v1/usr/login"));
        async move {
            http.post(url)
                .json(&json!({"email_or_username": "sara", "password": password}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(login(NEW_PASSWORD).await, 200);
    assert_eq!(login(PASSWORD).await, 400);
    b.go(&format!("{}#/inbox", base(&app))).await;
    b.find("#conversation-list").await;
    b.quit().await;
}

#[tokio::test]
async fn admin_dialogs_the_add_user_form_and_the_empty_log() {
    let app = spawn_app().await;
    app.user("boss", Role::Admin).await;
    app.user("reza", Role::Agent).await;
    let b = browser().await;
    in_persian(&b, &app).await;
    b.sign_in(&base(&app), "boss", PASSWORD).await;
    b.go(&format!("{}#/admin", base(&app))).await;
    b.click("tr[data-user=reza] .reset-password").await;
    b.until(
        "a modal dialog with the focus inside",
        "document.querySelector('dialog[open]') && document.activeElement.closest('dialog[open]') && document.querySelector('dialog[open]').getAttribute('aria-labelledby')",
    )
    .await;
    b.type_in("dialog[open] input[type=password]", "password")
        .await;
    b.click("dialog[open] button[type=submit]").await;
    b.until(
        "the policy's reason next to the field",
        "document.querySelector('dialog[open] .field-why')?.textContent.length > 0",
    )
    .await;
    b.screenshot("account-dialog-fa").await;
    b.type_in(
        "dialog[open] input[type=password]",
        &Key::Escape.to_string(),
    )
    .await;
    b.until("Escape closed it", "!document.querySelector('dialog')")
        .await;

    b.type_in("#add-user input[name=username]", "reza").await;
    b.type_in("#add-user input[name=password]", NEW_PASSWORD)
        .await;
    b.click("#add-user button[type=submit]").await;
    b.until(
        "the refusal next to the user name",
        "document.querySelector('#add-user-username-why').textContent.length > 0",
    )
    .await;
    assert_eq!(
        b.eval("[document.querySelector('#add-user input[name=username]').value, document.querySelector('#add-user input[name=password]').value]").await,
        json!(["reza", NEW_PASSWORD]),
        "what was typed is kept"
    );

    b.go(&format!("{}#/logs", base(&app))).await;
    b.find("#log-level")
        .await
        .select_by_value("error")
        .await
        .unwrap();
    b.until(
        "the empty state instead of an empty black box",
        "!document.getElementById('log-empty').hidden && document.getElementById('log-lines').hidden",
    )
    .await;
    b.screenshot("account-logs-empty-fa").await;
    b.quit().await;
}

#[tokio::test]
async fn the_connections_page_shows_the_other_agents_socket() {
    let app = spawn_with(|c| c.limits.ping_interval_secs = 1).await;
    app.user("boss", Role::Admin).await;
    let (_reza, reza_token) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let first = app.chat(&conv, &reza_token).await;
    drop(first);
    let mut open = app.chat(&conv, &reza_token).await;
    // A live client reads, and reading answers the server's pings.
    let reader = tokio::spawn(async move {
        loop {
            open.expect_silence(Duration::from_secs(1)).await;
        }
    });
    let b = browser().await;
    b.sign_in(&base(&app), "boss", PASSWORD).await;
    b.click("a[href='#/connections']").await;
    b.until(
        "reza's chat socket",
        &format!("[...document.querySelectorAll('#open-sockets tr[data-user=reza] a')].some(a => a.getAttribute('href') === '#/inbox/{conv}')"),
    )
    .await;
    b.until(
        "reza's lost socket among the recent closes",
        "[...document.querySelectorAll('#recent-closes tr')].some(r => r.textContent.includes('reza') && r.textContent.includes('1006'))",
    )
    .await;
    b.until(
        "reza's ping round trip",
        "document.querySelector('#open-sockets tr[data-user=reza] td:nth-child(6)')?.textContent.endsWith('ms')",
    )
    .await;
    b.screenshot("account-connections-en").await;
    reader.abort();
    b.quit().await;
}
