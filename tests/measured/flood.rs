//! 10,000 frames a second from one socket: with the default limits it is warned once and closed
//! 1008; with the limits lifted the server answers every frame, and either way the others'
//! delivery latency stays as it was.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::common::Client;
use crate::common::client::Ended;
use crate::common::process::{Served, cli, free_port};
use crate::measured;
use crate::probe::{Probe, assert_unharmed, workspace};

/// Frames a second the flooder sends.
const RATE: usize = 10_000;

/// What the flood sends, in turn: a ping, broken JSON, an unknown type, a history read.
const FRAMES: [&str; 4] = [
    r#"{"type": "ping"}"#,
    "{not json",
    r#"{"type": "launch_rockets"}"#,
    r#"{"type": "get_messages", "filters": {"page_size": 5}}"#,
];

/// What a flood did.
struct Flooded {
    sent: usize,
    answered: usize,
    /// How the socket ended (`None`: still open).
    ended: Option<Ended>,
}

/// Floods one socket at [`RATE`] for `length` or until it is closed; an open socket then gets
/// up to ten seconds to answer everything.
async fn flood(url: &str, length: Duration) -> Flooded {
    let c = Client::connect(url).await.unwrap();
    let (mut sink, mut stream) = c.ws.split();
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&answered);
    let reader = tokio::spawn(async move {
        while let Some(message) = stream.next().await {
            match message {
                Ok(Message::Text(_)) => {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
                Ok(Message::Close(f)) => {
                    let f = f.unwrap();
                    return Ended::Closed(f.code.into(), f.reason.to_string());
                }
                Ok(_) => {}
                Err(_) => return Ended::Dropped,
            }
        }
        Ended::Dropped
    });
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let mut sent = 0;
    'flood: while started.elapsed() < length && !reader.is_finished() {
        tick.tick().await;
        for _ in 0..RATE / 100 {
            if sink.feed(Message::text(FRAMES[sent % 4])).await.is_err() {
                break 'flood;
            }
            sent += 1;
        }
        if sink.flush().await.is_err() {
            break;
        }
    }
    let rate = sent as f64 / started.elapsed().as_secs_f64();
    if !reader.is_finished() {
        assert!(rate > RATE as f64 * 0.7, "only {rate:.0} frames/s sent");
        let caught_up = Instant::now();
        while answered.load(Ordering::Relaxed) < sent + 2
            && caught_up.elapsed() < Duration::from_secs(10)
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let ended = if reader.is_finished() {
        Some(reader.await.unwrap())
    } else {
        reader.abort();
        None
    };
    Flooded {
        sent,
        answered: answered.load(Ordering::Relaxed),
        ended,
    }
}

#[test]
fn a_flood_at_the_default_limits_is_warned_then_closed_1008() {
    measured(async {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let server = Served::start(d, free_port(), &[]);
        let token = workspace(d);
        let conv = cli(d, &["conversation", "add", "--customer", "Flood Default"]);
        let url = server.ws_url(&format!("/ws/chat/{conv}/"), &token);
        let f = flood(&url, Duration::from_secs(2)).await;
        assert_eq!(
            f.ended,
            Some(Ended::Closed(1008, "rate limit exceeded".into()))
        );
        assert!(
            (42..=45).contains(&f.answered),
            "the welcome, the history, the burst of 40 and one warning: {}",
            f.answered
        );
        eprintln!(
            "flood at the default limits: closed 1008 after {} frames sent, {} answered",
            f.sent, f.answered
        );
        let mut again = Client::connect(&url).await.unwrap();
        again.recv_type("recent_messages").await;
    });
}

#[test]
fn a_socket_sending_10000_frames_a_second_does_not_slow_the_others() {
    measured(async {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let lifted = [
            ("PILITO_BOX_LIMITS__FRAMES_PER_SECOND", "1000000"),
            ("PILITO_BOX_LIMITS__FRAME_BURST", "1000000"),
        ];
        let server = Served::start(d, free_port(), &lifted);
        let token = workspace(d);
        let mut probe = Probe::open(&server, d, &token).await;
        let before = probe.sample(40).await;
        let conv = cli(d, &["conversation", "add", "--customer", "Flood Lifted"]);
        let url = server.ws_url(&format!("/ws/chat/{conv}/"), &token);
        let flooding = tokio::spawn(async move { flood(&url, Duration::from_secs(6)).await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        let during = probe.sample(40).await;
        let f = flooding.await.unwrap();
        assert_eq!(f.ended, None, "the lifted limits let the flood go on");
        assert_eq!(
            f.answered,
            f.sent + 2,
            "the welcome, the history and an answer to every flood frame"
        );
        eprintln!(
            "10,000 frames/s from one socket ({} sent, all answered): others' delivery before \
             {before}; during {during}",
            f.sent
        );
        assert_unharmed("a 10,000 frames/s flood", &before, &during);
    });
}
