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
        assert!(m["external_send_result"].is_null());
        assert_eq!(m["message"]["id"].as_str().unwrap().len(), 10);
    }
}
