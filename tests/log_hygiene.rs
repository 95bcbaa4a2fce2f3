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

/// The bot token is part of every Bot API URL: no log line may carry it, at trace level, through
/// polling, a photo download, a reply sent, a refused send, and Telegram unreachable.
#[tokio::test]
async fn the_bot_token_reaches_no_log_line_at_trace_level() {
    use crate::common::botapi::{Answer, BotApi, TOKEN, private};
    let bot = BotApi::start().await;
    bot.file("p1", "photos/file_1.jpg", b"\xff\xd8\xff jpeg \xff\xd9");
    bot.push(
        "message",
        &private(
            31,
            1,
            &json!({"photo": [{"file_id": "p1", "file_unique_id": "u", "width": 9, "height": 9}]}),
        ),
    );
    bot.push(
        "message",
        &private(31, 2, &json!({"document": {"file_id": "gone"}})),
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli(
        d,
        &[
            "user",
            "add",
            "owner",
            "--role",
            "admin",
            "--password",
            "admin-password-7Qx",
        ],
    );
    let access = cli(d, &["token", "issue", "owner"]);
    let mut logs = String::new();
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    for api_url in [bot.url(), dead_url] {
        let env = [
            ("PILITO_BOX_LOG", "trace"),
            ("PILITO_BOX_TELEGRAM__BOT_TOKEN", TOKEN),
            ("PILITO_BOX_TELEGRAM__API_URL", api_url.as_str()),
            ("PILITO_BOX_TELEGRAM__POLL_TIMEOUT_SECS", "1"),
            ("PILITO_BOX_CHANNELS__RETRY_FIRST_MS", "50"),
        ];
        let server = Served::start_with(d, free_port(), &env, Stdio::piped());
        let http = crate::common::http_client();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let conv = loop {
            let list: Value = http
                .get(server.url("/api/v1/message/user-conversation-full"))
                .bearer_auth(&access)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap_or(Value::Null);
            if let Some(id) = list["results"][0]["id"].as_str() {
                break id.to_owned();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no conversation: {list}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        bot.script(&[Answer::Error(400, "Bad Request: chat not found", None)]);
        let send = format!("/api/v1/message/conversation/{conv}/send-message/");
        for text in ["refused", "sent"] {
            post(
                &http,
                server.url(&send),
                Some(&access),
                json!({"content": text}),
            )
            .await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        let out = server.stop();
        logs.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(
        bot.sent().len(),
        1,
        "the reply went out once, the refused one not"
    );
    for file in std::fs::read_dir(d.join("logs")).unwrap() {
        logs.push_str(&std::fs::read_to_string(file.unwrap().path()).unwrap());
    }
    for expected in [
        "DEBUG",
        "Telegram is unreachable",
        "failed: Telegram says this chat",
        "retrying",
    ] {
        assert!(
            logs.contains(expected),
            "{expected:?} missing: the run was not logged"
        );
    }
    let secret_part = TOKEN.split_once(':').unwrap().1;
    for leak in [TOKEN, secret_part, "/bot7"] {
        let at = logs.find(leak);
        assert!(
            at.is_none(),
            "the bot token reached the log: {}",
            &logs[at.unwrap_or(0).saturating_sub(300)..(at.unwrap_or(0) + 100).min(logs.len())]
        );
    }
}
