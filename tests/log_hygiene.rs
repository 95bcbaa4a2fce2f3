//! No token and no password reaches a log line, even at the most verbose level, after a run that
//! carries them every way they travel: sign-in, refresh, logout, bearer headers, `?token=` and
//! `bearer.` subprotocol sockets, forged and refused tokens, users added and passwords changed.

use std::process::Stdio;

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::common::Client;
use crate::common::process::{Served, cli, free_port};

async fn post(http: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut request = http.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    response.json().await.unwrap_or(Value::Null)
}

#[tokio::test]
async fn no_token_or_password_reaches_the_logs_at_trace_level() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let admin_password = "admin-password-7Qx";
    cli(
        d,
        &[
            "user",
            "add",
            "owner",
            "--role",
            "admin",
            "--password",
            admin_password,
        ],
    );
    let cli_token = cli(d, &["token", "issue", "owner"]);
    let conv = cli(d, &["conversation", "add", "--customer", "Log Hygiene"]);
    let server = Served::start_with(
        d,
        free_port(),
        &[("PILITO_BOX_LOG", "trace")],
        Stdio::piped(),
    );
    let http = crate::common::http_client();

    let login = json!({"email_or_username": "owner", "password": admin_password});
    let signed_in = post(&http, server.url("/api/v1/usr/login"), None, login).await;
    let access = signed_in["access_token"].as_str().unwrap().to_owned();
    let refresh = signed_in["refresh_token"].as_str().unwrap().to_owned();
    let wrong = json!({"email_or_username": "owner", "password": "a-wrong-guess-9Zk"});
    post(&http, server.url("/api/v1/usr/login"), None, wrong).await;
    let refreshed = post(
        &http,
        server.url("/api/v1/usr/refresh-access"),
        None,
        json!({"refresh": refresh}),
    )
    .await;
    let new_access = refreshed["data"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let new_refresh = refreshed["data"]["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let new_user =
        json!({"username": "agent7", "password": "rest-made-password-4Fj", "role": "agent"});
    let made = post(
        &http,
        server.url("/api/v1/usr/users"),
        Some(&new_access),
        new_user,
    )
    .await;
    let agent = made["id"].as_i64().unwrap();
    let changed = http
        .patch(server.url(&format!("/api/v1/usr/users/{agent}")))
        .bearer_auth(&new_access)
        .json(&json!({"password": "rest-changed-password-8Wm"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let send = format!("/api/v1/message/conversation/{conv}/send-message/");
    post(
        &http,
        server.url(&send),
        Some(&cli_token),
        json!({"content": "via REST"}),
    )
    .await;

    let mut by_query = Client::connect(&server.ws_url(&format!("/ws/chat/{conv}/"), &access))
        .await
        .unwrap();
    by_query.recv_type("recent_messages").await;
    let mut request = format!("ws://127.0.0.1:{}/ws/conversations/", server.port)
        .into_client_request()
        .unwrap();
    let protocol = format!("bearer.{new_access}");
    request
        .headers_mut()
        .insert("sec-websocket-protocol", protocol.parse().unwrap());
    let (by_protocol, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let forged = "eyJhbGciOiJIUzUxMiJ9.eyJ1c2VyX2lkIjoiMSJ9.forged-signature-Kq2";
    let mut refused = Client::connect(&server.ws_url(&format!("/ws/chat/{conv}/"), forged))
        .await
        .unwrap();
    refused.until_closed().await;
    let (status, _) = Client::refused(&server.ws_url("/ws/chat/NoSuchOne/", &cli_token)).await;
    assert_eq!(status, 404);
    post(
        &http,
        server.url("/api/v1/usr/logout"),
        Some(&access),
        json!({"refresh": new_refresh}),
    )
    .await;
    drop((by_query, by_protocol));

    let out = server.stop();
    let mut logs = String::from_utf8_lossy(&out.stderr).into_owned();
    for file in std::fs::read_dir(d.join("logs")).unwrap() {
        logs.push_str(&std::fs::read_to_string(file.unwrap().path()).unwrap());
    }
    for expected in ["DEBUG", "owner connected to chat", "refused a connection"] {
        assert!(
            logs.contains(expected),
            "{expected:?} missing: the run was not logged verbosely"
        );
    }
    for secret in [
        access.as_str(),
        refresh.as_str(),
        new_access.as_str(),
        new_refresh.as_str(),
        cli_token.as_str(),
        forged,
        admin_password,
        "a-wrong-guess-9Zk",
        "rest-made-password-4Fj",
        "rest-changed-password-8Wm",
    ] {
        let at = logs.find(secret);
        assert!(
            at.is_none(),
            "a secret reached the log: {}",
            &logs[at.unwrap().saturating_sub(200)..]
        );
    }
    for leak in ["token=", "bearer.", "Bearer ", "HTTP_ACCESS"] {
        let at = logs.find(leak);
        assert!(
            at.is_none(),
            "{leak:?} reached the log: {}",
            &logs[at.unwrap_or(0).saturating_sub(300)..(at.unwrap_or(0) + 100).min(logs.len())]
        );
    }
}
