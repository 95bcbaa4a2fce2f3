//! Crash safety: the real binary killed with SIGKILL at random moments under a steady load of
//! sends. Every message acknowledged (its `chat_message` broadcast reached the sender, or its REST
//! call returned 201) must be in the history exactly once after the restart, including those
//! re-sent after a crash with the same `client_msg_id`, and `after_id` must give a reader exactly
//! what it missed.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::RngExt;
use serde_json::json;

use crate::common::Client;
use crate::common::process::{Served, cli, free_port};

const LOAD: &[(&str, &str)] = &[
    ("PILITO_BOX_LIMITS__FRAMES_PER_SECOND", "1000"),
    ("PILITO_BOX_LIMITS__FRAME_BURST", "1000"),
    ("PILITO_BOX_LIMITS__REST_WRITES_PER_SECOND", "1000"),
    ("PILITO_BOX_LIMITS__REST_WRITE_BURST", "1000"),
];

/// What one sender has sent: key → (content, acknowledged?).
type Ledger = Arc<Mutex<BTreeMap<String, (String, bool)>>>;

/// Sends over a chat socket until the connection dies; re-sends unacknowledged keys first.
async fn socket_sender(url: String, name: &'static str, ledger: Ledger) {
    let Ok(mut c) = Client::connect(&url).await else {
        return;
    };
    if c.next().await.is_err() || c.next().await.is_err() {
        return;
    }
    let pending: Vec<(String, String)> = ledger
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, (_, acked))| !acked)
        .map(|(k, (text, _))| (k.clone(), text.clone()))
        .collect();
    let mut n = ledger.lock().unwrap().len();
    let mut outstanding: Vec<(String, String)> = pending;
    loop {
        if outstanding.is_empty() {
            n += 1;
            let key = format!("{name}-{n}");
            let text = format!("{name} message {n}");
            ledger
                .lock()
                .unwrap()
                .insert(key.clone(), (text.clone(), false));
            outstanding.push((key, text));
        }
        for (key, text) in &outstanding {
            c.send(json!({"content": text, "client_msg_id": key})).await;
        }
        while !outstanding.is_empty() {
            let Ok(Ok(frame)) = tokio::time::timeout(Duration::from_secs(3), c.next()).await else {
                return;
            };
            if let Some(key) = frame["client_msg_id"].as_str() {
                if let Some(entry) = ledger.lock().unwrap().get_mut(key) {
                    entry.1 = true;
                }
                outstanding.retain(|(k, _)| k != key);
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Sends over REST; a 201 (or a 200 for a retried key) acknowledges.
async fn rest_sender(url: String, token: String, ledger: Ledger) {
    let http = crate::common::http_client();
    let mut n = ledger.lock().unwrap().len();
    loop {
        let next = ledger
            .lock()
            .unwrap()
            .iter()
            .find(|(_, (_, acked))| !acked)
            .map(|(k, (t, _))| (k.clone(), t.clone()));
        let (key, text) = next.unwrap_or_else(|| {
            n += 1;
            let key = format!("rest-{n}");
            let text = format!("rest message {n}");
            ledger
                .lock()
                .unwrap()
                .insert(key.clone(), (text.clone(), false));
            (key, text)
        });
        let sent = http
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({"content": text, "client_msg_id": key}))
            .timeout(Duration::from_secs(3))
            .send()
            .await;
        match sent {
            Ok(r) if r.status() == 201 || r.status() == 200 => {
                if let Some(entry) = ledger.lock().unwrap().get_mut(&key) {
                    entry.1 = true;
                }
            }
            _ => return,
        }
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_messages_survive_kill_9_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let port = free_port();
    let mut server = Served::start(d, port, LOAD);
    cli(
        d,
        &["user", "add", "sender", "--password", "sender-secret-1"],
    );
    let token = cli(d, &["token", "issue", "sender"]);
    let conv_a = cli(d, &["conversation", "add", "--customer", "Crash A"]);
    let conv_b = cli(d, &["conversation", "add", "--customer", "Crash B"]);
    let ws = |conv: &str| format!("ws://127.0.0.1:{port}/ws/chat/{conv}/?token={token}");
    let rest =
        format!("http://127.0.0.1:{port}/api/v1/message/conversation/{conv_b}/send-message/");
    let ledgers: [Ledger; 3] = Default::default();
    let mut rng = rand::rng();
    let kills = 4;
    let mut last_seen = None;
    for round in 0..=kills {
        if round > 0 {
            server = Served::start(d, port, LOAD);
        }
        let a = tokio::spawn(socket_sender(ws(&conv_a), "a", Arc::clone(&ledgers[0])));
        let b = tokio::spawn(socket_sender(ws(&conv_b), "b", Arc::clone(&ledgers[1])));
        let r = tokio::spawn(rest_sender(
            rest.clone(),
            token.clone(),
            Arc::clone(&ledgers[2]),
        ));
        let mut reader = Client::connect(&ws(&conv_a)).await.unwrap();
        reader.next().await.unwrap();
        let snapshot = reader.next().await.unwrap();
        if let Some(id) = snapshot["messages"]
            .as_array()
            .and_then(|m| m.last())
            .and_then(|m| m["id"].as_str())
        {
            last_seen = Some(id.to_owned());
        }
        if round == kills {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            server.kill();
            for task in [a, b, r] {
                task.await.unwrap();
            }
            break;
        }
        let seen_ids = tokio::spawn(async move {
            let mut ids = Vec::new();
            while let Ok(frame) = reader.next().await {
                if let Some(id) = frame["message"]["id"].as_str() {
                    ids.push(id.to_owned());
                }
            }
            ids
        });
        tokio::time::sleep(Duration::from_millis(rng.random_range(300..1500))).await;
        server.kill();
        for task in [a, b, r] {
            task.await.unwrap();
        }
        if let Some(id) = seen_ids.await.unwrap().last() {
            last_seen = Some(id.clone());
        }
    }

    let db = rusqlite::Connection::open(d.join("pilito-box.db")).unwrap();
    let mut stored: HashMap<String, Vec<String>> = HashMap::new();
    let mut stmt = db
        .prepare("SELECT coalesce(client_msg_id, ''), content FROM messages")
        .unwrap();
    for row in stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
    {
        let (key, content) = row.unwrap();
        stored.entry(key).or_default().push(content);
    }
    let (mut acked, mut total) = (0, 0);
    for ledger in &ledgers {
        for (key, (text, was_acked)) in ledger.lock().unwrap().iter() {
            total += 1;
            let copies = stored.get(key).map_or(0, Vec::len);
            assert!(copies <= 1, "{key} stored {copies} times");
            if *was_acked {
                acked += 1;
                assert_eq!(
                    stored.get(key).map(|v| v[0].as_str()),
                    Some(text.as_str()),
                    "acknowledged {key} lost"
                );
            }
        }
    }
    assert!(
        acked > 100,
        "too little load to mean anything: {acked} acknowledged"
    );
    eprintln!(
        "crash safety: {acked} acknowledged of {total} sent across {kills} kills; none lost, none doubled"
    );

    let mut server = Served::start(d, port, LOAD);
    let mut reader = Client::connect(&ws(&conv_a)).await.unwrap();
    reader.next().await.unwrap();
    reader.next().await.unwrap();
    let last = last_seen.expect("the reader saw messages");
    reader
        .send(json!({"type": "get_messages", "filters": {"after_id": last, "page_size": 500}}))
        .await;
    let missed = reader.recv_type("recent_messages").await;
    let got: Vec<String> = missed["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    let seq: i64 = db
        .query_row("SELECT seq FROM messages WHERE id = ?1", [&last], |r| {
            r.get(0)
        })
        .unwrap();
    let expected: Vec<String> = db
        .prepare("SELECT id FROM messages WHERE conversation_id = ?1 AND seq > ?2 ORDER BY seq")
        .unwrap()
        .query_map(rusqlite::params![conv_a, seq], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    server.kill();
    assert_eq!(got, expected, "after_id gives exactly what was missed");
}
