//! The agent page in a real headless Chromium against the real server: sign-in, the live list,
//! a conversation, messages between two browsers, inbound messages, a server restart mid-session,
//! an expired session, filter menus filled from what the server names. Screenshots of the main screens go to `target/screenshots/`.

use std::time::Duration;

use pilito_box::storage::users::Role;
use serde_json::json;

use crate::common::browser::Browser;
use crate::common::{PASSWORD, TestApp, spawn_app};

fn base(app: &TestApp) -> String {
    format!("http://{}/", app.addr)
}

async fn inbound(app: &TestApp, source_id: &str, first: &str, text: &str) -> String {
    app.inbound_conversation("telegram", source_id, first, text)
        .await
}

#[tokio::test]
async fn two_agents_chat_live_and_inbound_messages_appear() {
    let app = spawn_app().await;
    app.user("sara", Role::Admin).await;
    app.user("reza", Role::Agent).await;
    let conv = inbound(&app, "100", "مریم", "سلام، سفارش من کی می‌رسد؟").await;

    let sara = Browser::start(1280, 800).await;
    let reza = Browser::start(1280, 800).await;
    sara.sign_in(&base(&app), "sara", PASSWORD).await;
    reza.sign_in(&base(&app), "reza", PASSWORD).await;
    sara.find(&format!("#conversation-list [data-id='{conv}']"))
        .await;
    sara.until(
        "the Persian name and unread badge",
        "document.querySelector('#conversation-list .item .badge')",
    )
    .await;
    sara.screenshot("inbox").await;

    sara.click(&format!("#conversation-list [data-id='{conv}']"))
        .await;
    reza.go(&format!("{}#/inbox/{conv}", base(&app))).await;
    for b in [&sara, &reza] {
        b.until(
            "the history",
            "document.querySelectorAll('#messages .msg').length === 1",
        )
        .await;
    }
    sara.type_in("#compose", "Tomorrow morning, Maryam.").await;
    sara.find("#send").await.click().await.unwrap();
    reza.until("sara's message", "[...document.querySelectorAll('#messages .msg')].some(m => m.textContent.includes('Tomorrow morning'))").await;
    sara.until(
        "the message marked sent",
        "document.querySelector('#messages .msg.support')?.dataset.state === 'sent'",
    )
    .await;
    sara.screenshot("conversation").await;

    inbound(&app, "100", "مریم", "ممنون!").await;
    for b in [&sara, &reza] {
        b.until("the inbound message", "[...document.querySelectorAll('#messages .msg')].some(m => m.textContent.includes('ممنون'))").await;
    }
    let other = inbound(&app, "200", "Ali", "Do you ship to Istanbul?").await;
    sara.find(&format!("#conversation-list [data-id='{other}']"))
        .await;
    let dir = sara
        .eval("getComputedStyle(document.querySelector('#messages .msg.customer .text')).direction")
        .await;
    assert_eq!(dir, "rtl", "Persian text displays right to left");
    sara.quit().await;
    reza.quit().await;
}

/// The `data-id`s of the messages on screen.
async fn shown(b: &Browser) -> Vec<String> {
    let ids = b
        .eval("[...document.querySelectorAll('#messages .msg')].map(m => m.dataset.id)")
        .await;
    serde_json::from_value(ids).unwrap()
}

#[tokio::test]
async fn a_server_restart_mid_session_loses_and_doubles_nothing() {
    let app = spawn_app().await;
    app.user("sara", Role::Agent).await;
    let conv = inbound(&app, "300", "Leila", "first").await;
    let b = Browser::start(1280, 800).await;
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
        "the reconnecting banner",
        "!document.getElementById('status').hidden",
    )
    .await;
    b.type_in("#compose", "sent while offline\n").await;
    b.until(
        "the send marked failed",
        "document.querySelector('#messages .msg.failed .retry')",
    )
    .await;
    b.screenshot("reconnecting").await;

    let app = crate::common::start_at(dir, addr, |_| {}).await;
    for text in ["missed one", "missed two", "missed three"] {
        inbound(&app, "300", "Leila", text).await;
    }
    b.until(
        "the banner gone",
        "document.getElementById('status').hidden",
    )
    .await;
    b.until(
        "the missed messages",
        "document.querySelectorAll('#messages .msg.customer').length === 4",
    )
    .await;
    // The failed send goes again by itself once the socket is back (no Retry click).
    b.until(
        "the retried send",
        "document.querySelectorAll('#messages .msg.support[data-state=sent]').length === 1",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let on_screen = shown(&b).await;
    let mut unique = on_screen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        on_screen.len(),
        "nothing doubled: {on_screen:?}"
    );
    let token = app
        .token(
            app.state
                .store
                .read(|c| pilito_box::storage::users::by_username(c, "sara"))
                .await
                .unwrap()
                .id,
        )
        .await;
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
    assert_eq!(
        stored["count"], 5,
        "first, three missed, one retried send: {stored}"
    );
    assert_eq!(
        on_screen.len(),
        5,
        "everything stored is on screen: {on_screen:?}"
    );
    b.quit().await;
}

