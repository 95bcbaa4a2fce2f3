//! REST (PROTOCOL §10): sign-in and tokens, conversation and message endpoints, the inbound
//! integration, and JSON errors everywhere. Each change reaches the sockets as the socket path would.

use std::io::Write as _;

use serde_json::{Value, json};

use crate::common::{PASSWORD, spawn_app};
use pilito_box::storage::users::Role;

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn login_refresh_and_logout() {
    let app = spawn_app().await;
    let user = app.user("sara", Role::Agent).await;
    let login = app.url("/api/v1/usr/login");
    let (status, body) = json_of(
        app.http
            .post(&login)
            .json(&json!({"email_or_username": "sara", "password": "wrong password"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["non_field_errors"],
        json!(["Invalid email/username or password."])
    );

    let r = app
        .http
        .post(&login)
        .json(&json!({"email_or_username": "sara@example.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("HTTP_ACCESS=\"Bearer ")
    );
    let (status, body) = json_of(r).await;
    assert_eq!(status, 200);
    assert_eq!(body["user_data"]["id"], user.id);
    assert_eq!(body["user_data"]["role"], "agent");
    assert!(body["user_data"].get("password_hash").is_none());
    let (access, refresh) = (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    );

    let conv = app.conversation("Maryam").await;
    app.chat(&conv, &access).await;
    let (status, _) = json_of(
        app.http
            .get(app.url(&format!("/api/v1/message/conversation-item/{conv}/")))
            .bearer_auth(&refresh)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401, "a refresh token does not call the API");

    let (status, body) = json_of(
        app.http
            .post(app.url("/api/v1/usr/refresh-access"))
            .json(&json!({"refresh": refresh}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["success"].as_bool()), (200, Some(true)));
    let new_refresh = body["data"]["refresh_token"].as_str().unwrap().to_owned();
    let new_access = body["data"]["access_token"].as_str().unwrap().to_owned();
    let (status, body) = json_of(
        app.http
            .post(app.url("/api/v1/usr/refresh"))
            .json(&json!({"refresh": refresh}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["errors"].clone()),
        (401, json!(["refresh is invalid"])),
        "a used refresh token is spent"
    );
    app.chat(&conv, &new_access).await;

    let (status, body) = json_of(
        app.http
            .get(app.url("/api/v1/usr/logout"))
            .bearer_auth(&new_access)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["data"]["message"].as_str()),
        (200, Some("Logged out"))
    );
    let (status, _) = json_of(
        app.http
            .post(app.url("/api/v1/usr/refresh"))
            .json(&json!({"refresh": new_refresh}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        status, 401,
        "logout revokes the refresh token issued with the access token"
    );
}

#[tokio::test]
async fn send_message_validates_stores_and_broadcasts() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut viewer = app.chat(&conv, &token).await;
    let url = app.url(&format!(
        "/api/v1/message/conversation/{conv}/send-message/"
    ));
    let post = |body: Value| app.http.post(&url).bearer_auth(&token).json(&body).send();
    let (status, body) = json_of(
        post(json!({"content": " hello ", "type": "marketing"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(body["status"], "success");
    assert_eq!(body["data"]["message"]["content"], "hello");
    assert_eq!(body["data"]["message"]["type"], "marketing");
    let live = viewer.recv_type("chat_message").await;
    assert_eq!(live["message"]["id"], body["data"]["message"]["id"]);
    for (payload, code, status) in [
        (json!({"content": "  "}), "EMPTY_CONTENT", 400),
        (
            json!({"content": "x".repeat(4097)}),
            "CONTENT_TOO_LONG",
            400,
        ),
        (json!({"content": "x", "type": "AI"}), "INVALID_TYPE", 400),
        (json!({"content": 5}), "INVALID_JSON", 400),
    ] {
        let (s, b) = json_of(post(payload).await.unwrap()).await;
        assert_eq!((s, b["error_code"].as_str()), (status, Some(code)));
    }
    let missing = app.url("/api/v1/message/conversation/NoSuchOne/send-message/");
    let (s, b) = json_of(
        app.http
            .post(missing)
            .bearer_auth(&token)
            .json(&json!({"content": "x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, b["error_code"].as_str()),
        (404, Some("CONVERSATION_NOT_FOUND"))
    );
    let (s, b) = json_of(
        app.http
            .post(&url)
            .json(&json!({"content": "x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, b["error_code"].as_str()), (401, Some("AUTH_REQUIRED")));
}

#[tokio::test]
async fn status_changes_are_checked() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let url = app.url(&format!("/api/v1/message/conversation/{conv}/status/"));
    let (s, b) = json_of(
        app.http
            .patch(&url)
            .bearer_auth(&token)
            .json(&json!({"status": "closed"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, b["data"]["conversation"]["status"].as_str()),
        (200, Some("closed"))
    );
    let (s, b) = json_of(
        app.http
            .patch(&url)
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, b["error_code"].as_str()), (400, Some("MISSING_STATUS")));
    let (s, b) = json_of(
        app.http
            .patch(&url)
            .bearer_auth(&token)
            .json(&json!({"status": "open"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, b["error_code"].as_str()), (400, Some("INVALID_STATUS")));
}

#[tokio::test]
async fn conversation_item_and_message_list() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let mut c = app.chat(&conv, &token).await;
    for text in ["alpha", "beta", "gamma"] {
        c.send(json!({"content": text})).await;
        c.recv_type("chat_message").await;
    }
    let (s, item) = json_of(
        app.http
            .get(app.url(&format!("/api/v1/message/conversation-item/{conv}/")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(item["id"], conv.as_str());
    assert_eq!(item["customer"]["first_name"], "Maryam");
    assert_eq!(item["last_message"]["content"], "gamma");
    assert!(
        item["last_message"]["created_at"]
            .as_str()
            .unwrap()
            .ends_with("+00:00")
    );
    let list = app.url(&format!(
        "/api/v1/message/user-messages?conversation={conv}&page_size=2&ordering=-created_at"
    ));
    let (s, page) = json_of(app.http.get(list).bearer_auth(&token).send().await.unwrap()).await;
    assert_eq!(s, 200);
    assert_eq!(page["count"], 3);
    let texts: Vec<&str> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["gamma", "beta"]);
    assert!(page["next"].as_str().unwrap().contains("page=2"));
    assert!(page["previous"].is_null());
    let search = app.url("/api/v1/message/user-messages?search=ET");
    let (_, found) = json_of(
        app.http
            .get(search)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(found["count"], 1);
    assert_eq!(found["results"][0]["content"], "beta");
    let (s, _) = json_of(
        app.http
            .get(app.url("/api/v1/message/conversation-item/NoSuchOne/"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn agents_may_not_delete_conversations_assigned_to_others() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/message/conversation-item/{conv}/")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (s, b) = json_of(r).await;
    assert_eq!(
        (s, b["error_code"].as_str()),
        (403, Some("PERMISSION_DENIED"))
    );
}

#[tokio::test]
async fn inbound_creates_customer_and_conversation_and_publishes() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let url = app.url("/api/v1/message/inbound");
    let key = app.state.integration_key.to_string();
    let body = json!({"source": "telegram", "source_id": 4242, "first_name": "Ali", "last_name": "Rezaei", "username": "ali", "content": "سلام"});
    let (s, first) = json_of(
        app.http
            .post(&url)
            .header("x-integration-key", &key)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201);
    assert_eq!(
        (
            first["data"]["customer_created"].as_bool(),
            first["data"]["conversation_created"].as_bool()
        ),
        (Some(true), Some(true))
    );
    let conv = first["data"]["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(first["data"]["message"]["type"], "customer");
    let mut c = app.chat(&conv, &token).await;
    let again = json!({"source": "telegram", "source_id": "4242", "content": "are you there?", "client_msg_id": "tg-2"});
    let (s, second) = json_of(
        app.http
            .post(&url)
            .header("x-integration-key", &key)
            .json(&again)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201);
    assert_eq!(second["data"]["conversation_id"], conv.as_str());
    assert_eq!(second["data"]["customer_created"], false);
    let live = c.recv_type("chat_message").await;
    assert_eq!(live["message"]["content"], "are you there?");
    assert_eq!(live["message"]["customer"]["first_name"], "Ali");
    let (s, retry) = json_of(
        app.http
            .post(&url)
            .header("x-integration-key", &key)
            .json(&again)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, retry["data"]["duplicate"].as_bool()), (200, Some(true)));
    c.expect_silence(std::time::Duration::from_millis(300))
        .await;

    let (s, b) = json_of(
        app.http
            .post(&url)
            .header("x-integration-key", "wrong")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, b["error_code"].as_str()),
        (401, Some("INVALID_INTEGRATION_KEY"))
    );
    let (s, _) = json_of(
        app.http
            .post(&url)
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 403, "an agent token is not enough");
    let admin = app.user("boss", Role::Admin).await;
    let admin_token = app.token(admin.id).await;
    let (s, _) = json_of(
        app.http
            .post(&url)
            .bearer_auth(&admin_token)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201, "an admin token is");
    let bad = json!({"source": "fax", "source_id": "1", "content": "x"});
    let (s, b) = json_of(
        app.http
            .post(&url)
            .header("x-integration-key", &key)
            .json(&bad)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, b["error_code"].as_str()), (400, Some("INVALID_SOURCE")));
}

#[tokio::test]
async fn health_and_unknown_routes_answer_json() {
    let app = spawn_app().await;
    let (s, health) = json_of(
        app.http
            .get(app.url("/api/v1/health"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, health["status"].as_str()), (200, Some("ok")));
    let (s, b) = json_of(
        app.http
            .get(app.url("/api/v1/nothing-here"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, b["error_code"].as_str()), (404, Some("NOT_FOUND")));
    let r = app.http.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn the_page_is_served_with_types_and_etags() {
    let app = spawn_app().await;
    for (path, kind) in [
        ("/", "text/html"),
        ("/app.css", "text/css"),
        ("/js/connection.js", "text/javascript"),
        ("/icon.svg", "image/svg+xml"),
    ] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind),
            "{path}"
        );
        assert_eq!(r.headers()["cache-control"], "no-cache");
        let tag = r.headers()["etag"].clone();
        let again = app
            .http
            .get(app.url(path))
            .header("if-none-match", tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
    }
    let r = app
        .http
        .post(app.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = app.http.delete(app.url("/app.css")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    let metrics = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("pilito_connections 0"), "{metrics}");
}

#[tokio::test]
async fn the_log_page_is_for_admins_only() {
    let app = spawn_app().await;
    let (_, agent) = app.agent("sara").await;
    let admin = app.user("boss", Role::Admin).await;
    let admin = app.token(admin.id).await;
    let dir = app.state.config.log_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pilito-box.2026-01-01.log"), "old\n").unwrap();
    let lines = "2026-01-02T10:00:00Z  INFO sara connected\n2026-01-02T10:00:01Z  WARN refused a connection\n2026-01-02T10:00:02Z DEBUG noise\n";
    std::fs::write(dir.join("pilito-box.2026-01-02.log"), lines).unwrap();
    let url = app.url("/api/v1/admin/logs?level=info");
    let (s, _) = json_of(app.http.get(&url).bearer_auth(&agent).send().await.unwrap()).await;
    assert_eq!(s, 403);
    let (s, _) = json_of(app.http.get(&url).send().await.unwrap()).await;
    assert_eq!(s, 401);
    let (s, page) = json_of(app.http.get(&url).bearer_auth(&admin).send().await.unwrap()).await;
    assert_eq!(s, 200);
    assert_eq!(page["file"], "pilito-box.2026-01-02.log");
    assert_eq!(
        page["lines"],
        json!([
            "2026-01-02T10:00:00Z  INFO sara connected",
            "2026-01-02T10:00:01Z  WARN refused a connection"
        ])
    );
    let warn = app.url("/api/v1/admin/logs?level=warn");
    let (_, page) = json_of(
        app.http
            .get(&warn)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page["lines"].as_array().unwrap().len(), 1);
    let offset = page["offset"].as_u64().unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("pilito-box.2026-01-02.log"))
        .unwrap()
        .write_all(b"2026-01-02T10:00:03Z ERROR disk full\n")
        .unwrap();
    let tail = app.url(&format!(
        "/api/v1/admin/logs?level=info&file=pilito-box.2026-01-02.log&since={offset}"
    ));
    let (_, page) = json_of(
        app.http
            .get(&tail)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        page["lines"],
        json!(["2026-01-02T10:00:03Z ERROR disk full"])
    );
    let r = app
        .http
        .get(app.url("/api/v1/admin/logs/download"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("pilito-box.2026-01-02.log")
    );
    assert!(r.text().await.unwrap().ends_with("disk full\n"));
}

#[tokio::test]
async fn a_retried_send_is_told_by_its_status_and_message_id_not_by_an_extra_key() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let url = app.url(&format!(
        "/api/v1/message/conversation/{conv}/send-message/"
    ));
    let send = || {
        app.http
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({"content": "hello", "client_msg_id": "k-1"}))
            .send()
    };
    let (s1, first) = json_of(send().await.unwrap()).await;
    let (s2, again) = json_of(send().await.unwrap()).await;
    assert_eq!((s1, s2), (201, 200));
    let mut keys: Vec<&str> = first["data"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["conversation_id", "external_send_result", "message"],
        "PROTOCOL §10's shape"
    );
    assert_eq!(
        again["data"]["message"]["id"],
        first["data"]["message"]["id"]
    );
}

#[tokio::test]
async fn an_agent_cannot_delete_a_conversation_by_assigning_it_to_themselves() {
    let app = spawn_app().await;
    let (sara, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let assign = app.url(&format!("/api/v1/message/conversation/{conv}/assign/"));
    let r = app
        .http
        .patch(&assign)
        .bearer_auth(&token)
        .json(&json!({"user_id": sara.id}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "agents may assign");
    let item = app.url(&format!("/api/v1/message/conversation-item/{conv}/"));
    let (s, b) = json_of(
        app.http
            .delete(&item)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, b["error_code"].as_str()),
        (403, Some("PERMISSION_DENIED"))
    );
    let (s, _) = json_of(
        app.http
            .get(&item)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "still there");
    let admin = app.user("boss", Role::Admin).await;
    let admin_token = app.token(admin.id).await;
    let r = app
        .http
        .delete(&item)
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
}
