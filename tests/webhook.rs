//! The webhook channel against a real HTTP receiver in the test: every delivery signed, each
//! reply once and in order per conversation, also after the receiver answered 500 for a while.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use warp::Filter;
use warp::http::{HeaderMap, StatusCode};

use crate::common::spawn_with;
use pilito_box::storage::users::Role;

#[derive(Default)]
struct Received {
    /// Deliveries accepted (answered 200), in arrival order.
    accepted: Vec<Value>,
    /// Signatures that did not verify.
    bad: usize,
    /// Answer 500 to this many more deliveries.
    failing: usize,
    secret: String,
}

async fn receiver(state: Arc<Mutex<Received>>) -> String {
    let route = warp::post()
        .and(warp::header::headers_cloned())
        .and(warp::body::bytes())
        .map(move |headers: HeaderMap, body: Bytes| {
            let mut s = state.lock().unwrap();
            let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
            let timestamp = header("x-pilito-timestamp").to_owned();
            let mut mac = Hmac::<Sha256>::new_from_slice(s.secret.as_bytes()).unwrap();
            mac.update(format!("{timestamp}.").as_bytes());
            mac.update(&body);
            let expected = mac
                .finalize()
                .into_bytes()
                .iter()
                .fold(String::new(), |mut hex, b| {
                    use std::fmt::Write as _;
                    let _ = write!(hex, "{b:02x}");
                    hex
                });
            if header("x-pilito-signature") != format!("sha256={expected}") {
                s.bad += 1;
                return StatusCode::UNAUTHORIZED;
            }
            let v: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(v["delivery_id"], header("x-pilito-delivery"));
            if s.failing > 0 {
                s.failing -= 1;
                return StatusCode::INTERNAL_SERVER_ERROR;
            }
            s.accepted.push(v);
            StatusCode::OK
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(warp::serve(route).incoming(listener).run());
    format!("http://{addr}/pilito")
}

#[tokio::test]
async fn the_receiver_gets_each_reply_once_signed_and_in_order_after_failing_for_a_while() {
    let received = Arc::new(Mutex::new(Received::default()));
    let url = receiver(received.clone()).await;
    let app = spawn_with(|c| {
        c.channels.retry_first_ms = 50;
        c.channels.retry_max_secs = 1;
    })
    .await;
    let admin = app.user("boss", Role::Admin).await;
    let token = app.token(admin.id).await;
    let set = app
        .http
        .put(app.url("/api/v1/channels/webhook/"))
        .bearer_auth(&token)
        .json(&json!({"url": url}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    let body: Value = set.json().await.unwrap();
    let secret = body["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        body["secret_hint"],
        format!("…{}", &secret[secret.len() - 4..])
    );
    received.lock().unwrap().secret = secret;
    let test = app
        .http
        .post(app.url("/api/v1/channels/webhook/test/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let test: Value = test.json().await.unwrap();
    assert_eq!(test, json!({"ok": true, "http_status": 200}));
    received.lock().unwrap().accepted.clear();

    let a = app
        .inbound_conversation("api", "crm-1", "Crm", "hi from a")
        .await;
    let b = app
        .inbound_conversation("api", "crm-2", "Crm", "hi from b")
        .await;
    received.lock().unwrap().failing = 4;
    for i in 0..3 {
        for conv in [&a, &b] {
            let r = app
                .http
                .post(app.url(&format!(
                    "/api/v1/message/conversation/{conv}/send-message/"
                )))
                .bearer_auth(&token)
                .json(&json!({"content": format!("{conv} #{i}")}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
        }
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while received.lock().unwrap().accepted.len() < 6 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not all replies arrived"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let secret = {
        let r = received.lock().unwrap();
        assert_eq!(r.bad, 0, "every signature verified");
        assert_eq!(r.accepted.len(), 6, "each reply exactly once");
        for conv in [&a, &b] {
            let texts: Vec<&str> = r
                .accepted
                .iter()
                .filter(|v| v["conversation_id"] == conv.as_str())
                .map(|v| v["message"]["content"].as_str().unwrap())
                .collect();
            let expected: Vec<String> = (0..3).map(|i| format!("{conv} #{i}")).collect();
            assert_eq!(texts, expected, "in order per conversation");
        }
        let one = &r.accepted[0];
        assert_eq!(one["event"], "message");
        assert_eq!(one["customer"]["source"], "api");
        assert_eq!(one["message"]["type"], "support");
        assert_eq!(one["message"]["sender"]["username"], "boss");
        r.secret.clone()
    };
    let overview: Value = app
        .http
        .get(app.url("/api/v1/channels/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(overview["webhook"]["state"], "ok");
    assert_eq!(overview["webhook"]["waiting"], 0);
    assert!(!overview.to_string().contains(&secret));
    app.stop().await;
}
