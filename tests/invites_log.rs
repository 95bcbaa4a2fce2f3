//! No invite code reaches a log line at trace level (as `log_hygiene` checks for tokens and
//! passwords): the built server, started with `PILITO_BOX_LOG=trace`, makes, checks and redeems
//! invites to join and to reset a password, and its stderr and log files are searched.

use std::process::Stdio;

use serde_json::{Value, json};

use crate::common::process::{Served, cli, free_port};

/// An invite's code is a password for whoever holds it: no log line carries it, at trace level,
/// through making, checking and redeeming invites to join and to reset a password.
#[tokio::test]
async fn no_invite_code_reaches_the_logs_at_trace_level() {
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
    cli(
        d,
        &[
            "user",
            "add",
            "sara",
            "--role",
            "agent",
            "--password",
            "agent-password-3Lp",
        ],
    );
    let token = cli(d, &["token", "issue", "owner"]);
    let server = Served::start_with(
        d,
        free_port(),
        &[("PILITO_BOX_LOG", "trace")],
        Stdio::piped(),
    );
    let http = crate::common::http_client();
    let call = |path: &str, token: Option<&str>, body: Value| {
        let mut r = http.post(server.url(path)).json(&body);
        if let Some(token) = token {
            r = r.bearer_auth(token);
        }
        async move { r.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let mut codes = Vec::new();
    let made = call("/api/v1/invites/", Some(&token), json!({"kind": "agent"})).await;
    codes.push(made["code"].as_str().unwrap().to_owned());
    call("/api/v1/invites/check", None, json!({"code": codes[0]})).await;
    let joined = call(
        "/api/v1/invites/redeem",
        None,
        json!({"code": codes[0], "username": "nika", "name": "Nika", "password": crate::invites::CHOSEN}),
    )
    .await;
    assert_eq!(joined["user_data"]["username"], "nika", "{joined}");
    call(
        "/api/v1/invites/redeem",
        None,
        json!({"code": codes[0], "username": "x", "password": crate::invites::CHOSEN}),
    )
    .await;
    let users: Value = http
        .get(server.url("/api/v1/usr/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sara = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "sara")
        .unwrap()["id"]
        .clone();
    let reset = call(
        "/api/v1/invites/",
        Some(&token),
        json!({"kind": "reset", "user_id": sara}),
    )
    .await;
    codes.push(reset["code"].as_str().unwrap().to_owned());
    call(
        "/api/v1/invites/redeem",
        None,
        json!({"code": codes[1], "password": "weak"}),
    )
    .await;
    call(
        "/api/v1/invites/redeem",
        None,
        json!({"code": codes[1], "password": crate::invites::CHOSEN}),
    )
    .await;

    let out = server.stop();
    let mut logs = String::from_utf8_lossy(&out.stderr).into_owned();
    for file in std::fs::read_dir(d.join("logs")).unwrap() {
        logs.push_str(&std::fs::read_to_string(file.unwrap().path()).unwrap());
    }
    assert!(
        logs.contains("redeemed an invite") && logs.contains("DEBUG"),
        "the run was logged verbosely"
    );
    for secret in codes
        .iter()
        .map(String::as_str)
        .chain([crate::invites::CHOSEN, "#/invite/"])
    {
        let at = logs.find(secret);
        assert!(
            at.is_none(),
            "{secret:?} reached the log: {}",
            &logs[at.unwrap_or(0).saturating_sub(200)..]
        );
    }
}
