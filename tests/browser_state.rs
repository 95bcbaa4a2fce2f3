//! Issue #16 in headless Chromium, two agents and an admin: a reply names its author, an
//! internal note is drawn as one and never reaches the Telegram stand-in, the "is typing…" line
//! goes within 500 ms of the message it announced, "Sara is viewing" in the header, and an
//! assignment or status change made elsewhere reaches the other agent's open conversation and
//! list (assignee, status pill, Mine / Unassigned / All counts). Screenshots: `state-chat-en`,
//! `state-chat-fa`, `state-list-fa`.

use std::time::Duration;

use pilito_box::storage::users::Role;
use serde_json::{Value, json};

use crate::common::botapi::BotApi;
use crate::common::browser::Browser;
use crate::common::{PASSWORD, TestApp, spawn_app, spawn_with};
use crate::telegram::telegram;

fn base(app: &TestApp) -> String {
    format!("http://{}/", app.addr)
}

async fn open(app: &TestApp, name: &str, conv: &str) -> Browser {
    let b = Browser::start(1366, 800).await;
    b.sign_in(&base(app), name, PASSWORD).await;
    b.go(&format!("{}#/inbox/{conv}", base(app))).await;
    b.until(
        "the history",
        "document.querySelectorAll('#messages .msg').length >= 1",
    )
    .await;
    b
}

/// The conversation of the first message stored.
async fn first_conversation(app: &TestApp) -> String {
    for _ in 0..200 {
        let found = app
            .state
            .store
            .read(|c| {
                let id = c.query_row("SELECT conversation_id FROM messages LIMIT 1", [], |r| {
                    r.get::<_, String>(0)
                });
                Ok(id.ok())
            })
            .await
            .unwrap();
        if let Some(id) = found {
            return id;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no message arrived from the stand-in");
}

async fn name_user(app: &TestApp, id: i64, last: &str) {
    let last = last.to_owned();
    app.state
        .store
        .write(move |c| {
            c.execute(
                "UPDATE users SET last_name = ?2 WHERE id = ?1",
                rusqlite::params![id, last],
            )?;
            Ok(())
        })
        .await
        .unwrap();
}

const WATCH: &str = "(() => { window.__seen = {};
new MutationObserver(() => {
  const now = performance.now(), s = window.__seen;
  const typing = document.querySelector('#typing').textContent;
  if (typing && !s.typing) s.typing = now;
  const arrived = [...document.querySelectorAll('#messages .msg')].some(m => m.textContent.includes('Shipped this morning'));
  if (arrived && !s.msg) s.msg = now;
  if (s.msg && !typing && !s.gone) s.gone = now;
}).observe(document.body, {subtree: true, childList: true, characterData: true});
return true; })()";

#[tokio::test]
async fn authors_notes_typing_and_viewers_in_a_telegram_conversation() {
    let bot = BotApi::start().await;
    let app = spawn_with(telegram(&bot)).await;
    let sara = app.user("sara", Role::Admin).await;
    name_user(&app, sara.id, "Ahmadi").await;
    app.user("reza", Role::Agent).await;
    bot.text(4242, 10, "Is my order shipped?");
    let conv = first_conversation(&app).await;

    let s = open(&app, "sara", &conv).await;
    let r = open(&app, "reza", &conv).await;
    r.until(
        "Sara shown viewing on Reza's page",
        "document.querySelector('#viewers')?.textContent.replace(/[\\u2066-\\u2069]/g, '').includes('Sara Ahmadi is viewing')",
    )
    .await;
    s.until(
        "Reza shown viewing on Sara's page",
        "document.querySelector('#viewers')?.textContent.replace(/[\\u2066-\\u2069]/g, '').includes('Reza is viewing')",
    )
    .await;

    r.eval(WATCH).await;
    s.type_in("#compose", "Shipped this morning").await;
    r.until(
        "Sara typing",
        "document.querySelector('#typing').textContent.replace(/[\\u2066-\\u2069]/g, '').includes('Sara Ahmadi is typing')",
    )
    .await;
    s.type_in("#compose", "\u{E007}").await;
    r.until("the reply on Reza's page", "window.__seen.msg")
        .await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let seen = r.eval("window.__seen").await;
    let gone = seen["gone"].as_f64().expect("the typing line went");
    let late = gone - seen["msg"].as_f64().unwrap();
    assert!(
        late < 500.0,
        "typing line still shown {late} ms after the message: {seen}"
    );
    r.until(
        "the reply named with its author",
        "document.querySelector('#messages .msg.support .author')?.textContent === 'Sara Ahmadi'",
    )
    .await;
    s.until(
        "Sara's own reply says You",
        "document.querySelector('#messages .msg.support:not([data-id^=local]) .author')?.textContent === 'You'",
    )
    .await;

    s.find("#note-toggle").await.click().await.unwrap();
    assert_eq!(
        s.eval("[document.querySelector('#note-toggle').getAttribute('aria-pressed'), document.querySelector('#note-toggle').textContent, document.querySelector('.compose').classList.contains('note-mode'), getComputedStyle(document.querySelector('.compose')).backgroundColor]")
            .await,
        json!(["true", "Internal note", true, "rgb(255, 247, 214)"]),
        "the reply box says it is in note mode"
    );
    s.screenshot("state-note-mode-en").await;
    s.type_in("#compose", "VIP customer, answer first\u{E007}")
        .await;
    r.until(
        "the note on Reza's page, drawn as a note",
        "document.querySelector('#messages .msg.note .note-label')?.textContent.includes('Internal note') && \
         document.querySelector('#messages .msg.note .text')?.textContent === 'VIP customer, answer first'",
    )
    .await;
    s.until(
        "Sara's note stored",
        "document.querySelector('#messages .msg.note:not([data-id^=local])')",
    )
    .await;
    assert_eq!(
        s.eval("document.querySelectorAll('#messages .msg.note .tick, #messages .msg.note .delivery').length")
            .await,
        json!(0),
        "a note is never shown as delivered"
    );
    let sent = bot.wait_sent(1, Duration::from_secs(10)).await;
    assert_eq!(sent[0].text, "Shipped this morning");
    tokio::time::sleep(Duration::from_millis(800)).await;
    let texts: Vec<String> = bot.sent().into_iter().map(|x| x.text).collect();
    assert_eq!(
        texts,
        vec!["Shipped this morning".to_owned()],
        "the note never left"
    );
    r.screenshot("state-chat-en").await;
    s.quit().await;
    r.quit().await;
    app.stop().await;
}

