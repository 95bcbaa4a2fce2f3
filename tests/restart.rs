//! Stopping the server closes sockets with 1001; a restart on the same folder loses nothing.

use serde_json::json;

use crate::common::client::Ended;
use crate::common::{spawn_app, start};

#[tokio::test]
async fn a_restart_loses_no_stored_message_and_resume_works_across_it() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut c = app.chat(&conv, &token).await;
    let mut last = String::new();
    for i in 0..10 {
        c.send(json!({"content": format!("before {i}")})).await;
        last = c.recv_type("chat_message").await["message"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    let stopping = tokio::spawn(app.stop());
    let (ended, _) = c.until_closed().await;
    assert_eq!(ended, Ended::Closed(1001, "server shutting down".into()));
    let dir = stopping.await.unwrap();

    let app = start(dir, |_| {}).await;
    let mut other = app.chat(&conv, &token).await;
    other.send(json!({"content": "after restart"})).await;
    other.recv_type("chat_message").await;
    let mut c = app.chat(&conv, &token).await;
    c.send(json!({"type": "get_messages", "filters": {"page_size": 100}}))
        .await;
    let all = c.recv_type("recent_messages").await;
    assert_eq!(all["count"], 11);
    c.send(json!({"type": "get_messages", "filters": {"after_id": last}}))
        .await;
    let missed = c.recv_type("recent_messages").await;
    assert_eq!(missed["messages"].as_array().unwrap().len(), 1);
    assert_eq!(missed["messages"][0]["content"], "after restart");
}
