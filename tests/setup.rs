//! The setup checklist (PROTOCOL §6a, §10.14): `/ws/wizard-status/` frames in reference §7's
//! shape, for admins only; every change the owner makes, Telegram connecting and the first
//! customer answered each arrive as a new frame.

use std::time::{Duration, Instant};

use pilito_box::storage::users;
use serde_json::{Value, json};

use crate::common::client::Ended;
use crate::common::{Client, TestApp, spawn_app};

const ORIGINAL_DETAILS: [&str; 8] = [
    "first_name",
    "last_name",
    "phone_number",
    "business_type",
    "manual_prompt",
    "channel_connected",
    "instagram_connected",
    "telegram_connected",
];

/// The first admin (the owner) and a token for them.
pub async fn owner(app: &TestApp) -> String {
    let first = app
        .state
        .store
        .read(users::first_admin)
        .await
        .unwrap()
        .expect("the first admin");
    app.token(first.id).await
}

pub async fn wizard(app: &TestApp, token: &str) -> (Client, Value) {
    let mut c = Client::connect(&app.ws_url("/ws/wizard-status/", Some(token)))
        .await
        .unwrap();
    let first = c.recv().await;
    assert_eq!(first["type"], "wizard_status", "the first frame: {first}");
    (c, first)
}

pub fn state_of<'a>(status: &'a Value, step: &str) -> &'a str {
    status["details"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == step)
        .unwrap_or_else(|| panic!("no step {step} in {status}"))["state"]
        .as_str()
        .unwrap()
}

/// Reads frames until `pass` holds for one; returns it and how long it took.
pub async fn until(c: &mut Client, pass: impl Fn(&Value) -> bool) -> (Value, Duration) {
    let started = Instant::now();
    loop {
        let v = c.recv_type("wizard_status").await;
        if pass(&v) {
            return (v, started.elapsed());
        }
    }
}

pub async fn call(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let url = app.url(path);
    let request = match method {
        "PUT" => app.http.put(url).json(&body),
        "POST" => app.http.post(url).json(&body),
        _ => app.http.get(url),
    };
    let r = request.bearer_auth(token).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn the_first_frame_has_the_original_shape_and_the_box_s_steps() {
    let app = spawn_app().await;
    let token = owner(&app).await;
    let (_c, status) = wizard(&app, &token).await;
    let mut keys: Vec<&str> = status
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "can_complete",
            "details",
            "missing_fields",
            "timestamp",
            "type",
            "wizard_complete"
        ]
    );
    for key in ORIGINAL_DETAILS {
        assert!(
            status["details"][key].is_boolean(),
            "details.{key} in {status}"
        );
    }
    assert_eq!(status["wizard_complete"], false);
    assert_eq!(status["can_complete"], false);
    assert_eq!(
        status["missing_fields"],
        json!([
            "first_name",
            "last_name",
            "business_type",
            "channel_connected"
        ])
    );
    let steps: Vec<&str> = status["details"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["profile", "password", "telegram", "team", "device", "test"]
    );
    assert!(
        status["details"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["state"] == "todo")
    );
    assert_eq!(
        (
            status["details"]["done"].as_u64(),
            status["details"]["total"].as_u64()
        ),
        (Some(0), Some(6))
    );
    assert!(
        status["timestamp"].as_str().unwrap().ends_with("+00:00"),
        "{status}"
    );

    let (code, rest) = call(&app, &token, "GET", "/api/v1/setup/", Value::Null).await;
    assert_eq!(code, 200);
    assert_eq!(
        rest["details"], status["details"],
        "the REST answer is the same checklist"
    );
}

#[tokio::test]
async fn agents_and_strangers_are_refused() {
    let app = spawn_app().await;
    let (_, agent) = app.agent("sara").await;
    let (code, body) = Client::refused(&app.ws_url("/ws/wizard-status/", Some(&agent))).await;
    assert_eq!(
        (code, body["error_code"].as_str()),
        (403, Some("PERMISSION_DENIED"))
    );
    let (code, body) = call(&app, &agent, "GET", "/api/v1/setup/", Value::Null).await;
    assert_eq!(
        (code, body["error_code"].as_str()),
        (403, Some("PERMISSION_DENIED"))
    );
    let (code, _) = call(&app, &agent, "POST", "/api/v1/setup/dismiss", json!({})).await;
    assert_eq!(code, 403);

    let mut stranger = Client::connect(&app.ws_url("/ws/wizard-status/", Some("nonsense")))
        .await
        .unwrap();
    let (ended, frames) = stranger.until_closed().await;
    assert_eq!(frames[0]["type"], "authentication_error", "{frames:?}");
    assert!(matches!(ended, Ended::Closed(4001, _)), "{ended:?}");
}

