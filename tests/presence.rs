//! Workspace presence: online while any socket is open, offline after the last closes and a
//! grace period passes, stored in `SQLite`, broadcast to the list feeds, reset after a crash.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Client, spawn_with, start};

async fn conversations_feed(app: &crate::common::TestApp, token: &str) -> (Client, Value) {
    let mut c = Client::connect(&app.ws_url("/ws/conversations/", Some(token)))
        .await
        .unwrap();
    c.recv_type("conversations_list").await;
    let online = c.recv_type("online_users").await;
    (c, online)
}

async fn presence_of(c: &mut Client, user_id: i64) -> bool {
    loop {
        let f = c.recv_type("user_presence").await;
        if f["user_id"] == user_id {
            return f["is_online"].as_bool().unwrap();
        }
    }
}

#[tokio::test]
async fn two_tabs_keep_a_user_online_until_both_close_and_the_grace_passes() {
    let app = spawn_with(|c| c.limits.presence_grace_secs = 1).await;
    let (sara, sara_token) = app.agent("sara").await;
    let (_, reza_token) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let (mut watcher, online) = conversations_feed(&app, &reza_token).await;
    let listed = online["users"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .any(|u| u["username"] == "Sara" && u["is_online"] == false),
        "{online}"
    );

    let tab1 = app.chat(&conv, &sara_token).await;
    let (tab2, _) = conversations_feed(&app, &sara_token).await;
    assert!(presence_of(&mut watcher, sara.id).await);
    assert!(app.is_online(sara.id).await);

    drop(tab1);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(app.is_online(sara.id).await, "one tab still open");

    drop(tab2);
    let closed = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        app.is_online(sara.id).await,
        "still within the grace period"
    );
    assert!(!presence_of(&mut watcher, sara.id).await);
    assert!(
        closed.elapsed() >= Duration::from_millis(900),
        "{:?}",
        closed.elapsed()
    );
    assert!(!app.is_online(sara.id).await);

    let (_again, online) = conversations_feed(&app, &sara_token).await;
    let me = online["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user_id"] == sara.id)
        .unwrap()
        .clone();
    assert!(me["last_seen"].as_str().unwrap().ends_with("+00:00"));
}

#[tokio::test]
async fn a_reload_within_the_grace_period_does_not_flicker() {
    let app = spawn_with(|c| c.limits.presence_grace_secs = 2).await;
    let (sara, sara_token) = app.agent("sara").await;
    let (_, reza_token) = app.agent("reza").await;
    let (mut watcher, _) = conversations_feed(&app, &reza_token).await;
    let (tab, _) = conversations_feed(&app, &sara_token).await;
    assert!(presence_of(&mut watcher, sara.id).await);
    drop(tab);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_reloaded, _) = conversations_feed(&app, &sara_token).await;
    let deadline = Instant::now() + Duration::from_millis(2500);
    while Instant::now() < deadline {
        if let Ok(Ok(f)) = tokio::time::timeout(Duration::from_millis(200), watcher.next()).await {
            assert!(f["type"] != "user_presence", "flickered: {f}");
        }
    }
    assert!(app.is_online(sara.id).await);
}

#[tokio::test]
async fn a_crash_and_restart_leaves_nobody_online() {
    let app = spawn_with(|_| {}).await;
    let (sara, token) = app.agent("sara").await;
    let (_socket, _) = conversations_feed(&app, &token).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !app.is_online(sara.id).await {
        assert!(Instant::now() < deadline, "never came online");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let dir = app.crash().await;
    let app = start(dir, |_| {}).await;
    assert!(!app.is_online(sara.id).await);
    let (_, online) = conversations_feed(&app, &token).await;
    let others: Vec<&Value> = online["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["user_id"] != sara.id)
        .collect();
    assert!(others.iter().all(|u| u["is_online"] == false), "{online}");
}

#[tokio::test]
async fn a_user_opening_the_list_is_listed_online() {
    let app = spawn_with(|_| {}).await;
    let (sara, token) = app.agent("sara").await;
    // Another process holds the write lock (a CLI backup, a busy writer): the presence task
    // cannot record Sara's first socket before her list's first frames go out.
    let other = rusqlite::Connection::open(app.state.store.path()).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let (_c, online) = conversations_feed(&app, &token).await;
    other.execute_batch("COMMIT").unwrap();
    let me = online["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user_id"] == sara.id)
        .cloned();
    assert_eq!(
        me.map(|u| u["is_online"].clone()),
        Some(Value::Bool(true)),
        "{online}"
    );
}
