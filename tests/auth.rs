//! Socket authentication: every `error_code` of the 4001 sequence, live revocation and expiry.

use std::time::{Duration, Instant};

use jsonwebtoken::Algorithm;
use pilito_box::auth::TokenKind;
use pilito_box::storage::tokens::{self, RevokeReason};
use pilito_box::storage::users::{self, Role};
use serde_json::{Value, json};

use crate::common::client::Ended;
use crate::common::{Client, TestApp, sign_with_secret, spawn_app, spawn_with};

/// Opens a chat socket with `token` and returns the frames before the close and the close.
async fn refused_with(app: &TestApp, token: Option<&str>) -> (Value, Ended) {
    let conv = app.conversation("Maryam").await;
    let mut c = Client::connect(&app.ws_url(&format!("/ws/chat/{conv}/"), token))
        .await
        .expect("authentication failures are accepted, then closed");
    let (ended, frames) = c.until_closed().await;
    assert_eq!(
        frames.len(),
        1,
        "exactly one frame before the close: {frames:?}"
    );
    (frames[0].clone(), ended)
}

fn assert_auth_error(frame: &Value, ended: &Ended, code: &str, message: &str) {
    assert_eq!(frame["type"], "authentication_error", "{frame}");
    assert_eq!(frame["error_code"], code, "{frame}");
    assert_eq!(frame["message"], message, "{frame}");
    assert!(frame["timestamp"].as_str().unwrap().ends_with("+00:00"));
    assert!(matches!(ended, Ended::Closed(4001, _)), "{ended:?}");
}

fn claims(user_id: Option<Value>, kind: &str, exp_in: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut c = json!({"type": kind, "created_at": "2026-01-01 00:00:00 +0000",
                       "iat": now, "exp": now + exp_in, "jti": "forged-jti"});
    if let Some(id) = user_id {
        c["user_id"] = id;
    }
    c
}

#[tokio::test]
async fn no_token_is_auth_required() {
    let app = spawn_app().await;
    let (frame, ended) = refused_with(&app, None).await;
    assert_auth_error(
        &frame,
        &ended,
        "AUTH_REQUIRED",
        "No authentication token provided",
    );
}

#[tokio::test]
async fn garbage_and_foreign_tokens_are_invalid() {
    let app = spawn_app().await;
    let (frame, ended) = refused_with(&app, Some("not.a.jwt")).await;
    assert_auth_error(
        &frame,
        &ended,
        "INVALID_TOKEN",
        "Invalid or expired authentication token",
    );
    let other = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(Algorithm::HS512),
        &claims(Some(json!("1")), "access", 600),
        &jsonwebtoken::EncodingKey::from_secret(b"another secret entirely"),
    )
    .unwrap();
    let (frame, ended) = refused_with(&app, Some(&other)).await;
    assert_auth_error(
        &frame,
        &ended,
        "INVALID_TOKEN",
        "Invalid or expired authentication token",
    );
    let hs256 = sign_with_secret(
        app.dir.path(),
        Algorithm::HS256,
        &claims(Some(json!("1")), "access", 600),
    );
    let (frame, ended) = refused_with(&app, Some(&hs256)).await;
    assert_auth_error(
        &frame,
        &ended,
        "INVALID_TOKEN",
        "Invalid or expired authentication token",
    );
}

#[tokio::test]
async fn missing_user_id_is_an_invalid_payload() {
    let app = spawn_app().await;
    let token = sign_with_secret(
        app.dir.path(),
        Algorithm::HS512,
        &claims(None, "access", 600),
    );
    let (frame, ended) = refused_with(&app, Some(&token)).await;
    assert_auth_error(&frame, &ended, "INVALID_TOKEN", "Invalid token payload");
}

#[tokio::test]
async fn unknown_and_disabled_users_are_not_found() {
    let app = spawn_app().await;
    let ghost = sign_with_secret(
        app.dir.path(),
        Algorithm::HS512,
        &claims(Some(json!("999")), "access", 600),
    );
    let (frame, ended) = refused_with(&app, Some(&ghost)).await;
    assert_auth_error(&frame, &ended, "AUTH_REQUIRED", "User not found");
    let (user, token) = app.agent("sara").await;
    app.state
        .store
        .write(move |c| users::set_active(c, user.id, false))
        .await
        .unwrap();
    let (frame, ended) = refused_with(&app, Some(&token)).await;
    assert_auth_error(&frame, &ended, "AUTH_REQUIRED", "User not found");
}