async fn patch(app: &TestApp, token: &str, path: &str, body: &Value) {
    let r = app
        .http
        .patch(app.url(&format!("/api/v1/message/conversation/{path}")))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn an_assignment_elsewhere_reaches_the_other_agents_open_conversation() {
    let app = spawn_app().await;
    let admin = app.user("nasrin", Role::Admin).await;
    let admin_token = app.token(admin.id).await;
    let sara = app.user("sara", Role::Agent).await;
    let reza = app.user("reza", Role::Agent).await;
    let conv = app
        .inbound_conversation("telegram", "100", "مریم", "سلام، سفارش من کی می‌رسد؟")
        .await;
    app.inbound_conversation("telegram", "200", "Ali", "Do you ship to Istanbul?")
        .await;
    patch(
        &app,
        &admin_token,
        &format!("{conv}/assign/"),
        &json!({"user_id": sara.id}),
    )
    .await;

    let r = open(&app, "reza", &conv).await;
    r.until(
        "the header showing Sara",
        &format!("document.querySelector('#assign').value === '{}'", sara.id),
    )
    .await;
    r.until(
        "the list row naming Sara and the tab counts",
        &format!(
            "document.querySelector(\"#conversation-list [data-id='{conv}'] .assignee\")?.textContent === 'Sara' && \
             document.querySelector('#tab-mine .count')?.textContent === '0' && \
             document.querySelector('#tab-unassigned .count')?.textContent === '1' && \
             document.querySelector('#tab-all .count')?.textContent === '2'"
        ),
    )
    .await;
    let s = open(&app, "sara", &conv).await;
    s.find("#assign")
        .await
        .select_by_value(&reza.id.to_string())
        .await
        .unwrap();
    r.until(
        "Reza's open header showing him, without a reload",
        &format!("document.querySelector('#assign').value === '{}'", reza.id),
    )
    .await;
    r.until(
        "Reza's list row and Mine count",
        &format!(
            "document.querySelector(\"#conversation-list [data-id='{conv}'] .assignee\")?.textContent === 'Reza' && \
             document.querySelector('#tab-mine .count')?.textContent === '1'"
        ),
    )
    .await;
    patch(
        &app,
        &admin_token,
        &format!("{conv}/status/"),
        &json!({"status": "support_active"}),
    )
    .await;
    for b in [&r, &s] {
        b.until(
            "the status in the header and the list's pill",
            &format!(
                "document.querySelector('#conversation-status').value === 'support_active' && \
                 document.querySelector(\"#conversation-list [data-id='{conv}'] .pill\")?.textContent === 'Support active'"
            ),
        )
        .await;
    }
    s.type_in("#compose", "فردا صبح ارسال می‌شود\u{E007}").await;
    s.find("#note-toggle").await.click().await.unwrap();
    s.type_in("#compose", "مشتری ویژه است؛ پیگیری با رضا\u{E007}")
        .await;
    r.until(
        "Sara's reply and note on Reza's page",
        "document.querySelector('#messages .msg.support .author')?.textContent === 'Sara' && \
         document.querySelector('#messages .msg.note .author')",
    )
    .await;

    r.find("#language").await.click().await.unwrap();
    r.until(
        "the page in Persian with the conversation open and Sara viewing",
        "document.documentElement.lang === 'fa' && document.querySelectorAll('#messages .msg').length === 3 && \
         document.querySelector('#tab-mine')?.textContent.includes('مال من') && \
         document.querySelector('#viewers')?.textContent.includes('Sara')",
    )
    .await;
    r.screenshot("state-chat-fa").await;
    s.quit().await;
    r.go(&format!("{}#/inbox", base(&app))).await;
    r.until(
        "the Persian list",
        "document.querySelectorAll('#conversation-list .item .pill').length === 2",
    )
    .await;
    r.screenshot("state-list-fa").await;
    r.quit().await;
    app.stop().await;
}
