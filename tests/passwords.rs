//! Passwords under attack: sign-in timing that would tell which names are users, a password typed
//! into the name field reaching the log, and weak passwords set through REST or the command line.

use std::net::IpAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

use pilito_box::storage::users::Role;
use serde_json::{Value, json};

use crate::common::process::{Served, cli, free_port, run};
use crate::common::{PASSWORD, TestApp, spawn_app};

/// One sign-in from its own address (the per-address sign-in limit stays out of the way); its
/// time and status.
async fn sign_in(app: &TestApp, n: u8, name: &str, password: &str) -> (Duration, u16) {
    let http = crate::common::http_builder()
        .local_address(IpAddr::from([127, 0, 7, n]))
        .build()
        .unwrap();
    let started = Instant::now();
    let response = http
        .post(app.url("/api/v1/usr/login"))
        .json(&json!({"email_or_username": name, "password": password}))
        .send()
        .await
        .unwrap();
    (started.elapsed(), response.status().as_u16())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::test]
async fn a_sign_in_takes_as_long_for_a_name_that_is_no_user() {
    let app = spawn_app().await;
    app.user("sara", Role::Agent).await;
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for n in 0..7_u8 {
        let (took, status) = sign_in(&app, 2 * n + 1, "sara", "a wrong guess").await;
        assert_eq!(status, 400);
        known.push(took);
        let (took, status) = sign_in(&app, 2 * n + 2, "nobody-by-this-name", "a wrong guess").await;
        assert_eq!(status, 400);
        unknown.push(took);
    }
    let (known, unknown) = (median(known), median(unknown));
    eprintln!("failed sign-in, median of 7: a user's name {known:?}, no user's name {unknown:?}");
    assert!(
        unknown * 2 > known && known * 2 > unknown,
        "a user's name {known:?}, no user's {unknown:?}"
    );
    let (_, status) = sign_in(&app, 100, "sara", PASSWORD).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_failed_sign_in_logs_the_name_only_when_it_is_a_user() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli(d, &["user", "add", "agent9", "--password", "Agent9-pass!"]);
    let server = Served::start_with(d, free_port(), &[], Stdio::piped());
    let http = crate::common::http_client();
    for name in ["Agent9-pass!", "agent9"] {
        let response = http
            .post(server.url("/api/v1/usr/login"))
            .json(&json!({"email_or_username": name, "password": "Agent9-pass?"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
    }
    let out = server.stop();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        !log.contains("Agent9-pass!"),
        "a password typed as the name was logged:\n{log}"
    );
    assert!(
        log.contains("failed sign-in with an unknown name from 127.0.0.1"),
        "{log}"
    );
    assert!(
        log.contains("failed sign-in as \"agent9\" from 127.0.0.1"),
        "{log}"
    );
}

async fn send(app: &TestApp, method: &str, path: &str, token: &str, body: Value) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let response = app
        .http
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn weak_passwords_are_refused_over_rest_with_a_clear_message() {
    let app = spawn_app().await;
    let admin = app.user("boss", Role::Admin).await;
    let token = app.token(admin.id).await;
    let weak = [
        ("        ", "at least 8 characters"),
        (
            "password",
            "too easy to guess (this is a top-10 common password)",
        ),
        ("12345678", "too easy to guess"),
        ("neda.k.1985", "must not be the user name"),
    ];
    for (password, why) in weak {
        let body = json!({"username": "neda.k.1985", "password": password});
        let (status, reply) = send(&app, "POST", "/api/v1/usr/users", &token, body).await;
        assert_eq!(
            (status, reply["error_code"].as_str()),
            (400, Some("WEAK_PASSWORD"))
        );
        assert!(reply["error"].as_str().unwrap().contains(why), "{reply}");
    }
    let body = json!({"username": "neda.k.1985", "password": "neda-secret-1"});
    let (status, made) = send(&app, "POST", "/api/v1/usr/users", &token, body).await;
    assert_eq!(status, 201, "{made}");
    let path = format!("/api/v1/usr/users/{}", made["id"]);
    for (password, why) in weak {
        let body = json!({"password": password});
        let (status, reply) = send(&app, "PATCH", &path, &token, body).await;
        assert_eq!(
            (status, reply["error_code"].as_str()),
            (400, Some("WEAK_PASSWORD"))
        );
        assert!(reply["error"].as_str().unwrap().contains(why), "{reply}");
    }
    let body = json!({"password": "a brand new passphrase"});
    assert_eq!(send(&app, "PATCH", &path, &token, body).await.0, 200);
}

#[test]
fn weak_passwords_are_refused_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (password, why) in [
        ("        ", "at least 8 characters"),
        ("password", "too easy"),
    ] {
        let out = run(d, &["user", "add", "sara", "--password", password]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(why), "{stderr}");
    }
    cli(d, &["user", "add", "sara", "--password", "sara-secret-1"]);
    let out = run(d, &["user", "passwd", "sara", "--password", "SARA"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 8"));
    let out = run(d, &["user", "passwd", "sara", "--password", "sara1234"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("too easy to guess"), "{stderr}");
    let out = run(
        d,
        &["user", "add", "Sara.Karimi", "--password", "sara.karimi"],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("must not be the user name"));
    cli(
        d,
        &[
            "user",
            "passwd",
            "sara",
            "--password",
            "a brand new passphrase",
        ],
    );
}