#[tokio::test]
async fn expired_refresh_and_revoked_tokens_are_refused() {
    let app = spawn_app().await;
    let (user, _) = app.agent("sara").await;
    let expired = app
        .state
        .auth
        .issue(user.id, TokenKind::Access, Some(0))
        .await
        .unwrap();
    let refresh = app
        .state
        .auth
        .issue(user.id, TokenKind::Refresh, None)
        .await
        .unwrap();
    let revoked = app.token(user.id).await;
    let claims = app
        .state
        .auth
        .verify(&revoked, TokenKind::Access)
        .await
        .unwrap();
    let jti = claims.jti.unwrap();
    app.state
        .store
        .write(move |c| tokens::revoke(c, &jti, true, RevokeReason::Logout))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (frame, ended) = refused_with(&app, Some(&expired)).await;
    assert_auth_error(
        &frame,
        &ended,
        "EXPIRED_TOKEN",
        "Invalid or expired authentication token",
    );
    let (frame, ended) = refused_with(&app, Some(&refresh)).await;
    assert_auth_error(
        &frame,
        &ended,
        "INVALID_TOKEN",
        "Invalid or expired authentication token",
    );
    let (frame, ended) = refused_with(&app, Some(&revoked)).await;
    assert_auth_error(
        &frame,
        &ended,
        "INVALID_TOKEN",
        "Invalid or expired authentication token",
    );
}

#[tokio::test]
async fn three_sockets_with_one_token_all_open() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut sockets = Vec::new();
    for _ in 0..3 {
        sockets.push(app.chat(&conv, &token).await);
    }
    for s in &mut sockets {
        s.send(json!({"type": "ping"})).await;
        assert_eq!(s.recv_type("pong").await["type"], "pong");
    }
}

#[tokio::test]
async fn a_bearer_subprotocol_carries_the_token_and_is_echoed() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut request = app
        .ws_url(&format!("/ws/chat/{conv}/"), None)
        .into_client_request()
        .unwrap();
    let protocol = format!("bearer.{token}");
    request
        .headers_mut()
        .insert("sec-websocket-protocol", protocol.parse().unwrap());
    let (mut ws, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        protocol.as_str()
    );
    let first = ws.next().await.unwrap().unwrap();
    assert!(first.to_text().unwrap().contains("connection_established"));
}

#[tokio::test]
async fn development_mode_uses_the_first_user_or_says_none_exists() {
    let app = spawn_with(|c| c.dev = true).await;
    let conv = app.conversation("Maryam").await;
    let mut c = Client::connect(&app.ws_url(&format!("/ws/chat/{conv}/"), None))
        .await
        .unwrap();
    assert_eq!(c.recv().await["type"], "connection_established");
    let admin = app
        .state
        .store
        .read(|c| users::by_username(c, "admin"))
        .await
        .unwrap();
    assert_eq!(admin.role, Role::Admin);
    app.state
        .store
        .write(move |c| users::set_active(c, admin.id, false))
        .await
        .unwrap();
    let (frame, ended) = refused_with(&app, None).await;
    assert_auth_error(
        &frame,
        &ended,
        "NO_USER_AVAILABLE",
        "Authentication required",
    );
}

#[tokio::test]
async fn logout_closes_the_live_socket_within_a_second() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut c = app.chat(&conv, &token).await;
    let started = Instant::now();
    let response = app
        .http
        .post(app.url("/api/v1/usr/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (ended, frames) = c.until_closed().await;
    let took = c.closed_after(started);
    assert!(
        took < Duration::from_secs(1),
        "closed {took:?} after logout"
    );
    assert_eq!(frames.last().unwrap()["type"], "authentication_error");
    assert_eq!(frames.last().unwrap()["error_code"], "INVALID_TOKEN");
    assert!(matches!(ended, Ended::Closed(4001, _)), "{ended:?}");
}

#[tokio::test]
async fn an_expiring_token_closes_its_socket_within_a_second_of_expiry() {
    let app = spawn_app().await;
    let (user, _) = app.agent("sara").await;
    let token = app
        .state
        .auth
        .issue(user.id, TokenKind::Access, Some(2))
        .await
        .unwrap();
    let exp = app
        .state
        .auth
        .verify(&token, TokenKind::Access)
        .await
        .unwrap()
        .expires_at
        .unwrap();
    let conv = app.conversation("Maryam").await;
    let mut c = app.chat(&conv, &token).await;
    let (ended, frames) = c.until_closed().await;
    let late = chrono::Utc::now().timestamp_millis() - exp * 1000;
    assert!(late < 1000, "closed {late} ms after expiry");
    assert_eq!(frames.last().unwrap()["error_code"], "EXPIRED_TOKEN");
    assert!(matches!(ended, Ended::Closed(4001, _)), "{ended:?}");
}
