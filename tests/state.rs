//! Issue #16 on the wire: every agent's message names its author on every path; internal notes
//! reach the chat but never a channel nor the counts; status and assignment reach open chats as
//! `conversation_updated`; list frames carry the Mine / Unassigned / All counts; typing ends
//! with the typer's message; a chat socket that joins learns who is already viewing.

use std::time::Duration;

use pilito_box::storage::users::Role;
use serde_json::{Value, json};

use crate::common::botapi::BotApi;
use crate::common::{Client, TestApp, spawn_app, spawn_with};
use crate::telegram::telegram;

const WAIT: Duration = Duration::from_secs(10);

async fn rest(app: &TestApp, token: &str, method: &str, path: &str, body: &Value) -> Value {
    let url = app.url(&format!("/api/v1/{path}"));
    let req = match method {
        "GET" => app.http.get(url),
        "PATCH" => app.http.patch(url).json(body),
        _ => app.http.post(url).json(body),
    };
    let r = req.bearer_auth(token).send().await.unwrap();
    assert!(r.status().is_success(), "{method} {path}: {}", r.status());
    r.json().await.unwrap()
}

/// The next frame of `kind`, skipping others, within [`WAIT`].
async fn frame(c: &mut Client, kind: &str) -> Value {
    tokio::time::timeout(WAIT, c.recv_type(kind))
        .await
        .unwrap_or_else(|_| panic!("no {kind} frame"))
}

#[tokio::test]
async fn an_agents_message_names_its_author_on_every_path() {
    let app = spawn_app().await;
    let sara = app.user("sara", Role::Admin).await;
    let token = app.token(sara.id).await;
    app.state
        .store
        .write(move |c| {
            c.execute(
                "UPDATE users SET last_name = 'Ahmadi' WHERE id = ?1",
                [sara.id],
            )?;
            Ok(())
        })
        .await
        .unwrap();
    let author = json!({"id": sara.id, "username": "Sara Ahmadi"});
    let conv = app
        .inbound_conversation("api", "crm-7", "Negar", "Where is my parcel?")
        .await;
    let mut chat = app.chat(&conv, &token).await;
    chat.send(json!({"type": "chat_message", "content": "On its way."}))
        .await;
    let echoed = frame(&mut chat, "chat_message").await;
    assert_eq!(echoed["message"]["author"], author, "socket: {echoed}");
    let sent = rest(
        &app,
        &token,
        "POST",
        &format!("message/conversation/{conv}/send-message/"),
        &json!({"content": "Tracking number follows."}),
    )
    .await;
    assert_eq!(sent["data"]["message"]["author"], author, "REST send");
    let broadcast = frame(&mut chat, "chat_message").await;
    assert_eq!(broadcast["message"]["author"], author, "REST broadcast");

    let mut again = Client::connect(&app.ws_url(&format!("/ws/chat/{conv}/"), Some(&token)))
        .await
        .unwrap();
    let history = frame(&mut again, "recent_messages").await;
    let authors: Vec<Value> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["author"].clone())
        .collect();
    assert_eq!(authors, vec![Value::Null, author.clone(), author.clone()]);
    let page = rest(
        &app,
        &token,
        "GET",
        "message/user-messages?page_size=10",
        &json!({}),
    )
    .await;
    let rows = page["results"].as_array().expect("a DRF page");
    assert!(
        rows.iter()
            .any(|m| m["type"] == "support" && m["author"] == author),
        "REST history: {page}"
    );
    assert!(
        rows.iter()
            .any(|m| m["type"] == "customer" && m["author"].is_null())
    );
    app.stop().await;
}

