//! List pages shared between sockets (#18): many agents with the same list open cost one page
//! build per change, each still sees their own Mine count, and `assigned: me` stays per agent.

use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{Client, TestApp, spawn_app};

const AGENTS: usize = 20;
const WAIT: Duration = Duration::from_secs(5);

async fn list_socket(app: &TestApp, token: &str) -> Client {
    let mut c = Client::connect(&app.ws_url("/ws/conversations/", Some(token)))
        .await
        .unwrap();
    assert_eq!(c.recv().await["type"], "connection_established");
    assert_eq!(
        c.recv_type("conversations_list").await["type"],
        "conversations_list"
    );
    c
}

/// The next list frame whose newest conversation's last message is `text`.
async fn list_showing(c: &mut Client, text: &str) -> Value {
    tokio::time::timeout(WAIT, async {
        loop {
            let list = c.recv_type("conversations_list").await;
            if list["conversations"][0]["last_message"]["content"] == text {
                return list;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no list showing {text:?}"))
}

fn built(app: &TestApp) -> u64 {
    app.state.metrics.list_pages_built.load(Relaxed)
}

#[tokio::test]
async fn agents_with_the_same_list_open_share_one_build_and_keep_their_own_counts() {
    let app = spawn_app().await;
    let conv = app
        .inbound_conversation("telegram", "m1", "Maryam", "salam")
        .await;
    let mut agents = Vec::new();
    for n in 0..AGENTS {
        agents.push(app.agent(&format!("agent{n}")).await);
    }
    let (first, first_token) = &agents[0];
    app.assign(&conv, first_token, first.id).await;
    let mut lists = Vec::new();
    for (_, token) in &agents {
        lists.push(list_socket(&app, token).await);
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let before = built(&app);
    app.inbound("telegram", "m1", "Maryam", "is it in stock?")
        .await;
    for (n, list) in lists.iter_mut().enumerate() {
        let shown = list_showing(list, "is it in stock?").await;
        let mine = i64::from(n == 0);
        assert_eq!(
            shown["counts"],
            json!({"mine": mine, "unassigned": 0, "all": 1}),
            "agent{n}"
        );
    }
    let builds = built(&app) - before;
    assert!(
        builds <= 2,
        "{AGENTS} list sockets showing the same page built it {builds} times"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_list_of_my_conversations_is_not_shared_with_another_agent() {
    let app = spawn_app().await;
    let (sara, sara_token) = app.agent("sara").await;
    let (_, reza_token) = app.agent("reza").await;
    let conv = app
        .inbound_conversation("telegram", "m1", "Maryam", "salam")
        .await;
    app.assign(&conv, &sara_token, sara.id).await;
    let mine = json!({"type": "get_conversations", "filters": {"assigned": "me"}});
    let mut sara_list = list_socket(&app, &sara_token).await;
    let mut reza_list = list_socket(&app, &reza_token).await;
    sara_list.send(mine.clone()).await;
    reza_list.send(mine).await;
    let (sara_sees, reza_sees) = (
        sara_list.recv_type("conversations_list").await,
        reza_list.recv_type("conversations_list").await,
    );
    assert_eq!(
        (sara_sees["count"].clone(), reza_sees["count"].clone()),
        (json!(1), json!(0))
    );
    app.inbound("telegram", "m1", "Maryam", "hello?").await;
    let refreshed = list_showing(&mut sara_list, "hello?").await;
    assert_eq!(refreshed["count"], 1);
    tokio::time::sleep(Duration::from_millis(400)).await;
    reza_list.send(json!({"type": "ping"})).await;
    loop {
        let frame = tokio::time::timeout(WAIT, reza_list.recv()).await.unwrap();
        match frame["type"].as_str() {
            Some("pong") => break,
            Some("conversations_list") => assert_eq!(frame["count"], 0, "{frame}"),
            _ => {}
        }
    }
    app.stop().await;
}
