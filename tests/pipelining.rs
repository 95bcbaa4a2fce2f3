//! One chat socket sending faster than the writer commits: its messages are queued without
//! waiting for each commit, published and echoed after the commit in the order sent, each once,
//! and a writer that cannot keep up slows the socket down instead of dropping anything.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::common::{TestApp, spawn_with};

/// Frames of about 1 KB the slow-writer test sends: 20 MB, more than the loopback buffers hold.
const N: usize = 20_000;

async fn app() -> TestApp {
    spawn_with(|c| {
        c.limits.frames_per_second = 100_000;
        c.limits.frame_burst = 100_000;
        c.limits.queue_capacity = 100_000;
    })
    .await
}

/// Holds the database's write lock from another connection, as a CLI backup would.
fn hold_writes(app: &TestApp) -> rusqlite::Connection {
    let other = rusqlite::Connection::open(app.state.store.path()).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    other
}

async fn stored_in(app: &TestApp, conv: &str) -> i64 {
    let conv = conv.to_owned();
    app.state
        .store
        .read(move |c| {
            Ok(c.query_row(
                "SELECT count(*) FROM messages WHERE conversation_id = ?1",
                [&conv],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap()
}

fn what(frame: &Value) -> String {
    match frame["type"].as_str().unwrap() {
        "chat_message" => format!(
            "{} {}",
            frame["message"]["content"].as_str().unwrap(),
            frame["client_msg_id"].as_str().unwrap_or("-")
        ),
        other => other.to_owned(),
    }
}

/// Waits until the server has read `writes` writes from its sockets and queued them: taken by
/// the writer (its first batch, stuck behind the lock) or waiting for it.
async fn until_queued(app: &TestApp, writes: u64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let stats = app.state.store.write_stats();
        if stats.writes + stats.waiting >= writes {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server queued {} of {writes} writes",
            stats.writes + stats.waiting
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_burst_is_committed_together_and_echoed_in_order_each_once() {
    // Fewer requests than a socket may have in flight, so the whole burst is read and queued
    // while the writer cannot commit, whatever else the machine is doing.
    const BURST: usize = 60;
    const _: () = assert!(BURST + 2 < pilito_box::ws::pipeline::MAX_IN_FLIGHT);
    let app = app().await;
    let (_, sara) = app.agent("sara").await;
    let (_, reza) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let mut sender = app.chat(&conv, &sara).await;
    let mut watcher = app.chat(&conv, &reza).await;
    let before = app.state.store.write_stats();

    let lock = hold_writes(&app);
    let mut expected = Vec::new();
    for i in 0..BURST {
        sender
            .send(json!({"type": "chat_message", "content": format!("m{i}"), "client_msg_id": format!("k{i}")}))
            .await;
        expected.push(format!("m{i} k{i}"));
        if i == 20 {
            // A retry of an earlier send, still in the same burst: stored once, echoed again.
            sender
                .send(json!({"type": "chat_message", "content": "m10", "client_msg_id": "k10"}))
                .await;
            expected.push("m10 k10".to_owned());
        }
        if i == 30 {
            sender
                .send(json!({"type": "chat_message", "content": "  "}))
                .await;
            expected.push("error".to_owned());
        }
    }
    sender.send(json!({"type": "ping"})).await;
    expected.push("pong".to_owned());
    // The blank one is refused before it reaches the writer; the retry is a write.
    until_queued(&app, before.writes + before.waiting + BURST as u64 + 1).await;
    // Persist first: nothing reaches anyone while the writer cannot commit.
    watcher.expect_silence(Duration::from_millis(300)).await;
    lock.execute_batch("COMMIT").unwrap();

    let mut echoed = Vec::new();
    while echoed.len() < expected.len() {
        let frame = sender.recv().await;
        if frame["type"] != "user_presence" {
            echoed.push(what(&frame));
        }
    }
    assert_eq!(echoed, expected);
    for i in 0..BURST {
        let m = watcher.recv_type("chat_message").await;
        assert_eq!(m["message"]["content"], format!("m{i}"));
    }
    watcher.expect_silence(Duration::from_millis(200)).await;
    assert_eq!(stored_in(&app, &conv).await, i64::try_from(BURST).unwrap());
    // The first batch the writer took before it met the lock, then the rest of the burst:
    // waiting for each commit before reading the next frame would have taken one per message.
    let commits = app.state.store.write_stats().commits - before.commits;
    assert!(commits <= 3, "{commits} commits for {BURST} messages");
}

#[tokio::test]
async fn a_writer_that_cannot_keep_up_slows_the_sender_and_loses_nothing() {
    let app = app().await;
    let (_, sara) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let url = app.ws_url(&format!("/ws/chat/{conv}/"), Some(&sara));
    let (ws, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .unwrap();
    let (mut sink, mut stream) = ws.split();
    for _ in 0..2 {
        stream.next().await.unwrap().unwrap();
    }
    let lock = hold_writes(&app);
    let written = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&written);
    let text = "x".repeat(990);
    let writer = tokio::spawn(async move {
        for i in 0..N {
            let frame = json!({"type": "chat_message", "content": format!("{i} {text}")});
            sink.send(Message::text(frame.to_string())).await.unwrap();
            counter.fetch_add(1, Ordering::Relaxed);
        }
        sink
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let while_held = written.load(Ordering::Relaxed);
    assert!(
        while_held < N,
        "the server kept reading all {N} frames while nothing could be committed"
    );
    lock.execute_batch("COMMIT").unwrap();
    let mut next = 0;
    while next < N {
        let frame = tokio::time::timeout(Duration::from_secs(30), stream.next())
            .await
            .expect("the echoes stopped")
            .unwrap()
            .unwrap();
        let Message::Text(t) = frame else { continue };
        let v: Value = serde_json::from_str(&t).unwrap();
        assert_eq!(v["type"], "chat_message", "{v}");
        let content = v["message"]["content"].as_str().unwrap();
        assert!(
            content.starts_with(&format!("{next} ")),
            "expected {next}, got {content:.20}"
        );
        next += 1;
    }
    let _sink = writer.await.unwrap();
    assert_eq!(stored_in(&app, &conv).await, i64::try_from(N).unwrap());
}
