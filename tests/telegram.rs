//! The Telegram bot against a stand-in Bot API (tests/common/botapi.rs): customers' messages
//! in live, files downloaded and served to agents only, replies out with their delivery state,
//! retries on 429 and 502, failures in plain words, and nothing lost or doubled across restarts.

use std::time::Duration;

use pilito_box::config::Config;
use pilito_box::storage::messages::MessageRow;
use serde_json::{Value, json};

use crate::common::botapi::{Answer, BotApi, TOKEN, private};
use crate::common::{Client, TestApp, spawn_with, start};

const WAIT: Duration = Duration::from_secs(10);

/// Settings every test here uses: the stand-in, a 1 s long poll, fast retries.
pub fn telegram(bot: &BotApi) -> impl FnOnce(&mut Config) + use<> {
    let url = bot.url();
    move |c| {
        c.telegram.bot_token = Some(TOKEN.into());
        c.telegram.api_url = url;
        c.telegram.poll_timeout_secs = 1;
        c.telegram.per_chat_per_second = 1000;
        c.channels.retry_first_ms = 50;
        c.channels.retry_max_secs = 1;
    }
}

/// Every message stored, oldest first.
async fn messages(app: &TestApp) -> Vec<MessageRow> {
    app.state
        .store
        .read(|c| {
            let mut stmt = c.prepare("SELECT seq FROM messages ORDER BY seq")?;
            let seqs: Vec<i64> = stmt
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            seqs.into_iter()
                .map(|s| pilito_box::storage::messages::by_seq(c, s))
                .collect()
        })
        .await
        .unwrap()
}