#[tokio::test]
async fn ping_bad_json_and_refresh_keep_the_socket() {
    let app = spawn_app().await;
    let token = owner(&app).await;
    let (mut c, first) = wizard(&app, &token).await;
    c.send(json!({"type": "ping"})).await;
    assert_eq!(c.recv().await["type"], "pong");
    c.send_text("{not json").await;
    assert_eq!(c.recv().await, json!({"error": "invalid_json"}));
    c.send(json!({"type": "launch"})).await;
    let unknown = c.recv().await;
    assert_eq!(unknown["type"], "error", "{unknown}");
    c.send(json!({"type": "refresh"})).await;
    let again = c.recv().await;
    assert_eq!(again["type"], "wizard_status");
    assert_eq!(again["details"], first["details"]);
    c.expect_silence(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn each_change_of_the_owner_brings_one_new_frame() {
    let app = spawn_app().await;
    let token = owner(&app).await;
    let (mut c, _) = wizard(&app, &token).await;

    let long = "x".repeat(101);
    let (code, body) = call(
        &app,
        &token,
        "PUT",
        "/api/v1/setup/profile",
        json!({"business_name": long}),
    )
    .await;
    assert_eq!(
        (code, body["error_code"].as_str()),
        (400, Some("INVALID_FIELD"))
    );
    let profile = json!({"owner_name": " Maryam ", "business_name": "چای زعفران"});
    let (code, body) = call(&app, &token, "PUT", "/api/v1/setup/profile", profile).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(state_of(&body, "profile"), "done");
    let frame = c.recv_type("wizard_status").await;
    assert_eq!(state_of(&frame, "profile"), "done");
    assert_eq!(frame["details"]["business_name"], "چای زعفران");
    assert_eq!(frame["details"]["owner_name"], "Maryam");
    assert_eq!(frame["missing_fields"], json!(["channel_connected"]));
    c.expect_silence(Duration::from_millis(200)).await;

    let (code, body) = call(&app, &token, "POST", "/api/v1/setup/fax/skip", json!({})).await;
    assert_eq!(
        (code, body["error_code"].as_str()),
        (400, Some("UNKNOWN_SETUP_STEP"))
    );
    let (code, _) = call(
        &app,
        &token,
        "POST",
        "/api/v1/setup/telegram/skip",
        json!({}),
    )
    .await;
    assert_eq!(code, 200);
    let frame = c.recv_type("wizard_status").await;
    assert_eq!(state_of(&frame, "telegram"), "skipped");
    assert_eq!(
        frame["missing_fields"],
        json!([]),
        "a skipped step is not missing"
    );
    let (code, _) = call(
        &app,
        &token,
        "POST",
        "/api/v1/setup/telegram/resume",
        json!({}),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(
        state_of(&c.recv_type("wizard_status").await, "telegram"),
        "todo"
    );

    let (code, _) = call(
        &app,
        &token,
        "POST",
        "/api/v1/invites/",
        json!({"kind": "agent", "role": "agent"}),
    )
    .await;
    assert_eq!(code, 201);
    assert_eq!(
        state_of(&c.recv_type("wizard_status").await, "team"),
        "done"
    );

    let (code, _) = call(&app, &token, "POST", "/api/v1/setup/dismiss", json!({})).await;
    assert_eq!(code, 200);
    assert_eq!(
        c.recv_type("wizard_status").await["details"]["dismissed"],
        true
    );
    let (code, body) = call(&app, &token, "POST", "/api/v1/setup/show", json!({})).await;
    assert_eq!((code, &body["details"]["dismissed"]), (200, &json!(false)));
    c.recv_type("wizard_status").await;
    c.expect_silence(Duration::from_millis(200)).await;
}