#[tokio::test]
async fn an_ended_session_goes_to_sign_in_once_and_keeps_the_draft() {
    let app = spawn_app().await;
    let sara = app.user("sara", Role::Agent).await;
    let conv = inbound(&app, "400", "Nima", "hello").await;
    let b = Browser::start(1280, 800).await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    b.go(&format!("{}#/inbox/{conv}", base(&app))).await;
    b.type_in("#compose", "half-written reply").await;
    let access = b
        .eval("JSON.parse(localStorage.getItem('pilito-box.session')).access")
        .await;
    let r = app
        .http
        .post(app.url("/api/v1/usr/logout"))
        .bearer_auth(access.as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    b.find("#signin").await;
    b.screenshot("signin").await;
    let failures = |app: &TestApp| {
        let m = &app.state.metrics;
        (
            m.auth_failures.load(std::sync::atomic::Ordering::Relaxed),
            m.sockets_accepted
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    };
    let before = failures(&app);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        failures(&app),
        before,
        "no reconnect attempts after the 4001"
    );

    let expired = app
        .state
        .auth
        .issue(sara.id, pilito_box::auth::TokenKind::Access, Some(1))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let session = json!({"access": expired, "refresh": "spent", "user": {"id": sara.id, "username": "sara", "role": "agent"}});
    b.eval(&format!(
        "localStorage.setItem('pilito-box.session', {:?})",
        session.to_string()
    ))
    .await;
    b.client.goto(&base(&app)).await.unwrap();
    b.client.refresh().await.unwrap();
    b.find("#signin").await;
    let after_expiry = failures(&app);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        failures(&app),
        after_expiry,
        "an expired token does not loop either"
    );

    b.sign_in(&base(&app), "sara", PASSWORD).await;
    b.go(&format!("{}#/inbox/{conv}", base(&app))).await;
    b.until(
        "the draft restored",
        "document.querySelector('#compose')?.value === 'half-written reply'",
    )
    .await;
    b.quit().await;
}

