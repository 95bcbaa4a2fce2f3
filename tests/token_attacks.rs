//! Forged, altered and replayed tokens: each gets the 4001 sequence with the right `error_code`,
//! on a new socket and, where the token was good before, on the socket it had opened.

use serde_json::{Value, json};

use crate::common::client::Ended;
use crate::common::{Client, PASSWORD, TestApp, spawn_app};

/// base64url without padding, as JWT segments are written.
fn b64url(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

fn b64url_decode(text: &str) -> Vec<u8> {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let values: Vec<u32> = text
        .bytes()
        .map(|c| u32::try_from(ABC.iter().position(|a| *a == c).unwrap()).unwrap())
        .collect();
    let mut out = Vec::new();
    for chunk in values.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, v)| n | v << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push(u8::try_from(n >> (16 - 8 * i) & 255).unwrap());
        }
    }
    out
}

/// Opens a chat socket with `token` and expects exactly the 4001 sequence with `code`.
async fn expect_refused(app: &TestApp, conv: &str, token: &str, code: &str, message: &str) {
    let mut c = Client::connect(&app.ws_url(&format!("/ws/chat/{conv}/"), Some(token)))
        .await
        .expect("accepted, then closed");
    let (ended, frames) = c.until_closed().await;
    assert_eq!(frames.len(), 1, "one frame before the close: {frames:?}");
    expect_auth_error(&frames[0], &ended, code, message);
}

fn expect_auth_error(frame: &Value, ended: &Ended, code: &str, message: &str) {
    assert_eq!(frame["type"], "authentication_error", "{frame}");
    assert_eq!(frame["error_code"], code, "{frame}");
    assert_eq!(frame["message"], message, "{frame}");
    assert!(matches!(ended, Ended::Closed(4001, _)), "{ended:?}");
}

/// Waits for the live socket of a token that was just revoked to get the 4001 sequence.
async fn expect_live_close(c: &mut Client, code: &str, message: &str) {
    let (ended, frames) = c.until_closed().await;
    let last = frames
        .last()
        .expect("an authentication_error before the close");
    expect_auth_error(last, &ended, code, message);
}

const INVALID: &str = "Invalid or expired authentication token";

