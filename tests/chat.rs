//! The chat feed: connect, messages between agents, history, cursors, reads, feedback, typing.

use serde_json::json;

use crate::common::{Client, spawn_app};

#[tokio::test]
async fn valid_token_gets_connection_established_then_recent_messages() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut c = Client::connect(&app.ws_url(&format!("/ws/chat/{conv}/"), Some(&token)))
        .await
        .unwrap();
    let welcome = c.recv().await;
    assert_eq!(welcome["type"], "connection_established");
    assert_eq!(
        welcome["message"],
        "✅ Chat WebSocket connected successfully"
    );
    assert_eq!(welcome["conversation_id"], conv.as_str());
    assert!(welcome["timestamp"].as_str().unwrap().ends_with("+00:00"));
    let recent = c.recv().await;
    assert_eq!(recent["type"], "recent_messages");
    assert_eq!(recent["messages"], json!([]));
    assert_eq!(recent["pagination"]["page_size"], 50);
    assert_eq!(recent["count"], 0);
}

#[tokio::test]
async fn two_agents_see_each_others_messages() {
    let app = spawn_app().await;
    let (_, sara) = app.agent("sara").await;
    let (_, reza) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let mut a = app.chat(&conv, &sara).await;
    let mut b = app.chat(&conv, &reza).await;
    a.send(json!({"type": "chat_message", "content": "  سلام  "}))
        .await;
    for client in [&mut a, &mut b] {
        let m = client.recv_type("chat_message").await;
        assert_eq!(m["message"]["content"], "سلام");
        assert_eq!(m["message"]["type"], "support");
        assert_eq!(m["message"]["conversation_id"], conv.as_str());
        assert_eq!(m["message"]["customer"]["first_name"], "Maryam");
        // The harness's conversations are Telegram ones: the reply is queued for the bot.
        assert_eq!(m["external_send_result"]["channel"], "telegram");
        assert_eq!(m["message"]["processing_status"], "pending");
        assert_eq!(m["message"]["id"].as_str().unwrap().len(), 10);
    }
}

async fn seed(app: &crate::common::TestApp, conv: &str, n: usize) -> Vec<String> {
    use pilito_box::storage::messages::{self, NewMessage};
    let conv = conv.to_owned();
    app.state
        .store
        .write(move |c| {
            (0..n)
                .map(|i| {
                    let kind = if i % 2 == 0 { "customer" } else { "support" };
                    let new = NewMessage {
                        conversation_id: conv.clone(),
                        kind: kind.into(),
                        content: format!("m{i}"),
                        sender_user_id: None,
                        client_msg_id: None,
                    };
                    Ok(messages::insert(c, &new)?.message.id)
                })
                .collect()
        })
        .await
        .unwrap()
}