/// Waits until `n` messages are stored.
async fn wait_messages(app: &TestApp, n: usize) -> Vec<MessageRow> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let all = messages(app).await;
        if all.len() >= n {
            return all;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {n} stored",
            all.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn list_socket(app: &TestApp, token: &str) -> Client {
    let mut c = Client::connect(&app.ws_url("/ws/conversations/", Some(token)))
        .await
        .unwrap();
    c.recv_type("conversations_list").await;
    c
}

/// The conversation of the first customer message, once stored.
async fn first_conversation(app: &TestApp) -> String {
    wait_messages(app, 1).await[0].conversation_id.clone()
}

async fn send_reply(app: &TestApp, token: &str, conv: &str, text: &str) -> Value {
    let r = app
        .http
        .post(app.url(&format!(
            "/api/v1/message/conversation/{conv}/send-message/"
        )))
        .bearer_auth(token)
        .json(&json!({"content": text}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_text_update_appears_live_and_a_reply_goes_out_as_send_message() {
    let bot = BotApi::start().await;
    let app = spawn_with(telegram(&bot)).await;
    let (_, token) = app.agent("sara").await;
    let mut list = list_socket(&app, &token).await;
    bot.text(4242, 10, "سلام، سفارشم کجاست؟");
    let note = list.recv_type("new_customer_message").await;
    assert_eq!(note["message"]["content"], "سلام، سفارشم کجاست؟");
    assert_eq!(note["message"]["customer"]["source"], "telegram");
    assert_eq!(note["message"]["customer"]["source_id"], "4242");
    assert_eq!(note["message"]["customer"]["username"], "reza_k");
    let conv = note["conversation_id"].as_str().unwrap().to_owned();

    let mut chat = app.chat(&conv, &token).await;
    chat.send(json!({"type": "chat_message", "content": "فردا می‌رسد"}))
        .await;
    let mine = chat.recv_type("chat_message").await;
    assert_eq!(mine["message"]["processing_status"], "pending");
    assert_eq!(mine["external_send_result"]["channel"], "telegram");
    let sent = bot.wait_sent(1, WAIT).await;
    assert_eq!(sent[0].method, "sendMessage");
    assert_eq!(sent[0].chat_id, "4242");
    assert_eq!(sent[0].text, "فردا می‌رسد");
    let status = chat.recv_type("message_status").await;
    assert_eq!(status["message_id"], mine["message"]["id"]);
    assert_eq!(status["processing_status"], "completed");
    assert_eq!(status["external_send_result"]["success"], true);
    assert_eq!(status["external_send_result"]["message_id"], 5001);
    let updated = list.recv_type("conversation_updated").await;
    assert_eq!(updated["conversation"]["id"], conv.as_str());
    app.stop().await;
}

#[tokio::test]
async fn a_photo_is_downloaded_and_served_to_signed_in_agents_only() {
    let bot = BotApi::start().await;
    let jpeg = b"\xff\xd8\xff\xe0 a tiny stand-in jpeg \xff\xd9";
    bot.file("big-photo", "photos/file_7.jpg", jpeg);
    bot.push(
        "message",
        &private(
            99,
            3,
            &json!({"caption": "this one", "photo": [
                {"file_id": "thumb", "file_unique_id": "t", "width": 90, "height": 90},
                {"file_id": "big-photo", "file_unique_id": "b", "width": 1280, "height": 960}]}),
        ),
    );
    let app = spawn_with(telegram(&bot)).await;
    let (_, token) = app.agent("sara").await;
    let stored = wait_messages(&app, 1).await.remove(0);
    assert_eq!(stored.message_type, "image");
    assert_eq!(stored.content, "this one");
    let url = stored.media_url.clone().unwrap();
    assert!(
        url.starts_with("/media/") && !url.contains("file_7"),
        "{url}"
    );
    let served = app
        .http
        .get(app.url(&url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert!(
        served.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("private")
    );
    assert_eq!(served.bytes().await.unwrap().as_ref(), jpeg);
    let refused = app.http.get(app.url(&url)).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    let chat = app.chat(&stored.conversation_id, &token).await;
    drop(chat);
    app.stop().await;
}

#[tokio::test]
async fn a_429_then_success_delivers_once_and_502s_then_success_deliver() {
    let bot = BotApi::start().await;
    bot.text(5, 1, "hello");
    let app = spawn_with(telegram(&bot)).await;
    let (_, token) = app.agent("sara").await;
    let conv = first_conversation(&app).await;
    let mut chat = app.chat(&conv, &token).await;
    bot.script(&[Answer::Error(
        429,
        "Too Many Requests: retry after 1",
        Some(1),
    )]);
    send_reply(&app, &token, &conv, "one").await;
    let retrying = chat.recv_type("message_status").await;
    assert_eq!(retrying["processing_status"], "pending");
    assert_eq!(retrying["external_send_result"]["retrying"], true);
    assert!(retrying["external_send_result"]["next_attempt_at"].is_string());
    let done = chat.recv_type("message_status").await;
    assert_eq!(done["processing_status"], "completed");
    assert_eq!(done["external_send_result"]["attempts"], 2);

    bot.script(&[
        Answer::Bare(502),
        Answer::Bare(502),
        Answer::Bare(502),
        Answer::Bare(502),
    ]);
    send_reply(&app, &token, &conv, "two").await;
    let mut states = Vec::new();
    loop {
        let s = chat.recv_type("message_status").await;
        states.push(s["processing_status"].as_str().unwrap().to_owned());
        if s["processing_status"] != "pending" {
            assert_eq!(s["external_send_result"]["attempts"], 5);
            break;
        }
    }
    assert_eq!(states.last().unwrap(), "completed");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let texts: Vec<String> = bot.sent().into_iter().map(|s| s.text).collect();
    assert_eq!(texts, ["one", "two"], "each reply exactly once");
    app.stop().await;
}

#[tokio::test]
async fn a_blocked_bot_fails_the_reply_in_plain_words_and_retry_sends_it_again() {
    let bot = BotApi::start().await;
    bot.text(6, 1, "hi");
    let app = spawn_with(telegram(&bot)).await;
    let (_, token) = app.agent("sara").await;
    let conv = first_conversation(&app).await;
    let mut chat = app.chat(&conv, &token).await;
    bot.script(&[Answer::Error(
        403,
        "Forbidden: bot was blocked by the user",
        None,
    )]);
    let reply = send_reply(&app, &token, &conv, "are you there?").await;
    let id = reply["data"]["message"]["id"].as_str().unwrap().to_owned();
    let failed = chat.recv_type("message_status").await;
    assert_eq!(failed["processing_status"], "failed");
    assert_eq!(failed["external_send_result"]["retrying"], false);
    assert_eq!(
        failed["external_send_result"]["error"],
        "The customer blocked the bot; they must start it again before they can get replies"
    );
    let retried = app
        .http
        .post(app.url(&format!("/api/v1/message/{id}/retry/")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), 200);
    let body: Value = retried.json().await.unwrap();
    assert_eq!(body["data"]["message"]["processing_status"], "pending");
    assert_eq!(
        chat.recv_type("message_status").await["processing_status"],
        "pending"
    );
    assert_eq!(
        chat.recv_type("message_status").await["processing_status"],
        "completed"
    );
    let again = app
        .http
        .post(app.url(&format!("/api/v1/message/{id}/retry/")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    let missing = app
        .http
        .post(app.url("/api/v1/message/NoSuchMsg/retry/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error_code"], "MESSAGE_NOT_FOUND");
    app.stop().await;
}

#[tokio::test]
async fn replies_queued_across_a_restart_go_out_once_each_in_order() {
    let bot = BotApi::start().await;
    bot.text(8, 1, "hi");
    let app = spawn_with(telegram(&bot)).await;
    let (_, token) = app.agent("sara").await;
    let conv = first_conversation(&app).await;
    bot.always(Some(Answer::Bare(502)));
    for text in ["first", "second", "third"] {
        send_reply(&app, &token, &conv, text).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let dir = app.stop().await;
    bot.always(None);
    let app = start(dir, telegram(&bot)).await;
    let sent = bot.wait_sent(3, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let texts: Vec<String> = bot.sent().into_iter().map(|s| s.text).collect();
    assert_eq!(texts, ["first", "second", "third"], "{sent:?}");
    let all = messages(&app).await;
    assert!(
        all.iter()
            .skip(1)
            .all(|m| m.processing_status == "completed")
    );
    app.stop().await;
}

#[tokio::test]
async fn the_polling_offset_survives_a_restart_without_a_duplicate_or_a_gap() {
    let bot = BotApi::start().await;
    for i in 1..=3 {
        bot.text(11, i, &format!("m{i}"));
    }
    let app = spawn_with(telegram(&bot)).await;
    wait_messages(&app, 3).await;
    let dir = app.stop().await;
    bot.text(11, 4, "m4");
    bot.push(
        "edited_message",
        &private(11, 2, &json!({"text": "m2 (edited)"})),
    );
    let app = start(dir, telegram(&bot)).await;
    let all = wait_messages(&app, 4).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let all2 = messages(&app).await;
    assert_eq!(all2.len(), 4, "no update stored twice: {all:?}");
    let texts: Vec<&str> = all2.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(texts, ["m1", "m2 (edited)", "m3", "m4"]);
    let offsets = bot.offsets();
    assert!(offsets.contains(&4) && offsets.contains(&6), "{offsets:?}");
    app.stop().await;
}

#[tokio::test]
async fn the_channels_page_checks_the_token_with_get_me_and_shows_the_state() {
    let bot = BotApi::start().await;
    let url = bot.url();
    let app = spawn_with(move |c| {
        c.telegram.api_url = url;
        c.telegram.poll_timeout_secs = 1;
    })
    .await;
    let admin = app
        .user("boss", pilito_box::storage::users::Role::Admin)
        .await;
    let token = app.token(admin.id).await;
    let get = || async {
        let r = app
            .http
            .get(app.url("/api/v1/channels/"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()
    };
    assert_eq!(get().await["telegram"]["state"], "off");
    let put = |body: Value| {
        app.http
            .put(app.url("/api/v1/channels/telegram/"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let bad = put(json!({"bot_token": "not a token"})).await.unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["error_code"],
        "INVALID_BOT_TOKEN"
    );
    let unknown = put(json!({"bot_token": "123:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}))
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    let body: Value = unknown.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("@BotFather"),
        "{body}"
    );
    let good = put(json!({"bot_token": TOKEN})).await.unwrap();
    assert_eq!(good.status(), 200);
    let body: Value = good.json().await.unwrap();
    assert_eq!(body["bot"]["username"], "shop_bot");
    assert_eq!(
        body["token_hint"],
        format!("…{}", &TOKEN[TOKEN.len() - 4..])
    );
    assert!(!body.to_string().contains(TOKEN));
    let deadline = tokio::time::Instant::now() + WAIT;
    while get().await["telegram"]["state"] != "polling" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "polling never started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, agent) = app.agent("sara").await;
    let forbidden = app
        .http
        .get(app.url("/api/v1/channels/"))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), 403);
    let removed = app
        .http
        .delete(app.url("/api/v1/channels/telegram/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    let test = app
        .http
        .post(app.url("/api/v1/channels/telegram/test/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(test.status(), 400);
    assert_eq!(
        test.json::<Value>().await.unwrap()["error_code"],
        "CHANNEL_NOT_CONFIGURED"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_unreachable_telegram_queues_replies_and_says_so() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let app = spawn_with(move |c| {
        c.telegram.bot_token = Some(TOKEN.into());
        c.telegram.api_url = url;
        c.telegram.poll_timeout_secs = 1;
    })
    .await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let line = app.state.channels.tray_line();
        if let Some(line) = line {
            assert!(line.starts_with("Telegram unreachable since "), "{line}");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never unreachable");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.stop().await;
}

#[tokio::test]
async fn waiting_replies_go_out_as_soon_as_telegram_answers_again() {
    let bot = BotApi::start().await;
    bot.text(8, 1, "hi");
    let base = telegram(&bot);
    let app = spawn_with(move |c| {
        base(c);
        c.channels.retry_first_ms = 60_000;
        c.channels.retry_max_secs = 600;
    })
    .await;
    let admin = app
        .user("boss", pilito_box::storage::users::Role::Admin)
        .await;
    let admin = app.token(admin.id).await;
    let since = || async {
        let r = app
            .http
            .get(app.url("/api/v1/channels/"))
            .bearer_auth(&admin);
        let overview: Value = r.send().await.unwrap().json().await.unwrap();
        let telegram = &overview["telegram"];
        (
            telegram["state"].as_str().unwrap().to_owned(),
            telegram["since"].clone(),
        )
    };
    let (_, token) = app.agent("sara").await;
    let conv = first_conversation(&app).await;
    bot.down(true);
    send_reply(&app, &token, &conv, "are you there?").await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let first = loop {
        let now = since().await;
        if now.0 == "unreachable" {
            break now;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never unreachable: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(
        since().await,
        first,
        "unreachable since the first failed poll, not the last"
    );
    bot.down(false);
    let sent = bot.wait_sent(1, WAIT).await;
    assert_eq!(
        sent[0].text, "are you there?",
        "sent long before its 60 s backoff"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_attached_image_goes_out_as_send_photo_and_a_large_file_is_refused() {
    let bot = BotApi::start().await;
    bot.text(21, 1, "send me the invoice");
    let tweak = telegram(&bot);
    let app = spawn_with(move |c| {
        tweak(c);
        c.channels.max_media_mb = 1;
    })
    .await;
    let (_, token) = app.agent("sara").await;
    let conv = first_conversation(&app).await;
    let png = b"\x89PNG\r\n\x1a\n a stand-in png";
    let path = format!(
        "/api/v1/message/conversation/{conv}/attachment/?caption=%D9%81%D8%A7%DA%A9%D8%AA%D9%88%D8%B1&client_msg_id=up-1"
    );
    let r = app
        .http
        .post(app.url(&path))
        .bearer_auth(&token)
        .header("content-type", "image/png")
        .header("x-file-name", "%D9%81%D8%A7%DA%A9%D8%AA%D9%88%D8%B1.png")
        .body(png.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    let m = &body["data"]["message"];
    assert_eq!(m["message_type"], "image");
    assert_eq!(m["content"], "فاکتور");
    assert_eq!(m["processing_status"], "pending");
    assert_eq!(m["attachment"]["name"], "فاکتور.png");
    assert_eq!(m["attachment"]["content_type"], "image/png");
    assert!(m["media_url"].as_str().unwrap().starts_with("/media/"));
    let sent = bot.wait_sent(1, WAIT).await;
    assert_eq!(sent[0].method, "sendPhoto");
    assert_eq!(sent[0].chat_id, "21");
    assert_eq!(sent[0].text, "فاکتور");
    let body = &sent[0].body;
    assert!(
        body.windows(png.len()).any(|w| w == png),
        "the file went out"
    );
    let big = vec![0_u8; 2 * 1024 * 1024];
    let r = app
        .http
        .post(app.url(&format!("/api/v1/message/conversation/{conv}/attachment/")))
        .bearer_auth(&token)
        .header("content-type", "application/pdf")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error_code"],
        "PAYLOAD_TOO_LARGE"
    );
    assert_eq!(
        messages(&app).await.len(),
        2,
        "the refused file stored nothing"
    );
    app.stop().await;
}