async fn login(app: &TestApp, name: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/usr/login"))
        .json(&json!({"email_or_username": name, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn access_token(app: &TestApp, name: &str, password: &str) -> String {
    let reply = login(app, name, password).await;
    assert_eq!(reply.status(), 200);
    let body: Value = reply.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// An admin, and agent sara signed in with a chat socket open: what an admin's change to sara
/// must end.
struct Watched {
    app: TestApp,
    conv: String,
    sara_id: i64,
    admin: String,
    token: String,
    live: Client,
}

async fn watched() -> Watched {
    let app = spawn_app().await;
    let conv = app.conversation("Maryam").await;
    let (sara, _) = app.agent("sara").await;
    app.user("boss", pilito_box::storage::users::Role::Admin)
        .await;
    let admin = access_token(&app, "boss", PASSWORD).await;
    let token = access_token(&app, "sara", PASSWORD).await;
    let live = app.chat(&conv, &token).await;
    Watched {
        app,
        conv,
        sara_id: sara.id,
        admin,
        token,
        live,
    }
}

#[tokio::test]
async fn alg_none_and_a_tampered_payload_are_invalid() {
    let app = spawn_app().await;
    let conv = app.conversation("Maryam").await;
    let (sara, _) = app.agent("sara").await;
    let admin = app
        .user("boss", pilito_box::storage::users::Role::Admin)
        .await;
    let good = access_token(&app, "sara", PASSWORD).await;
    let parts: Vec<&str> = good.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&b64url_decode(parts[1])).unwrap();
    assert_eq!(payload["user_id"], sara.id.to_string());

    let none_header = b64url(br#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!("{none_header}.{}.", parts[1]);
    expect_refused(&app, &conv, &unsigned, "INVALID_TOKEN", INVALID).await;
    let unsigned_kept_signature = format!("{none_header}.{}.{}", parts[1], parts[2]);
    expect_refused(
        &app,
        &conv,
        &unsigned_kept_signature,
        "INVALID_TOKEN",
        INVALID,
    )
    .await;

    payload["user_id"] = json!(admin.id.to_string());
    let raised = b64url(payload.to_string().as_bytes());
    let tampered = format!("{}.{raised}.{}", parts[0], parts[2]);
    expect_refused(&app, &conv, &tampered, "INVALID_TOKEN", INVALID).await;
    payload["user_id"] = json!(sara.id.to_string());
    payload["exp"] = json!(payload["exp"].as_i64().unwrap() + 86_400 * 365);
    let extended = b64url(payload.to_string().as_bytes());
    let tampered = format!("{}.{extended}.{}", parts[0], parts[2]);
    expect_refused(&app, &conv, &tampered, "INVALID_TOKEN", INVALID).await;

    let mut c = app.chat(&conv, &good).await;
    c.send(json!({"content": "the untouched token still works"}))
        .await;
    assert_eq!(c.recv_type("chat_message").await["type"], "chat_message");
}

#[tokio::test]
async fn a_password_change_ends_old_tokens_live_and_on_replay() {
    let Watched {
        app,
        conv,
        sara_id,
        admin,
        token: old,
        mut live,
    } = watched().await;

    let changed = app
        .http
        .patch(app.url(&format!("/api/v1/usr/users/{sara_id}")))
        .bearer_auth(&admin)
        .json(&json!({"password": "a brand new passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    expect_live_close(&mut live, "INVALID_TOKEN", INVALID).await;
    expect_refused(&app, &conv, &old, "INVALID_TOKEN", INVALID).await;
    let api = app
        .http
        .get(app.url("/api/v1/usr/profile"))
        .bearer_auth(&old)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401, "the REST API refuses the replay too");

    assert_eq!(login(&app, "sara", PASSWORD).await.status(), 400);
    let fresh = access_token(&app, "sara", "a brand new passphrase").await;
    app.chat(&conv, &fresh).await;
}

#[tokio::test]
async fn a_removed_user_is_revoked_and_a_never_known_one_is_not_found() {
    let Watched {
        app,
        conv,
        sara_id,
        admin,
        token,
        mut live,
    } = watched().await;

    let removed = app
        .http
        .delete(app.url(&format!("/api/v1/usr/users/{sara_id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    expect_live_close(&mut live, "INVALID_TOKEN", INVALID).await;
    expect_refused(&app, &conv, &token, "INVALID_TOKEN", INVALID).await;

    let (other, other_token) = app.agent("omid").await;
    app.state
        .store
        .write(move |c| pilito_box::storage::users::set_active(c, other.id, false))
        .await
        .unwrap();
    expect_refused(&app, &conv, &other_token, "AUTH_REQUIRED", "User not found").await;
}

#[tokio::test]
async fn a_logged_out_token_is_refused_on_replay() {
    let app = spawn_app().await;
    let conv = app.conversation("Maryam").await;
    app.agent("sara").await;
    let token = access_token(&app, "sara", PASSWORD).await;
    let out = app
        .http
        .post(app.url("/api/v1/usr/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success(), "{}", out.status());
    expect_refused(&app, &conv, &token, "INVALID_TOKEN", INVALID).await;
}

#[tokio::test]
async fn signing_out_after_a_refresh_ends_the_tokens_from_before_it() {
    let app = spawn_app().await;
    let conv = app.conversation("Maryam").await;
    app.agent("sara").await;
    let first: Value = login(&app, "sara", PASSWORD).await.json().await.unwrap();
    let old_access = first["access_token"].as_str().unwrap().to_owned();
    let mut live = app.chat(&conv, &old_access).await;
    let refreshed: Value = app
        .http
        .post(app.url("/api/v1/usr/refresh-access"))
        .json(&json!({"refresh": first["refresh_token"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new = &refreshed["data"];
    let out = app
        .http
        .post(app.url("/api/v1/usr/logout"))
        .bearer_auth(new["access_token"].as_str().unwrap())
        .json(&json!({"refresh": new["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success(), "{}", out.status());
    expect_live_close(&mut live, "INVALID_TOKEN", INVALID).await;
    let profile = app
        .http
        .get(app.url("/api/v1/usr/profile"))
        .bearer_auth(&old_access)
        .send()
        .await
        .unwrap();
    assert_eq!(
        profile.status(),
        401,
        "the access token from before the refresh"
    );
    expect_refused(&app, &conv, &old_access, "INVALID_TOKEN", INVALID).await;
}