fn contents(frame: &serde_json::Value) -> Vec<String> {
    frame["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn history_pages_oldest_first_and_cursors() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let ids = seed(&app, &conv, 120).await;
    let mut c = Client::connect(&app.ws_url(&format!("/ws/chat/{conv}/"), Some(&token)))
        .await
        .unwrap();
    c.recv().await;
    let recent = c.recv().await;
    let first_page = contents(&recent);
    assert_eq!(first_page.len(), 50);
    assert_eq!(
        (first_page[0].as_str(), first_page[49].as_str()),
        ("m70", "m119")
    );
    assert_eq!(recent["count"], 120);
    assert_eq!(recent["page_count"], 50);
    assert_eq!(recent["pagination"]["has_next"], true);
    assert_eq!(recent["pagination"]["total_pages"], 3);

    c.send(json!({"type": "load_more_messages", "filters": {"page": 3}}))
        .await;
    let last = c.recv_type("recent_messages").await;
    assert_eq!(
        contents(&last),
        (0..20).map(|i| format!("m{i}")).collect::<Vec<_>>()
    );
    assert_eq!(last["pagination"]["has_next"], false);

    c.send(json!({"type": "get_messages", "filters": {"before_id": ids[70], "page_size": 5}}))
        .await;
    let older = c.recv_type("recent_messages").await;
    assert_eq!(contents(&older), ["m65", "m66", "m67", "m68", "m69"]);
    assert_eq!(older["count"], 70);

    c.send(json!({"type": "get_messages", "filters": {"after_id": ids[115]}}))
        .await;
    let newer = c.recv_type("recent_messages").await;
    assert_eq!(contents(&newer), ["m116", "m117", "m118", "m119"]);

    c.send(json!({"type": "get_messages", "filters": {"after_id": "NoSuchMsg"}}))
        .await;
    let err = c.recv_type("error").await;
    assert!(err["error"].as_str().unwrap().contains("after_id"), "{err}");
}

#[tokio::test]
async fn after_id_resume_gets_exactly_what_was_missed() {
    let app = spawn_app().await;
    let (_, sara) = app.agent("sara").await;
    let (_, reza) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let mut a = app.chat(&conv, &sara).await;
    let mut b = app.chat(&conv, &reza).await;
    a.send(json!({"content": "before"})).await;
    let last_seen = b.recv_type("chat_message").await["message"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    drop(b);
    for i in 0..5 {
        a.send(json!({"content": format!("missed {i}")})).await;
    }
    for _ in 0..5 {
        a.recv_type("chat_message").await;
    }
    let mut b = app.chat(&conv, &reza).await;
    b.send(json!({"type": "get_messages", "filters": {"after_id": last_seen}}))
        .await;
    let missed = b.recv_type("recent_messages").await;
    assert_eq!(
        contents(&missed),
        (0..5).map(|i| format!("missed {i}")).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn client_msg_id_stores_once_and_answers_the_retry() {
    let app = spawn_app().await;
    let (_, sara) = app.agent("sara").await;
    let (_, reza) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let mut a = app.chat(&conv, &sara).await;
    let mut b = app.chat(&conv, &reza).await;
    let frame = json!({"type": "chat_message", "content": "once", "client_msg_id": "k-1"});
    a.send(frame.clone()).await;
    let first = a.recv_type("chat_message").await;
    assert_eq!(first["client_msg_id"], "k-1");
    assert_eq!(
        b.recv_type("chat_message").await["message"]["id"],
        first["message"]["id"]
    );
    a.send(frame).await;
    let again = a.recv_type("chat_message").await;
    assert_eq!(again["message"]["id"], first["message"]["id"]);
    b.expect_silence(std::time::Duration::from_millis(300))
        .await;
    a.send(json!({"type": "get_messages"})).await;
    assert_eq!(contents(&a.recv_type("recent_messages").await), ["once"]);
}

#[tokio::test]
async fn mark_read_reaches_everyone_and_clears_unread() {
    let app = spawn_app().await;
    let (sara_user, sara) = app.agent("sara").await;
    let (_, reza) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    seed(&app, &conv, 4).await;
    let unread = |app: &crate::common::TestApp, conv: String, token: String| {
        let (http, url) = (
            app.http.clone(),
            app.url(&format!("/api/v1/message/conversation-item/{conv}/")),
        );
        async move {
            let v: serde_json::Value = http
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["unread_count"].as_i64().unwrap()
        }
    };
    assert_eq!(unread(&app, conv.clone(), sara.clone()).await, 2);
    let mut a = app.chat(&conv, &sara).await;
    let mut b = app.chat(&conv, &reza).await;
    a.send(json!({"type": "mark_read"})).await;
    for c in [&mut a, &mut b] {
        assert_eq!(c.recv_type("messages_read").await["user_id"], sara_user.id);
    }
    assert_eq!(unread(&app, conv, sara).await, 0);
}

#[tokio::test]
async fn feedback_on_ai_messages_only() {
    use pilito_box::storage::messages::{self, NewMessage};
    let app = spawn_app().await;
    let (_, sara) = app.agent("sara").await;
    let (_, reza) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let (c2, c3) = (conv.clone(), conv.clone());
    let ai = app
        .state
        .store
        .write(move |c| {
            let new = NewMessage {
                conversation_id: c2,
                kind: "AI".into(),
                content: "auto".into(),
                sender_user_id: None,
                client_msg_id: None,
            };
            Ok(messages::insert(c, &new)?.message.id)
        })
        .await
        .unwrap();
    let human = seed(&app, &c3, 1).await.remove(0);
    let mut a = app.chat(&conv, &sara).await;
    let mut b = app.chat(&conv, &reza).await;
    a.send(json!({"type": "submit_feedback", "message_id": ai, "feedback": "POSITIVE", "comment": "  good  "})).await;
    let submitted = a.recv_type("feedback_submitted").await;
    assert_eq!(submitted["success"], true);
    assert_eq!(submitted["data"]["feedback"], "positive");
    assert_eq!(submitted["data"]["comment"], "good");
    assert!(
        submitted["data"]["feedback_at"]
            .as_str()
            .unwrap()
            .ends_with("+00:00")
    );
    for c in [&mut a, &mut b] {
        let updated = c.recv_type("feedback_updated").await;
        assert_eq!(
            (updated["message_id"].as_str(), updated["feedback"].as_str()),
            (Some(ai.as_str()), Some("positive"))
        );
    }
    let cases = [
        (
            json!({"type": "submit_feedback", "feedback": "positive"}),
            "message_id is required",
        ),
        (
            json!({"type": "submit_feedback", "message_id": ai, "feedback": "meh"}),
            "Invalid feedback type. Must be \"positive\", \"negative\", or \"none\"",
        ),
        (
            json!({"type": "submit_feedback", "message_id": human, "feedback": "negative"}),
            "Feedback can only be submitted for AI responses",
        ),
        (
            json!({"type": "submit_feedback", "message_id": "nope", "feedback": "negative"}),
            "Message not found or you do not have permission to access it",
        ),
    ];
    for (frame, text) in cases {
        a.send(frame).await;
        assert_eq!(a.recv_type("error").await["error"], text);
    }
}

#[tokio::test]
async fn typing_reaches_others_and_expires_on_the_server() {
    let app = crate::common::spawn_with(|c| c.limits.typing_timeout_secs = 1).await;
    let (sara_user, sara) = app.agent("sara").await;
    let (_, reza) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let mut a = app.chat(&conv, &sara).await;
    let mut b = app.chat(&conv, &reza).await;
    a.recv_type("user_presence").await;
    a.send(json!({"type": "typing", "is_typing": true})).await;
    let on = b.recv_type("typing").await;
    assert_eq!(
        (on["is_typing"].as_bool(), on["user_id"].as_str()),
        (Some(true), Some(sara_user.id.to_string().as_str()))
    );
    assert_eq!(on["username"], "Sara");
    let started = std::time::Instant::now();
    let off = b.recv_type("typing").await;
    assert_eq!(off["is_typing"], false);
    assert!(started.elapsed() >= std::time::Duration::from_millis(800));
    a.expect_silence(std::time::Duration::from_millis(200))
        .await;
}

#[tokio::test]
async fn presence_is_announced_on_first_open_and_last_close() {
    let app = spawn_app().await;
    let (reza_user, reza) = app.agent("reza").await;
    let (_, sara) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut watcher = app.chat(&conv, &sara).await;
    let tab1 = app.chat(&conv, &reza).await;
    let online = watcher.recv_type("user_presence").await;
    assert_eq!(
        (online["user_id"].as_i64(), online["is_online"].as_bool()),
        (Some(reza_user.id), Some(true))
    );
    assert_eq!(online["username"], "Reza");
    let tab2 = app.chat(&conv, &reza).await;
    drop(tab1);
    watcher
        .expect_silence(std::time::Duration::from_millis(400))
        .await;
    drop(tab2);
    let offline = watcher.recv_type("user_presence").await;
    assert_eq!(offline["is_online"], false);
}

#[tokio::test]
async fn deleting_the_conversation_tells_viewers_and_closes_normally() {
    let app = spawn_app().await;
    let admin = app
        .user("boss", pilito_box::storage::users::Role::Admin)
        .await;
    let token = app.token(admin.id).await;
    let conv = app.conversation("Maryam").await;
    let mut c = app.chat(&conv, &token).await;
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/message/conversation-item/{conv}/")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (ended, frames) = c.until_closed().await;
    let deleted = frames.last().unwrap();
    assert_eq!(deleted["type"], "conversation_deleted");
    assert_eq!(deleted["conversation_id"], conv.as_str());
    assert_eq!(deleted["message"], "This conversation has been deleted");
    assert_eq!(
        ended,
        crate::common::client::Ended::Closed(1000, "conversation deleted".into())
    );
}

#[tokio::test]
async fn frames_carry_exactly_the_reference_keys() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut c = app.chat(&conv, &token).await;
    c.send(json!({"content": "shape"})).await;
    let frame = c.recv_type("chat_message").await;
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&frame), ["external_send_result", "message", "type"]);
    assert_eq!(
        keys(&frame["message"]),
        [
            "attachment",
            "author",
            "content",
            "conversation_id",
            "created_at",
            "customer",
            "external_send_result",
            "feedback",
            "feedback_at",
            "feedback_comment",
            "id",
            "is_ai_response",
            "is_answered",
            "media_file",
            "media_url",
            "message_type",
            "processing_status",
            "transcription",
            "type"
        ]
    );
    assert_eq!(
        keys(&frame["message"]["customer"]),
        [
            "created_at",
            "data",
            "description",
            "email",
            "first_name",
            "id",
            "last_name",
            "phone_number",
            "profile_picture",
            "source",
            "source_id",
            "tag",
            "updated_at",
            "username"
        ]
    );
    assert!(frame["message"]["customer"]["id"].is_i64());
    assert_eq!(frame["message"]["customer"]["data"], json!({}));
    assert!(
        frame["message"]["created_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    c.send(json!({"type": "get_messages"})).await;
    let recent = c.recv_type("recent_messages").await;
    assert_eq!(
        keys(&recent),
        [
            "count",
            "messages",
            "page_count",
            "pagination",
            "timestamp",
            "type"
        ]
    );
    assert_eq!(
        keys(&recent["pagination"]),
        [
            "count",
            "has_next",
            "has_previous",
            "limit",
            "offset",
            "page",
            "page_count",
            "page_size",
            "total_pages"
        ]
    );
}

#[tokio::test]
async fn a_silent_peer_is_closed_after_the_idle_timeout_and_a_live_one_is_not() {
    let app = crate::common::spawn_with(|c| {
        c.limits.ping_interval_secs = 1;
        c.limits.idle_timeout_secs = 2;
    })
    .await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut silent = app.chat(&conv, &token).await;
    let mut live = app.chat(&conv, &token).await;
    let keep_reading = tokio::spawn(async move {
        live.expect_silence(std::time::Duration::from_secs(4)).await;
        live.send(json!({"type": "ping"})).await;
        live.recv_type("pong").await;
    });
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    let (ended, _) = silent.until_closed().await;
    assert_eq!(
        ended,
        crate::common::client::Ended::Closed(1001, "idle timeout".into())
    );
    keep_reading.await.unwrap();
}
