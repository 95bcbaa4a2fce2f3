//! An agent's own page preferences (`usr/me/preferences`, PROTOCOL §10.2): defaults before
//! anything is saved, key-by-key changes kept across a restart and apart from other agents',
//! unknown keys and bad values refused by name with nothing changed, bodies bounded.

use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app, start};

async fn get(app: &TestApp, token: &str) -> (u16, Value) {
    let r = app
        .http
        .get(app.url("/api/v1/usr/me/preferences"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn put(app: &TestApp, token: &str, body: &str) -> (u16, Value) {
    let r = app
        .http
        .put(app.url("/api/v1/usr/me/preferences"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn preferences_are_each_agents_own_and_outlive_a_restart() {
    let app = spawn_app().await;
    let (sara, sara_token) = app.agent("sara").await;
    let (_, reza_token) = app.agent("reza").await;

    let (status, body) = get(&app, &sara_token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"sound": "chime", "notify": false, "only_mine": false, "lang": null,
               "calendar": null, "updated_at": null})
    );

    let (status, body) = put(&app, &sara_token, r#"{"sound": "bell", "notify": true}"#).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["sound"], &body["notify"]),
        (&json!("bell"), &json!(true))
    );
    assert!(
        body["updated_at"].as_str().unwrap().ends_with("+00:00"),
        "{body}"
    );
    let (_, body) = put(
        &app,
        &sara_token,
        r#"{"only_mine": true, "lang": "en", "calendar": "gregorian"}"#,
    )
    .await;
    assert_eq!(
        (&body["sound"], &body["notify"], &body["only_mine"]),
        (&json!("bell"), &json!(true), &json!(true)),
        "a key left out keeps its value"
    );
    let (_, body) = get(&app, &reza_token).await;
    assert_eq!(body["sound"], "chime", "another agent's are their own");

    let dir = app.stop().await;
    let app = start(dir, |_| {}).await;
    let token = app.token(sara.id).await;
    let (_, body) = get(&app, &token).await;
    assert_eq!(
        (&body["sound"], &body["notify"], &body["only_mine"]),
        (&json!("bell"), &json!(true), &json!(true))
    );
    assert_eq!(
        (&body["lang"], &body["calendar"]),
        (&json!("en"), &json!("gregorian"))
    );
    let (_, body) = put(&app, &token, r#"{"sound": null}"#).await;
    assert_eq!(
        body["sound"], "chime",
        "null puts a key back to its default"
    );
}

#[tokio::test]
async fn bad_preferences_are_refused_by_name_and_change_nothing() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    put(&app, &token, r#"{"sound": "pop"}"#).await;
    let refusals = [
        (
            r#"{"sound": "bell", "volume": 3}"#,
            "Invalid preference 'volume': not a known preference (sound, notify, only_mine, lang, calendar)",
        ),
        (
            r#"{"sound": "siren"}"#,
            "Invalid preference 'sound': expected one of chime, bell, pop, off or null",
        ),
        (
            r#"{"notify": "yes"}"#,
            "Invalid preference 'notify': expected true, false or null",
        ),
        (
            r#"{"lang": "de"}"#,
            "Invalid preference 'lang': expected one of fa, en or null",
        ),
        (
            r#"{"calendar": "julian"}"#,
            "Invalid preference 'calendar': expected one of persian, gregorian or null",
        ),
        (r#"["sound"]"#, "Preferences must be a JSON object"),
    ];
    for (body, text) in refusals {
        let (status, answer) = put(&app, &token, body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error_code"], "INVALID_PREFERENCE", "{body}");
        assert_eq!(answer["error"], text, "{body}");
    }
    let (status, answer) = put(&app, &token, "{not json").await;
    assert_eq!(
        (status, &answer["error_code"]),
        (400, &json!("INVALID_JSON"))
    );
    let huge = format!(r#"{{"sound": "bell", "x": "{}"}}"#, "a".repeat(5000));
    let (status, answer) = put(&app, &token, &huge).await;
    assert_eq!(
        (status, &answer["error_code"]),
        (413, &json!("PAYLOAD_TOO_LARGE"))
    );
    let (_, body) = get(&app, &token).await;
    assert_eq!(body["sound"], "pop", "nothing of a refused change was kept");

    let r = app
        .http
        .get(app.url("/api/v1/usr/me/preferences"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
