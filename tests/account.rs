//! Honest account messages and the admin's connections page over REST and real sockets: why a
//! socket was signed out (`reason`), a disabled account told so once its password is right, a
//! user changing their own password, and `GET /api/v1/admin/connections`.

use std::time::Duration;

use pilito_box::storage::users::Role;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::common::client::Ended;
use crate::common::{Client, PASSWORD, TestApp, spawn_app, spawn_with};

async fn login(app: &TestApp, name: &str, password: &str) -> (u16, Value) {
    let r = app
        .http
        .post(app.url("/api/v1/usr/login"))
        .json(&json!({"email_or_username": name, "password": password}))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn access(app: &TestApp, name: &str, password: &str) -> String {
    let (status, body) = login(app, name, password).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

/// The `authentication_error` frame a socket got before its 4001.
async fn auth_error(c: &mut Client) -> Value {
    let (ended, frames) = tokio::time::timeout(Duration::from_secs(5), c.until_closed())
        .await
        .expect("the socket was closed");
    assert!(matches!(ended, Ended::Closed(4001, _)), "{ended:?}");
    frames
        .into_iter()
        .find(|f| f["type"] == "authentication_error")
        .expect("an authentication_error frame")
}

async fn patch_user(app: &TestApp, admin: &str, id: i64, body: Value) {
    let r = app
        .http
        .patch(app.url(&format!("/api/v1/usr/users/{id}")))
        .bearer_auth(admin)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn an_admin_reset_says_password_changed_to_open_and_later_sockets() {
    let app = spawn_app().await;
    let admin = app.user("boss", Role::Admin).await;
    let admin_token = app.token(admin.id).await;
    let (sara, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut open = app.chat(&conv, &token).await;
    patch_user(
        &app,
        &admin_token,
        sara.id,
        json!({"password": "Tulip orbit 7342 gravel"}),
    )
    .await;
    let frame = auth_error(&mut open).await;
    assert_eq!(frame["reason"], "password_changed", "{frame}");
    assert_eq!(frame["error_code"], "INVALID_TOKEN", "unchanged: {frame}");

    let mut later = Client::connect(&app.ws_url(&format!("/ws/chat/{conv}/"), Some(&token)))
        .await
        .unwrap();
    let frame = auth_error(&mut later).await;
    assert_eq!(
        frame["reason"], "password_changed",
        "the reason is kept with the token: {frame}"
    );
}

#[tokio::test]
async fn a_disabled_account_is_told_so_only_with_the_right_password() {
    let app = spawn_app().await;
    let admin = app.user("boss", Role::Admin).await;
    let admin_token = app.token(admin.id).await;
    let sara = app.user("sara", Role::Agent).await;
    let token = access(&app, "sara", PASSWORD).await;
    let conv = app.conversation("Maryam").await;
    let mut open = app.chat(&conv, &token).await;
    patch_user(&app, &admin_token, sara.id, json!({"is_active": false})).await;
    let frame = auth_error(&mut open).await;
    assert_eq!(frame["reason"], "disabled", "{frame}");
    assert_eq!(frame["error_code"], "AUTH_REQUIRED", "{frame}");

    let (status, body) = login(&app, "sara", PASSWORD).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error_code"], "ACCOUNT_DISABLED", "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("disabled"),
        "{body}"
    );
    let (status, body) = login(&app, "sara", "not her password").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["error_code"], "INVALID_CREDENTIALS",
        "a wrong password tells nothing: {body}"
    );
    let (status, body) = login(&app, "nobody", PASSWORD).await;
    assert_eq!(
        (status, &body["error_code"]),
        (400, &json!("INVALID_CREDENTIALS"))
    );
}

async fn change_password(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    let r = app
        .http
        .post(app.url("/api/v1/usr/me/password"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn changing_my_password_ends_my_other_sign_ins_and_keeps_this_one() {
    let app = spawn_app().await;
    app.user("sara", Role::Agent).await;
    let here = access(&app, "sara", PASSWORD).await;
    let elsewhere = access(&app, "sara", PASSWORD).await;
    let conv = app.conversation("Maryam").await;
    let mut mine = app.chat(&conv, &here).await;
    let mut other = app.chat(&conv, &elsewhere).await;

    let fresh = "Tulip orbit 7342 gravel";
    let (status, body) = change_password(
        &app,
        &here,
        json!({"current_password": "wrong one", "new_password": fresh}),
    )
    .await;
    assert_eq!(
        (status, &body["error_code"]),
        (400, &json!("WRONG_PASSWORD")),
        "{body}"
    );
    let (status, body) = change_password(
        &app,
        &here,
        json!({"current_password": PASSWORD, "new_password": "short"}),
    )
    .await;
    assert_eq!(
        (status, &body["error_code"]),
        (400, &json!("WEAK_PASSWORD")),
        "{body}"
    );
    let (status, body) = change_password(&app, &here, json!({"current_password": PASSWORD})).await;
    assert_eq!(status, 400, "a missing field is refused: {body}");

    let (status, body) = change_password(
        &app,
        &here,
        json!({"current_password": PASSWORD, "new_password": fresh}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["other_sessions_ended"], 2,
        "the other access and refresh: {body}"
    );
    let frame = auth_error(&mut other).await;
    assert_eq!(frame["reason"], "own_password_changed", "{frame}");
    mine.send(json!({"type": "chat_message", "content": "still here", "client_msg_id": "k1"}))
        .await;
    let echo = mine.recv_type("chat_message").await;
    assert_eq!(
        echo["message"]["content"], "still here",
        "this sign-in is kept"
    );
    let profile = app
        .http
        .get(app.url("/api/v1/usr/profile"))
        .bearer_auth(&here)
        .send()
        .await
        .unwrap();
    assert_eq!(profile.status(), 200);

    assert_eq!(
        login(&app, "sara", PASSWORD).await.0,
        400,
        "the old password is gone"
    );
    assert_eq!(login(&app, "sara", fresh).await.0, 200);
    let (status, _) = change_password(
        &app,
        "not-a-token",
        json!({"current_password": fresh, "new_password": "another new one"}),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_connections_page_lists_open_sockets_and_recent_closes() {
    let app = spawn_with(|c| c.limits.ping_interval_secs = 1).await;
    let admin = app.user("boss", Role::Admin).await;
    let admin_token = app.token(admin.id).await;
    let (_reza, reza_token) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let mut chat = app.chat(&conv, &reza_token).await;

    let get = |token: String| {
        let (http, url) = (app.http.clone(), app.url("/api/v1/admin/connections"));
        async move {
            let r = http.get(url).bearer_auth(token).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = get(reza_token.clone()).await;
    assert_eq!(
        (status, &body["error_code"]),
        (403, &json!("PERMISSION_DENIED"))
    );

    let mut seen = Value::Null;
    for _ in 0..60 {
        let (status, body) = get(admin_token.clone()).await;
        assert_eq!(status, 200, "{body}");
        seen = body["open"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["username"] == "reza")
            .cloned()
            .unwrap_or(Value::Null);
        if seen["last_ping_rtt_ms"].is_number() {
            break;
        }
        // Reading is what answers the server's pings.
        chat.expect_silence(Duration::from_millis(100)).await;
    }
    assert_eq!(seen["feed"], format!("/ws/chat/{conv}/"), "{seen}");
    assert_eq!(seen["client_address"], "127.0.0.1", "{seen}");
    assert!(
        seen["connected_since"]
            .as_str()
            .unwrap()
            .ends_with("+00:00"),
        "{seen}"
    );
    assert_eq!(seen["queued"], 0, "{seen}");
    assert!(seen["queue_capacity"].as_u64().unwrap() > 0, "{seen}");
    assert_eq!(seen["frames_dropped"], 0, "{seen}");
    assert!(
        seen["last_ping_rtt_ms"].as_f64().unwrap() >= 0.0,
        "a pong came back: {seen}"
    );

    let bye = CloseFrame {
        code: CloseCode::Normal,
        reason: "bye".into(),
    };
    chat.ws.close(Some(bye)).await.unwrap();
    let mut close = Value::Null;
    for _ in 0..50 {
        let (_, body) = get(admin_token.clone()).await;
        if let Some(c) = body["recent_closes"].as_array().unwrap().first() {
            close = c.clone();
            assert!(
                body["open"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|s| s["username"] != "reza"),
                "a closed socket is no longer open: {body}"
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(close["username"], "reza", "{close}");
    assert_eq!(close["code"], 1000, "{close}");
    assert_eq!(close["closed_by"], "client", "{close}");
    assert!(
        close["meaning"]
            .as_str()
            .unwrap()
            .starts_with("Normal close"),
        "{close}"
    );
}
