//! A client that stops reading is closed with 1013 once its queue is full, and nobody else waits.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::Message;

use crate::common::spawn_with;

#[tokio::test]
async fn a_stalled_reader_gets_1013_while_the_others_keep_flowing() {
    let app = spawn_with(|c| {
        c.limits.queue_capacity = 16;
        // REST is this test's publisher, not what it measures.
        c.limits.rest_writes_per_second = 100_000;
        c.limits.rest_write_burst = 100_000;
    })
    .await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let url = app.ws_url(&format!("/ws/chat/{conv}/"), Some(&token));

    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(app.addr).await.unwrap();
    let (mut stalled, _) = tokio_tungstenite::client_async(url.as_str(), stream)
        .await
        .unwrap();

    let mut reader = app.chat(&conv, &token).await;
    let (seen_tx, mut seen) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let m = reader.recv_type("chat_message").await;
            let content = m["message"]["content"].as_str().unwrap().to_owned();
            if seen_tx.send(content).is_err() {
                return;
            }
        }
    });
    let group = format!("chat_{conv}");
    assert_eq!(app.state.hub.group_size(&group), 2);
    let text = "y".repeat(900);
    let send = app.url(&format!(
        "/api/v1/message/conversation/{conv}/send-message/"
    ));
    let mut published = 0;
    while app.state.hub.group_size(&group) == 2 {
        assert!(published < 3000, "the stalled socket was never dropped");
        let body = json!({"content": format!("{published} {text}")});
        let r = app
            .http
            .post(&send)
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        published += 1;
    }
    let mut close = None;
    let mut got = 0;
    while close.is_none() {
        match tokio::time::timeout(Duration::from_secs(5), stalled.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => close = Some(frame.map(|f| u16::from(f.code))),
            Ok(Some(Ok(Message::Text(_)))) => got += 1,
            Ok(Some(Ok(_))) => {}
            other => panic!("expected a close frame, got {other:?} after {got} frames"),
        }
    }
    assert_eq!(close, Some(Some(1013)), "after {got} frames");
    assert!(
        got < published,
        "the stalled socket missed frames it must resume with after_id"
    );
    for i in 0..published {
        let content = tokio::time::timeout(Duration::from_secs(5), seen.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(
            content.starts_with(&format!("{i} ")),
            "message {i} out of order: {content:.10}"
        );
    }
}