async fn seed_history(app: &TestApp, conv: &str, n: usize) {
    use pilito_box::storage::messages::{self, NewMessage};
    let conv = conv.to_owned();
    app.state
        .store
        .write(move |c| {
            for i in 0..n {
                let kind = if i == n - 1 {
                    "AI"
                } else if i % 2 == 0 {
                    "customer"
                } else {
                    "support"
                };
                let new = NewMessage {
                    conversation_id: conv.clone(),
                    kind: kind.into(),
                    content: format!("history {i}"),
                    sender_user_id: None,
                    client_msg_id: None,
                };
                messages::insert(c, &new)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn history_scrolls_back_typing_shows_and_ai_answers_take_feedback() {
    let app = spawn_app().await;
    app.user("sara", Role::Agent).await;
    app.user("reza", Role::Agent).await;
    let conv = inbound(&app, "500", "Bahar", "start").await;
    seed_history(&app, &conv, 120).await;
    let sara = Browser::start(1280, 800).await;
    let reza = Browser::start(1280, 800).await;
    sara.sign_in(&base(&app), "sara", PASSWORD).await;
    reza.sign_in(&base(&app), "reza", PASSWORD).await;
    for b in [&sara, &reza] {
        b.go(&format!("{}#/inbox/{conv}", base(&app))).await;
        b.until(
            "the newest 50",
            "document.querySelectorAll('#messages .msg').length === 50",
        )
        .await;
    }
    sara.eval("document.getElementById('messages').scrollTop = 0")
        .await;
    sara.until(
        "an older page",
        "document.querySelectorAll('#messages .msg').length === 100",
    )
    .await;
    sara.eval("document.getElementById('messages').scrollTop = 0")
        .await;
    sara.until(
        "the oldest message",
        "document.querySelectorAll('#messages .msg').length === 121",
    )
    .await;
    assert_eq!(
        sara.eval("document.querySelector('#messages .msg .text').textContent")
            .await,
        "start"
    );

    reza.type_in("#compose", "typing a reply").await;
    sara.until(
        "the typing indicator",
        "document.getElementById('typing').textContent.replace(/[\\u2066-\\u2069]/g, '').includes('Reza is typing')",
    )
    .await;

    let up = sara
        .find("#messages .msg.AI .feedback button[aria-label='Good answer']")
        .await;
    up.click().await.unwrap();
    sara.until("the feedback shown", "document.querySelector('#messages .msg.AI .feedback button[aria-label=\"Good answer\"]').getAttribute('aria-pressed') === 'true'").await;
    reza.until(
        "the feedback reaching the other agent",
        "document.querySelector('#messages .msg.AI .feedback button[aria-pressed=\"true\"]')",
    )
    .await;
    sara.quit().await;
    reza.quit().await;
}

#[tokio::test]
async fn customers_admin_and_a_phone_sized_screen() {
    let app = spawn_app().await;
    app.user("sara", Role::Admin).await;
    let conv = inbound(&app, "600", "Ali", "salam").await;
    inbound(&app, "601", "Mina", "hi").await;
    let b = Browser::start(1280, 800).await;
    b.client.goto(&base(&app)).await.unwrap();
    b.type_in("#signin input[name=username]", "sara\u{E004}")
        .await;
    b.type_in(
        "#signin input[name=password]",
        &format!("{PASSWORD}\u{E007}"),
    )
    .await;
    b.find("#setup-page").await;
    assert_eq!(
        b.eval("location.hash").await,
        "#/setup",
        "an admin signs in to the unfinished setup checklist"
    );
    b.go(&format!("{}#/inbox", base(&app))).await;
    b.find("#conversation-list .item").await;

    b.go(&format!("{}#/customers", base(&app))).await;
    b.until(
        "two customers",
        "document.querySelectorAll('#customer-rows tr').length === 2",
    )
    .await;
    b.type_in("#customer-search", "min").await;
    b.until(
        "the search applied",
        "document.querySelectorAll('#customer-rows tr').length === 1",
    )
    .await;
    b.screenshot("customers").await;

    b.go(&format!("{}#/admin", base(&app))).await;
    b.type_in("#add-user input[name=username]", "neda").await;
    b.type_in("#add-user input[name=password]", "neda-secret-1")
        .await;
    b.click("#add-user button[type=submit]").await;
    b.until(
        "the new user",
        "document.querySelector('#user-rows tr[data-user=neda]')",
    )
    .await;
    b.click("#user-rows tr[data-user=neda] button").await;
    b.click("dialog[open] button[type=submit]").await;
    b.until(
        "neda disabled",
        "document.querySelector('#user-rows tr[data-user=neda]')?.textContent.includes('disabled')",
    )
    .await;
    b.type_in("#add-block input[name=ip]", "10.9.8.7").await;
    b.click("#add-block button[type=submit]").await;
    b.until(
        "the blocked address",
        "document.getElementById('blacklist-rows').textContent.includes('10.9.8.7')",
    )
    .await;
    b.screenshot("admin").await;
    let login = app
        .http
        .post(app.url("/api/v1/usr/login"))
        .json(&json!({"email_or_username": "neda", "password": "neda-secret-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        login.status(),
        403,
        "a disabled user cannot sign in (and is told so)"
    );
    b.quit().await;

    let phone = Browser::start(390, 844).await;
    phone.sign_in(&base(&app), "sara", PASSWORD).await;
    phone.screenshot("phone-inbox").await;
    phone
        .find(&format!("#conversation-list [data-id='{conv}']"))
        .await
        .click()
        .await
        .unwrap();
    phone
        .until(
            "the conversation full screen",
            "getComputedStyle(document.querySelector('.side')).display === 'none'",
        )
        .await;
    phone.screenshot("phone-conversation").await;
    phone.find(".chat .back").await.click().await.unwrap();
    phone
        .until(
            "the list again",
            "getComputedStyle(document.querySelector('.side')).display !== 'none'",
        )
        .await;
    phone.quit().await;
}

/// The values a `<select>` offers, its "no filter" entry first.
async fn offered(b: &Browser, select: &str) -> Vec<String> {
    let values = b
        .eval(&format!(
            "[...document.querySelectorAll('{select} option')].map(o => o.value)"
        ))
        .await;
    serde_json::from_value(values).unwrap()
}

/// Waits until `select` offers `value`, asking for fresh menus the way an agent would: by
/// moving to the menu.
async fn until_offered(b: &Browser, select: &str, value: &str) {
    b.eval(&format!("document.querySelector('{select}').blur()"))
        .await;
    b.eval(&format!("document.querySelector('{select}').focus()"))
        .await;
    b.until(
        &format!("{select} offering {value}"),
        &format!(
            "[...document.querySelectorAll('{select} option')].some(o => o.value === '{value}')"
        ),
    )
    .await;
}

#[tokio::test]
async fn filter_menus_offer_what_the_server_names() {
    let app = spawn_app().await;
    app.user("sara", Role::Agent).await;
    let ali = app.inbound("telegram", "700", "Ali", "salam").await;
    let b = Browser::start(1280, 800).await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    until_offered(&b, "#source-filter", "telegram").await;
    assert_eq!(
        offered(&b, "#source-filter").await,
        ["", "telegram"],
        "only the sources in use"
    );
    assert_eq!(offered(&b, "#tag-filter").await, [""], "no tags yet");

    let customer = ali["customer_id"].as_i64().unwrap();
    app.state
        .store
        .write(move |c| pilito_box::storage::tags::add_tag(c, customer, "wholesale"))
        .await
        .unwrap();
    let dana = app.inbound("instagram", "701", "Dana", "hello").await;
    let dana_conv = dana["conversation_id"].as_str().unwrap().to_owned();
    b.find(&format!("#conversation-list [data-id='{dana_conv}']"))
        .await;
    until_offered(&b, "#tag-filter", "wholesale").await;
    until_offered(&b, "#source-filter", "instagram").await;
    b.find("#tag-filter")
        .await
        .select_by_value("wholesale")
        .await
        .unwrap();
    let ali_conv = ali["conversation_id"].as_str().unwrap();
    b.until(
        "only the tagged customer's conversation",
        &format!(
            "[...document.querySelectorAll('#conversation-list .item')].map(i => i.dataset.id).join() === '{ali_conv}'"
        ),
    )
    .await;
    b.screenshot("inbox-filtered").await;

    b.go(&format!("{}#/customers", base(&app))).await;
    until_offered(&b, "#customer-tag", "wholesale").await;
    assert_eq!(
        offered(&b, "#customer-source").await,
        ["", "instagram", "telegram"]
    );
    assert_eq!(offered(&b, "#customer-email").await, ["", "true", "false"]);
    b.find("#customer-tag")
        .await
        .select_by_value("wholesale")
        .await
        .unwrap();
    b.until(
        "only the tagged customer",
        &format!(
            "[...document.querySelectorAll('#customer-rows tr')].map(r => r.dataset.id).join() === '{customer}'"
        ),
    )
    .await;
    b.screenshot("customers-filtered").await;
    b.quit().await;

    let phone = Browser::start(390, 844).await;
    phone.sign_in(&base(&app), "sara", PASSWORD).await;
    until_offered(&phone, "#tag-filter", "wholesale").await;
    phone.screenshot("phone-inbox-filters").await;
    phone
        .client
        .goto(&format!("{}#/customers", base(&app)))
        .await
        .unwrap();
    until_offered(&phone, "#customer-tag", "wholesale").await;
    phone.screenshot("phone-customers").await;
    phone.quit().await;
}

#[tokio::test]
async fn a_page_whose_address_is_blocked_says_so_and_recovers_when_unblocked() {
    let app = spawn_app().await;
    let sara = app.user("sara", Role::Agent).await;
    let admin = app.user("boss", Role::Admin).await;
    let admin_token = app.token(admin.id).await;
    inbound(&app, "500", "Nima", "hello").await;
    let b = Browser::start(1280, 800).await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    b.find("#conversation-list .item").await;
    let other_machine = crate::common::http_builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let blacklist = app.url("/api/v1/usr/blacklist");
    let r = other_machine
        .post(&blacklist)
        .bearer_auth(&admin_token)
        .json(&json!({"ip": "127.0.0.1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let going_away = pilito_box::hub::Close::new(1001, "network blip");
    app.state.hub.close_user(sara.id, &going_away);
    b.until(
        "the reason instead of Reconnecting…",
        "document.getElementById('status')?.textContent.includes('blocked by an administrator')",
    )
    .await;
    b.screenshot("blocked").await;
    let r = other_machine
        .delete(format!("{blacklist}/127.0.0.1"))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    b.until(
        "the banner gone and the list live again",
        "document.getElementById('status')?.hidden === true",
    )
    .await;
    inbound(&app, "501", "Leila", "are you there?").await;
    b.until(
        "a new conversation arriving live",
        "[...document.querySelectorAll('#conversation-list .item')].some(e => e.textContent.includes('Leila'))",
    )
    .await;
    b.quit().await;
}
