//! Handshakes refused before the upgrade, each with its HTTP status and `error_code`.

use std::time::{Duration, Instant};

use pilito_box::storage::blacklist;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::common::{Client, spawn_app, spawn_with};

#[tokio::test]
async fn unknown_paths_and_missing_slashes_are_not_found() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    for path in ["/ws/nowhere/", &format!("/ws/chat/{conv}"), "/ws/chat/a-b/"] {
        let (status, body) = Client::refused(&app.ws_url(path, Some(&token))).await;
        assert_eq!(
            (status, body["error_code"].as_str()),
            (404, Some("NOT_FOUND")),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_missing_conversation_is_refused_after_authentication() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let (status, body) = Client::refused(&app.ws_url("/ws/chat/NoSuchOne/", Some(&token))).await;
    assert_eq!(status, 404);
    assert_eq!(body["error_code"], "CONVERSATION_NOT_FOUND");
    assert_eq!(body["error"], "Conversation not found");
}

#[tokio::test]
async fn blacklisted_addresses_are_refused_and_others_are_not() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let url = app.ws_url(&format!("/ws/chat/{conv}/"), Some(&token));
    let ip = "127.0.0.1".parse().unwrap();
    app.state
        .store
        .write(move |c| blacklist::add(c, ip, Some("test")))
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        match tokio_tungstenite::connect_async(&url).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
                assert_eq!(r.status(), 403);
                let body: serde_json::Value =
                    serde_json::from_slice(r.body().as_ref().unwrap()).unwrap();
                assert_eq!(body["error_code"], "IP_BLACKLISTED");
                break;
            }
            Ok(_) => assert!(
                started.elapsed() < Duration::from_secs(3),
                "blacklist not picked up"
            ),
            Err(e) => panic!("{e}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.state
        .store
        .write(move |c| blacklist::remove(c, ip))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    Client::connect(&url)
        .await
        .expect("accepted again after removal");
}

#[tokio::test]
async fn foreign_origins_are_refused_but_same_origin_and_listed_ones_pass() {
    let app = spawn_with(|c| c.allowed_origins = vec!["https://app.pilito.com".into()]).await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let url = app.ws_url(&format!("/ws/chat/{conv}/"), Some(&token));
    let with_origin = |origin: &str| {
        let mut r = url.as_str().into_client_request().unwrap();
        r.headers_mut().insert("origin", origin.parse().unwrap());
        r
    };
    match tokio_tungstenite::connect_async(with_origin("http://evil.example")).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
            assert_eq!(r.status(), 403);
            let body: serde_json::Value =
                serde_json::from_slice(r.body().as_ref().unwrap()).unwrap();
            assert_eq!(body["error_code"], "ORIGIN_NOT_ALLOWED");
        }
        other => panic!("expected 403, got {other:?}"),
    }
    let own = format!("http://{}", app.addr);
    tokio_tungstenite::connect_async(with_origin(&own))
        .await
        .expect("same origin");
    tokio_tungstenite::connect_async(with_origin("https://app.pilito.com"))
        .await
        .expect("listed");
}

#[tokio::test]
async fn handshakes_beyond_the_rate_get_429_with_retry_after() {
    let app = spawn_with(|c| {
        c.limits.handshakes_per_minute = 2;
        c.limits.handshake_burst = 2;
    })
    .await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Maryam").await;
    let url = app.ws_url(&format!("/ws/chat/{conv}/"), Some(&token));
    Client::connect(&url).await.unwrap();
    Client::connect(&url).await.unwrap();
    match tokio_tungstenite::connect_async(&url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
            assert_eq!(r.status(), 429);
            let wait: u64 = r.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&wait), "{wait}");
            let body: serde_json::Value =
                serde_json::from_slice(r.body().as_ref().unwrap()).unwrap();
            assert_eq!(body["error_code"], "RATE_LIMITED");
        }
        other => panic!("expected 429, got {other:?}"),
    }
}

#[tokio::test]
async fn the_server_and_per_user_connection_limits() {
    let app = spawn_with(|c| {
        c.limits.max_connections = 3;
        c.limits.max_connections_per_user = 2;
    })
    .await;
    let (_, sara) = app.agent("sara").await;
    let (_, reza) = app.agent("reza").await;
    let conv = app.conversation("Maryam").await;
    let path = format!("/ws/chat/{conv}/");
    let _a = app.chat(&conv, &sara).await;
    let _b = app.chat(&conv, &sara).await;
    let (status, body) = Client::refused(&app.ws_url(&path, Some(&sara))).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (429, Some("TOO_MANY_CONNECTIONS"))
    );
    let _c = app.chat(&conv, &reza).await;
    let (status, body) = Client::refused(&app.ws_url(&path, Some(&reza))).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (503, Some("SERVER_BUSY"))
    );
}

#[tokio::test]
async fn a_plain_http_request_to_a_socket_path_is_told_to_upgrade() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/ws/nowhere/")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let conv = app.conversation("Maryam").await;
    let r = app
        .http
        .get(app.url(&format!("/ws/chat/{conv}/")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 426);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error_code"], "UPGRADE_REQUIRED");
}