#[tokio::test]
async fn a_note_reaches_the_chat_but_never_telegram_nor_the_counts() {
    let bot = BotApi::start().await;
    let app = spawn_with(telegram(&bot)).await;
    let (sara, token) = app.agent("sara").await;
    let mut list = Client::connect(&app.ws_url("/ws/conversations/", Some(&token)))
        .await
        .unwrap();
    frame(&mut list, "conversations_list").await;
    bot.text(4242, 10, "Is it shipped?");
    let conv = frame(&mut list, "new_customer_message").await["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut chat = app.chat(&conv, &token).await;
    chat.send(
        json!({"type": "chat_message", "content": "Customer is a VIP, be quick",
                     "message_type": "note", "client_msg_id": "n-1"}),
    )
    .await;
    let note = frame(&mut chat, "chat_message").await;
    assert_eq!(note["message"]["type"], "note");
    assert_eq!(note["message"]["author"]["id"], sara.id);
    assert_eq!(note["external_send_result"], Value::Null);
    assert_eq!(note["message"]["processing_status"], "completed");
    let by_rest = rest(
        &app,
        &token,
        "POST",
        &format!("message/conversation/{conv}/send-message/"),
        &json!({"content": "Checked the warehouse", "type": "note"}),
    )
    .await;
    assert_eq!(by_rest["data"]["message"]["type"], "note");
    assert_eq!(by_rest["data"]["external_send_result"], Value::Null);
    let detail = rest(
        &app,
        &token,
        "GET",
        &format!("message/conversation-item/{conv}/"),
        &json!({}),
    )
    .await;
    assert_eq!(detail["unread_count"], 1, "a note is no answer: {detail}");
    assert_eq!(detail["last_message"]["content"], "Is it shipped?");

    chat.send(json!({"type": "chat_message", "content": "Yes, this morning."}))
        .await;
    let sent = bot.wait_sent(1, WAIT).await;
    assert_eq!(sent[0].text, "Yes, this morning.");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let texts: Vec<String> = bot.sent().into_iter().map(|s| s.text).collect();
    assert_eq!(
        texts,
        vec!["Yes, this morning.".to_owned()],
        "only the reply went out"
    );
    let queued: i64 = app
        .state
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM messages WHERE type = 'note' AND external_send_result IS NULL",
                [],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap();
    assert_eq!(queued, 2, "neither note was queued for Telegram");
    let answered: i64 = app
        .state
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM messages WHERE type = 'customer' AND is_answered = 1",
                [],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap();
    assert_eq!(answered, 0);
    app.stop().await;
}

#[tokio::test]
async fn status_and_assignment_reach_every_open_chat() {
    let app = spawn_app().await;
    let (sara, sara_token) = app.agent("sara").await;
    let (reza, reza_token) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let mut rezas_view = app.chat(&conv, &reza_token).await;
    rest(
        &app,
        &sara_token,
        "PATCH",
        &format!("message/conversation/{conv}/assign/"),
        &json!({"user_id": reza.id}),
    )
    .await;
    let updated = frame(&mut rezas_view, "conversation_updated").await;
    assert_eq!(updated["conversation"]["id"], conv.as_str());
    assert_eq!(updated["conversation"]["assigned_to"], reza.id);
    assert_eq!(
        updated["conversation"]["assignee"],
        json!({"id": reza.id, "username": "Reza"})
    );
    rest(
        &app,
        &sara_token,
        "PATCH",
        &format!("message/conversation/{conv}/status/"),
        &json!({"status": "closed"}),
    )
    .await;
    let closed = frame(&mut rezas_view, "conversation_updated").await;
    assert_eq!(closed["conversation"]["status"], "closed");

    let raw = app
        .http
        .get(app.url(&format!("/api/v1/message/conversation-item/{conv}/")))
        .bearer_auth(&sara_token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(raw.matches("\"assigned_to\"").count(), 1, "{raw}");
    let detail: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(detail["assignee"]["username"], "Reza");
    let _ = sara;
    app.stop().await;
}

#[tokio::test]
async fn list_frames_count_mine_unassigned_and_all_and_resend_when_only_counts_change() {
    let app = spawn_app().await;
    let (me, token) = app.agent("sara").await;
    let (other, _) = app.agent("reza").await;
    let mine = app.conversation("A").await;
    let theirs = app.conversation("B").await;
    let closed = app.conversation("C").await;
    app.conversation("D").await;
    let reassigned = theirs.clone();
    app.state
        .store
        .write(move |c| {
            c.execute(
                "UPDATE conversations SET user_id = ?1 WHERE id = ?2",
                (me.id, &mine),
            )?;
            c.execute(
                "UPDATE conversations SET user_id = ?1 WHERE id = ?2",
                (other.id, &theirs),
            )?;
            c.execute(
                "UPDATE conversations SET status = 'closed' WHERE id = ?1",
                [&closed],
            )?;
            Ok(())
        })
        .await
        .unwrap();
    let mut list = Client::connect(&app.ws_url("/ws/conversations/", Some(&token)))
        .await
        .unwrap();
    let first = frame(&mut list, "conversations_list").await;
    assert_eq!(
        first["counts"],
        json!({"mine": 1, "unassigned": 1, "all": 3}),
        "closed ones are not counted: {first}"
    );
    let rows = first["conversations"].as_array().unwrap();
    let row = rows.iter().find(|c| c["assigned_to"] == other.id).unwrap();
    assert_eq!(row["assignee"], json!({"id": other.id, "username": "Reza"}));

    list.send(json!({"type": "filter_conversations", "filters": {"status": "closed"}}))
        .await;
    let only_closed = frame(&mut list, "conversations_list").await;
    assert_eq!(only_closed["count"], 1);
    rest(
        &app,
        &token,
        "PATCH",
        &format!("message/conversation/{reassigned}/assign/"),
        &json!({"user_id": me.id}),
    )
    .await;
    let recount = frame(&mut list, "conversations_list").await;
    assert_eq!(recount["count"], 1, "the same rows");
    assert_eq!(
        recount["counts"],
        json!({"mine": 2, "unassigned": 1, "all": 3})
    );
    app.stop().await;
}

#[tokio::test]
async fn typing_ends_with_the_typers_message() {
    let app = spawn_app().await;
    let (_, sara) = app.agent("sara").await;
    let (_, reza) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let mut a = app.chat(&conv, &sara).await;
    let mut b = app.chat(&conv, &reza).await;
    a.send(json!({"type": "typing", "is_typing": true})).await;
    assert_eq!(frame(&mut b, "typing").await["is_typing"], true);
    a.send(json!({"type": "chat_message", "content": "Done."}))
        .await;
    let next = loop {
        let f = tokio::time::timeout(WAIT, b.recv()).await.unwrap();
        if f["type"] == "typing" || f["type"] == "chat_message" {
            break f;
        }
    };
    assert_eq!(
        (next["type"].as_str(), next["is_typing"].as_bool()),
        (Some("typing"), Some(false)),
        "typing ends before the message arrives: {next}"
    );
    assert_eq!(
        frame(&mut b, "chat_message").await["message"]["content"],
        "Done."
    );
    app.stop().await;
}

#[tokio::test]
async fn a_chat_socket_that_joins_learns_who_is_already_viewing() {
    let app = spawn_app().await;
    let (sara_user, sara) = app.agent("sara").await;
    let (reza_user, reza) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let mut first = app.chat(&conv, &sara).await;
    let mut second = Client::connect(&app.ws_url(&format!("/ws/chat/{conv}/"), Some(&reza)))
        .await
        .unwrap();
    assert_eq!(second.recv().await["type"], "connection_established");
    let viewers = second.recv().await;
    assert_eq!(viewers["type"], "chat_viewers", "right after the welcome");
    assert_eq!(
        viewers["viewers"],
        json!([{"user_id": sara_user.id, "username": "Sara"}])
    );
    let joined = frame(&mut first, "user_presence").await;
    assert_eq!(joined["user_id"], reza_user.id);
    first.expect_silence(Duration::from_millis(300)).await;
    app.stop().await;
}
