//! A client that stops reading: the others' delivery latency before and during its stall, then
//! its 1013 once its queue is full.

use futures_util::StreamExt;
use serde_json::json;
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::Message;

use crate::common::process::{Served, cli, free_port};
use crate::measured;
use crate::probe::{Probe, assert_unharmed, workspace};

/// Reads a Prometheus gauge or counter from `/metrics`.
pub async fn metric(server: &Served, name: &str) -> u64 {
    let text = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} not in /metrics"))
}

/// Publishes `n` long messages over REST, numbered from `from`; returns `n`.
async fn publish(http: &reqwest::Client, url: &str, token: &str, from: usize, n: usize) -> usize {
    let filler = "s".repeat(990);
    for i in from..from + n {
        let r = http
            .post(url)
            .bearer_auth(token)
            .json(&json!({"content": format!("{i} {filler}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    n
}

#[test]
fn a_stalled_reader_does_not_slow_the_others_and_gets_1013() {
    measured(async {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // REST is the publisher here; its per-user write limit is not what this measures.
        let lifted = [
            ("PILITO_BOX_LIMITS__REST_WRITES_PER_SECOND", "100000"),
            ("PILITO_BOX_LIMITS__REST_WRITE_BURST", "100000"),
        ];
        let server = Served::start(d, free_port(), &lifted);
        let token = workspace(d);
        let mut probe = Probe::open(&server, d, &token).await;
        let before = probe.sample(40).await;

        let conv = cli(d, &["conversation", "add", "--customer", "Stalled Reader"]);
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let stream = socket
            .connect(([127, 0, 0, 1], server.port).into())
            .await
            .unwrap();
        let url = server.ws_url(&format!("/ws/chat/{conv}/"), &token);
        let (mut stalled, _) = tokio_tungstenite::client_async(url.as_str(), stream)
            .await
            .unwrap();
        let http = crate::common::http_client();
        let send = server.url(&format!(
            "/api/v1/message/conversation/{conv}/send-message/"
        ));
        let mut published = 0;
        published += publish(&http, &send, &token, published, 400).await;
        let during = probe.sample(40).await;
        assert_eq!(
            metric(&server, "pilito_sockets_overflowed_total").await,
            0,
            "the stalled socket was still stalling, not yet dropped, while the probe ran"
        );
        assert_eq!(metric(&server, "pilito_connections").await, 3);
        while metric(&server, "pilito_sockets_overflowed_total").await == 0 {
            published += publish(&http, &send, &token, published, 50).await;
            assert!(published < 5000, "the stalled socket was never dropped");
        }
        let mut got = 0;
        let close = loop {
            match stalled.next().await {
                Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
                Some(Ok(Message::Text(_))) => got += 1,
                Some(Ok(_)) => {}
                other => panic!("expected a close frame, got {other:?} after {got} frames"),
            }
        };
        assert_eq!(close, Some(1013), "after {got} of {published} frames");
        eprintln!(
            "stalled reader: others' delivery before {before}; during the stall {during}; \
             dropped with 1013 after {published} messages ({got} reached it)"
        );
        assert_unharmed("a stalled reader", &before, &during);
    });
}
