//! Search over the index (PROTOCOL §5.4, §10): Persian and Arabic spellings find each other,
//! and a message is found as soon as it is committed, before and after the writer indexes it.

use std::time::{Duration, Instant};

use pilito_box::storage::search;
use serde_json::{Value, json};

use crate::common::{Client, TestApp, spawn_app};

async fn json_of(r: reqwest::Response) -> Value {
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// The contents REST `user-messages` finds for `term`, oldest first.
async fn found(app: &TestApp, token: &str, term: &str) -> Vec<String> {
    let url = reqwest::Url::parse_with_params(
        &app.url("/api/v1/message/user-messages"),
        [("search", term), ("page_size", "100")],
    )
    .unwrap();
    let page = json_of(app.http.get(url).bearer_auth(token).send().await.unwrap()).await;
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect()
}

/// The conversation ids the conversation list finds for `term`.
async fn conversations_found(c: &mut Client, term: &str) -> Vec<String> {
    c.send(json!({"type": "search_conversations", "search_term": term}))
        .await;
    let list = c.recv_type("conversations_list").await;
    let mut ids: Vec<String> = list["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

async fn say(chat: &mut Client, text: &str) {
    chat.send(json!({"type": "chat_message", "content": text}))
        .await;
    let stored = chat.recv_type("chat_message").await;
    assert_eq!(stored["message"]["content"], text);
}

async fn index_caught_up(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.state.store.read(search::backlog).await.unwrap() > 0 {
        assert!(Instant::now() < deadline, "the writer did not index");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn persian_and_arabic_spellings_find_each_other() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let arabic = app.conversation("Maryam").await;
    let persian = app.conversation("Reza").await;
    let mut a = app.chat(&arabic, &token).await;
    say(&mut a, "كيف حالك يا علي؟ الفاتورة رقم ١٢٣").await;
    let mut p = app.chat(&persian, &token).await;
    say(&mut p, "کتاب‌های جدید رسید، سفارش ۴۵۶").await;
    let mut list = Client::connect(&app.ws_url("/ws/conversations/", Some(&token)))
        .await
        .unwrap();
    list.recv_type("conversations_list").await;
    for stage in ["just written", "indexed"] {
        for (term, conversation, text) in [
            ("کیف حالک", &arabic, "كيف حالك"),
            ("علی؟", &arabic, "علي؟"),
            ("فاتوره رقم 123", &arabic, "١٢٣"),
            ("كتابهاي جديد", &persian, "کتاب‌های"),
            ("سفارش 456", &persian, "۴۵۶"),
        ] {
            let contents = found(&app, &token, term).await;
            assert_eq!(contents.len(), 1, "{stage}: {term} → {contents:?}");
            assert!(contents[0].contains(text), "{stage}: {term} → {contents:?}");
            let ids = conversations_found(&mut list, term).await;
            assert_eq!(ids, vec![conversation.clone()], "{stage}: {term}");
        }
        index_caught_up(&app).await;
    }
}

#[tokio::test]
async fn every_committed_message_is_found_within_a_second() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut chat = app.chat(&conv, &token).await;
    let texts: Vec<String> = (0..40).map(|i| format!("probe{i:03}z پیام")).collect();
    for text in &texts {
        say(&mut chat, text).await;
        let term = &text[..9];
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            let hits = found(&app, &token, term).await;
            if hits == std::slice::from_ref(text) {
                break;
            }
            assert!(Instant::now() < deadline, "{term} not found: {hits:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    index_caught_up(&app).await;
    assert_eq!(found(&app, &token, "z پیام").await, texts);
    for text in &texts {
        assert_eq!(
            &found(&app, &token, &text[..9]).await,
            std::slice::from_ref(text)
        );
    }
}
