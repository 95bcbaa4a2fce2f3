//! What a signed-in user may do and how hard: cookie-signed writes only from the page's origin
//! and as JSON, a per-user limit on REST writes, requests under a stranger's host name refused,
//! a blocked address told why, and an admin kept from blocking their own.

use std::net::IpAddr;

use serde_json::{Value, json};

use crate::common::{PASSWORD, TestApp, spawn_app, spawn_with};
use pilito_box::storage::users::Role;

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The `HTTP_ACCESS` cookie a sign-in sets, as a `Cookie` header value.
async fn cookie_of(app: &TestApp, name: &str) -> String {
    let r = app
        .http
        .post(app.url("/api/v1/usr/login"))
        .json(&json!({"username": name, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    set.split(';').next().unwrap().to_owned()
}

fn from(ip: &str) -> reqwest::Client {
    crate::common::http_builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_cookie_signs_in_writes_only_from_an_allowed_origin_and_as_json() {
    let app = spawn_app().await;
    app.agent("sara").await;
    let cookie = cookie_of(&app, "sara").await;
    let conv = app.conversation("Maryam").await;
    let url = app.url(&format!(
        "/api/v1/message/conversation/{conv}/send-message/"
    ));
    let own = format!("http://{}", app.addr);
    let post = |origin: Option<&str>, kind: &str| {
        let mut r = app
            .http
            .post(&url)
            .header("cookie", &cookie)
            .header("content-type", kind)
            .body(r#"{"content": "hello"}"#);
        if let Some(origin) = origin {
            r = r.header("origin", origin);
        }
        r.send()
    };
    let cases = [
        (
            Some("http://evil.test"),
            "application/json",
            403,
            "ORIGIN_NOT_ALLOWED",
        ),
        (None, "application/json", 403, "ORIGIN_NOT_ALLOWED"),
        (
            Some(own.as_str()),
            "text/plain",
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
    ];
    for (origin, kind, status, code) in cases {
        let (s, b) = json_of(post(origin, kind).await.unwrap()).await;
        assert_eq!(
            (s, b["error_code"].as_str()),
            (status, Some(code)),
            "{origin:?} {kind}"
        );
    }
    let (s, _) = json_of(post(Some(&own), "application/json").await.unwrap()).await;
    assert_eq!(s, 201, "the page's own origin, as JSON");
    let history = app
        .http
        .get(app.url("/api/v1/usr/profile"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(history.status(), 200, "reading by cookie is as before");

    let logout = app
        .http
        .get(app.url("/api/v1/usr/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 200);
    let still = app
        .http
        .get(app.url("/api/v1/usr/profile"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        still.status(),
        200,
        "a link to GET logout does not end the session its cookie belongs to"
    );
}

#[tokio::test]
async fn one_user_cannot_write_faster_than_the_limit_and_others_are_not_slowed() {
    let app = spawn_with(|c| {
        c.limits.rest_writes_per_second = 1;
        c.limits.rest_write_burst = 5;
    })
    .await;
    let (_, sara) = app.agent("sara").await;
    let (_, reza) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let url = app.url(&format!(
        "/api/v1/message/conversation/{conv}/send-message/"
    ));
    let send = |token: &str| {
        app.http
            .post(&url)
            .bearer_auth(token)
            .json(&json!({"content": "hi"}))
            .send()
    };
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(send(&sara).await.unwrap().status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 201, 201, 201, 429, 429, 429]);
    let refused = send(&sara).await.unwrap();
    assert!(refused.headers().contains_key("retry-after"));
    let (_, b) = json_of(refused).await;
    assert_eq!(b["error_code"], "RATE_LIMITED");
    assert_eq!(send(&reza).await.unwrap().status(), 201, "another user");
    let read = app
        .http
        .get(app.url(&format!("/api/v1/message/conversation-item/{conv}/")))
        .bearer_auth(&sara)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200, "reads are not writes");
}

#[tokio::test]
async fn a_request_under_a_strangers_host_name_reaches_nothing() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let get = |host: &str| {
        app.http
            .get(app.url("/api/v1/usr/profile"))
            .header("host", host)
            .bearer_auth(&token)
            .send()
    };
    let (s, b) = json_of(get("rebind.evil.test:8765").await.unwrap()).await;
    assert_eq!(
        (s, b["error_code"].as_str()),
        (421, Some("HOST_NOT_ALLOWED"))
    );
    let page = app
        .http
        .get(app.url("/"))
        .header("host", "rebind.evil.test")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 421, "the page too");
    for host in ["localhost:1", "127.0.0.1", "[::1]:8765"] {
        assert_eq!(get(host).await.unwrap().status(), 200, "{host}");
    }
}

#[tokio::test]
async fn a_blocked_address_is_told_why_and_an_admin_cannot_block_their_own() {
    let app = spawn_app().await;
    let admin = app.user("boss", Role::Admin).await;
    let token = app.token(admin.id).await;
    let block = |client: reqwest::Client, ip: &'static str| {
        let url = app.url("/api/v1/usr/blacklist");
        let token = token.clone();
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"ip": ip}))
                .send()
                .await
                .unwrap()
        }
    };
    let (s, b) = json_of(block(from("127.0.0.1"), "127.0.0.1").await).await;
    assert_eq!(
        (s, b["error_code"].as_str()),
        (400, Some("CANNOT_BLOCK_OWN_ADDRESS"))
    );
    assert!(b["error"].as_str().unwrap().contains("lock you out"), "{b}");
    assert_eq!(block(from("127.0.0.2"), "127.0.0.1").await.status(), 201);
    let (s, b) = json_of(
        from("127.0.0.1")
            .get(app.url("/api/v1/health"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, b["error_code"].as_str()), (403, Some("IP_BLACKLISTED")));
    assert!(b["error"].as_str().unwrap().contains("127.0.0.1"), "{b}");
    let elsewhere = from("127.0.0.2")
        .get(app.url("/api/v1/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 200);
    let page = from("127.0.0.1").get(app.url("/")).send().await.unwrap();
    assert_eq!(
        page.status(),
        200,
        "the page loads, to say why it cannot work"
    );
}
