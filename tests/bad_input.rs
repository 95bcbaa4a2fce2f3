//! PROTOCOL §7: every bad input gets its answer, the socket and the server keep working, and
//! nothing stored is damaged.

use std::time::Duration;

use futures_util::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::common::client::Ended;
use crate::common::{Client, spawn_app, spawn_with};

async fn alive(c: &mut Client) {
    c.send(json!({"type": "ping"})).await;
    assert_eq!(c.recv_type("pong").await["type"], "pong");
}

#[tokio::test]
async fn malformed_frames_get_precise_errors_and_the_socket_stays_open() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut c = app.chat(&conv, &token).await;
    c.send(json!({"content": "kept"})).await;
    c.recv_type("chat_message").await;

    c.send_text("{not json").await;
    assert_eq!(c.recv().await, json!({"error": "Invalid JSON format"}));
    let cases = [
        ("[1, 2]", "Message must be a JSON object"),
        ("\"text\"", "Message must be a JSON object"),
        (
            r#"{"type": "launch_rockets"}"#,
            "Unknown message type: launch_rockets",
        ),
        (r#"{"type": 7}"#, "Field 'type' must be a string"),
        (
            r#"{"type": "chat_message", "content": 42}"#,
            "Invalid field 'content': invalid type: integer `42`, expected a string",
        ),
        (
            r#"{"type": "chat_message", "content": "   "}"#,
            "Message content cannot be empty",
        ),
        (
            r#"{"type": "typing", "is_typing": "yes"}"#,
            "Invalid field 'is_typing': invalid type: string \"yes\", expected a boolean",
        ),
        (
            r#"{"type": "chat_message", "content": "x", "client_msg_id": ""}"#,
            "client_msg_id must be 1-64 characters",
        ),
    ];
    for (text, expected) in cases {
        c.send_text(text).await;
        let err = c.recv().await;
        assert_eq!(err, json!({"type": "error", "error": expected}), "{text}");
    }
    let long = "x".repeat(4097);
    c.send(json!({"content": long})).await;
    assert_eq!(
        c.recv().await["error"],
        "Message content too long (max 4096 characters)"
    );
    c.ws.send(Message::binary(vec![1_u8, 2, 3])).await.unwrap();
    assert_eq!(
        c.recv().await,
        json!({"type": "error", "error": "Binary frames are not supported"})
    );
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    c.send_text(&deep).await;
    assert_eq!(c.recv().await, json!({"error": "Invalid JSON format"}));

    alive(&mut c).await;
    c.send(json!({"type": "get_messages"})).await;
    let history = c.recv_type("recent_messages").await;
    assert_eq!(
        history["count"], 1,
        "only the one good message is stored: {history}"
    );
    assert_eq!(history["messages"][0]["content"], "kept");
}

#[tokio::test]
async fn an_oversize_frame_closes_1009_and_others_keep_working() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut big = app.chat(&conv, &token).await;
    let mut other = app.chat(&conv, &token).await;
    big.send_text(&format!(r#"{{"content": "{}"}}"#, "x".repeat(70 * 1024)))
        .await;
    let (ended, _) = big.until_closed().await;
    assert!(matches!(ended, Ended::Closed(1009, _)), "{ended:?}");
    alive(&mut other).await;
    let mut again = app.chat(&conv, &token).await;
    alive(&mut again).await;
}

#[tokio::test]
async fn a_flooding_socket_is_warned_then_closed_1008_while_others_continue() {
    let app = spawn_with(|c| {
        c.limits.frames_per_second = 5;
        c.limits.frame_burst = 5;
    })
    .await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut flood = app.chat(&conv, &token).await;
    let mut calm = app.chat(&conv, &token).await;
    for _ in 0..40 {
        flood
            .ws
            .feed(Message::text(r#"{"type": "ping"}"#))
            .await
            .unwrap();
    }
    flood.ws.flush().await.unwrap();
    let (ended, frames) = flood.until_closed().await;
    let warnings = frames
        .iter()
        .filter(|f| f["error"] == "Rate limit exceeded")
        .count();
    let pongs = frames.iter().filter(|f| f["type"] == "pong").count();
    assert_eq!(warnings, 1, "{frames:?}");
    assert_eq!(pongs, 5, "the burst is served: {frames:?}");
    assert!(matches!(ended, Ended::Closed(1008, _)), "{ended:?}");
    alive(&mut calm).await;
}

#[tokio::test]
async fn a_short_burst_over_the_rate_is_only_warned() {
    let app = spawn_with(|c| {
        c.limits.frames_per_second = 5;
        c.limits.frame_burst = 5;
    })
    .await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut c = app.chat(&conv, &token).await;
    for _ in 0..8 {
        c.send(json!({"type": "ping"})).await;
    }
    let mut frames = Vec::new();
    for _ in 0..6 {
        frames.push(c.recv().await);
    }
    assert_eq!(
        frames
            .iter()
            .filter(|f| f["error"] == "Rate limit exceeded")
            .count(),
        1
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    alive(&mut c).await;
}
