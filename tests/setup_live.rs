//! The setup checklist's live steps (PROTOCOL §6a): Telegram connecting through the Bot API
//! stand-in, the first customer message and its answer, a new password and a sign-in from another
//! device each arriving as a new `wizard_status` frame.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::botapi::{BotApi, TOKEN};
use crate::common::{TestApp, spawn_with};
use crate::setup::{call, owner, state_of, until, wizard};
use crate::telegram::telegram;

#[tokio::test]
async fn telegram_connecting_and_the_first_answer_arrive_live() {
    let bot = BotApi::start().await;
    let configure = telegram(&bot);
    let app = spawn_with(|c| {
        configure(c);
        c.telegram.bot_token = None;
    })
    .await;
    let token = owner(&app).await;
    let (mut c, first) = wizard(&app, &token).await;
    assert_eq!(first["details"]["telegram_connected"], false);

    let (code, body) = call(
        &app,
        &token,
        "PUT",
        "/api/v1/channels/telegram/",
        json!({"bot_token": TOKEN}),
    )
    .await;
    assert_eq!(code, 200, "{body}");
    let (frame, took) = until(&mut c, |v| v["details"]["telegram_connected"] == true).await;
    assert!(
        took < Duration::from_secs(1),
        "Telegram connected showed after {took:?}"
    );
    assert_eq!(state_of(&frame, "telegram"), "done");
    assert_eq!(frame["details"]["telegram_bot"], "shop_bot");

    bot.text(4242, 1, "hello");
    let (frame, _) = until(&mut c, |v| !v["details"]["last_customer_message"].is_null()).await;
    let last = &frame["details"]["last_customer_message"];
    assert_eq!(last["content"], "hello");
    assert_eq!(state_of(&frame, "test"), "todo", "not answered yet");
    let conversation = last["conversation_id"].as_str().unwrap().to_owned();

    let (code, body) = call(
        &app,
        &token,
        "POST",
        &format!("/api/v1/message/conversation/{conversation}/send-message/"),
        json!({"content": "سلام، خوش آمدید"}),
    )
    .await;
    assert!(code == 200 || code == 201, "{code} {body}");
    let (frame, _) = until(&mut c, |v| state_of(v, "test") == "done").await;
    assert_eq!(
        frame["details"]["done"], 2,
        "Telegram and the test: {frame}"
    );
    let sent = bot.wait_sent(1, Duration::from_secs(10)).await;
    assert_eq!(sent[0].text, "سلام، خوش آمدید");
}

async fn login(app: &TestApp, name: &str, password: &str, from: Option<&str>) -> Value {
    let mut request = app.http.post(app.url("/api/v1/usr/login"));
    if let Some(from) = from {
        request = request.header("x-forwarded-for", from);
    }
    let r = request
        .json(&json!({"email_or_username": name, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_new_password_and_a_sign_in_from_a_phone_complete_their_steps() {
    let app = spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let (name, printed) = app.first.admin.clone().expect("a printed password");
    let signed_in = login(&app, &name, &printed, None).await;
    let token = signed_in["access_token"].as_str().unwrap().to_owned();
    let (mut c, first) = wizard(&app, &token).await;
    assert_eq!(first["details"]["admin_signed_in"], true);
    assert_eq!(
        state_of(&first, "device"),
        "todo",
        "this computer is no device"
    );

    let chosen = "Saffron lantern 4471 harbour";
    let (code, body) = call(
        &app,
        &token,
        "POST",
        "/api/v1/usr/me/password",
        json!({"current_password": printed, "new_password": chosen}),
    )
    .await;
    assert_eq!(code, 200, "{body}");
    let (frame, _) = until(&mut c, |v| state_of(v, "password") == "done").await;
    assert_eq!(state_of(&frame, "device"), "todo");

    login(&app, &name, chosen, Some("192.168.1.20")).await;
    let (frame, _) = until(&mut c, |v| state_of(v, "device") == "done").await;
    assert_eq!(frame["details"]["done"], 2);
}
