//! Saved replies over REST (GET for everyone, writes for admins, precise 400/403/404/409), the
//! reply limit of each channel (`max_message_chars`, the error saying the number), and the
//! customer's tags and conversations as the side panel uses them.

use pilito_box::storage::users::Role;
use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app};

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app
        .http
        .request(method.parse().unwrap(), app.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn saved_replies_and_channel_limits_over_rest() {
    let app = spawn_app().await;
    let admin = app.user("boss", Role::Admin).await;
    let admin = app.token(admin.id).await;
    let (_, agent) = app.agent("sara").await;
    let path = "/api/v1/saved-replies/";

    assert_eq!(
        call(&app, "GET", path, &agent, None).await,
        (200, json!([]))
    );
    let hello = json!({"shortcut": "/hello", "content": " Hi, how can I help? "});
    let (status, body) = call(&app, "POST", path, &agent, Some(hello.clone())).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (403, Some("PERMISSION_DENIED"))
    );
    let (status, made) = call(&app, "POST", path, &admin, Some(hello)).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(
        (made["shortcut"].as_str(), made["content"].as_str()),
        (Some("hello"), Some("Hi, how can I help?"))
    );
    let (status, body) = call(
        &app,
        "POST",
        path,
        &admin,
        Some(json!({"shortcut": "HELLO", "content": "x"})),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (
            409,
            Some("A saved reply with the shortcut /HELLO already exists")
        )
    );
    for (bad, code) in [
        (
            json!({"shortcut": "two words", "content": "x"}),
            "INVALID_SHORTCUT",
        ),
        (json!({"content": "x"}), "INVALID_SHORTCUT"),
        (json!({"shortcut": "a"}), "EMPTY_CONTENT"),
        (
            json!({"shortcut": "a", "content": "x".repeat(4097)}),
            "CONTENT_TOO_LONG",
        ),
        (
            json!({"shortcut": "a", "content": "x", "colour": "red"}),
            "INVALID_JSON",
        ),
    ] {
        let (status, body) = call(&app, "POST", path, &admin, Some(bad.clone())).await;
        assert_eq!(
            (status, body["error_code"].as_str()),
            (400, Some(code)),
            "{bad}"
        );
    }
    let one = format!("{path}{}", made["id"]);
    let (status, body) = call(
        &app,
        "PATCH",
        &one,
        &admin,
        Some(json!({"content": "Hello!"})),
    )
    .await;
    assert_eq!((status, body["content"].as_str()), (200, Some("Hello!")));
    let (status, body) = call(
        &app,
        "PATCH",
        &format!("{path}999"),
        &admin,
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (404, Some("SAVED_REPLY_NOT_FOUND"))
    );
    let (_, list) = call(&app, "GET", path, &agent, None).await;
    assert_eq!(list[0]["content"], "Hello!");
    assert_eq!(call(&app, "DELETE", &one, &agent, None).await.0, 403);
    assert_eq!(call(&app, "DELETE", &one, &admin, None).await.0, 204);
    assert_eq!(call(&app, "DELETE", &one, &admin, None).await.0, 404);

    // The limit is the channel's: Telegram 4096, Instagram 1000, said in the error.
    let tg = app.conversation("Reza").await;
    let (_, detail) = call(
        &app,
        "GET",
        &format!("/api/v1/message/conversation-item/{tg}/"),
        &agent,
        None,
    )
    .await;
    assert_eq!(detail["max_message_chars"], 4096);
    let send = format!("/api/v1/message/conversation/{tg}/send-message/");
    let (status, _) = call(
        &app,
        "POST",
        &send,
        &agent,
        Some(json!({"content": "ی".repeat(4096)})),
    )
    .await;
    assert_eq!(status, 201);
    let (status, body) = call(
        &app,
        "POST",
        &send,
        &agent,
        Some(json!({"content": "x".repeat(4097)})),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("Message content too long (max 4096 characters)"))
    );
    let ig = app
        .inbound_conversation("instagram", "ig-1", "Mina", "salam")
        .await;
    let (_, detail) = call(
        &app,
        "GET",
        &format!("/api/v1/message/conversation-item/{ig}/"),
        &agent,
        None,
    )
    .await;
    assert_eq!(detail["max_message_chars"], 1000);
    let send = format!("/api/v1/message/conversation/{ig}/send-message/");
    let (status, body) = call(
        &app,
        "POST",
        &send,
        &agent,
        Some(json!({"content": "x".repeat(1001)})),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("Message content too long (max 1000 characters)"))
    );

    // Tags edit in place, and the customer's conversations are one call away.
    let customer = detail["customer"]["id"].as_i64().unwrap();
    let item = format!("/api/v1/message/customer-item/{customer}/");
    let (status, body) = call(
        &app,
        "PATCH",
        &item,
        &agent,
        Some(json!({"tags": ["VIP", " VIP ", "new"]})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let names: Vec<&str> = body["tag"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["VIP", "new"]);
    let (status, _) = call(&app, "PATCH", &item, &agent, Some(json!({"tags": "VIP"}))).await;
    assert_eq!(status, 400);
    let (status, body) = call(&app, "GET", &format!("{item}conversations/"), &agent, None).await;
    assert_eq!(
        (status, body["conversations"][0]["id"].as_str()),
        (200, Some(ig.as_str()))
    );
}
