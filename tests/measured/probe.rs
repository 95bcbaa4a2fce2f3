//! The yardstick: one agent sends chat messages and another, on the same conversation, times
//! how long each takes to arrive (persisted, then published). Samples are paced under the
//! per-socket frame rate.

use std::fmt;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::Client;
use crate::common::process::{Served, cli};

/// Delivery latencies.
pub struct Latency(Vec<Duration>);

impl Latency {
    /// Latencies measured elsewhere.
    pub fn of(samples: Vec<Duration>) -> Self {
        Self(samples)
    }

    /// The `q` quantile (0.0–1.0).
    pub fn quantile(&self, q: f64) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        let last = sorted.len().saturating_sub(1);
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let at = ((last as f64) * q).round() as usize;
        sorted[at.min(last)]
    }

    /// The median.
    pub fn median(&self) -> Duration {
        self.quantile(0.5)
    }
}

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        write!(
            f,
            "median {:.2} ms, p95 {:.2} ms, max {:.2} ms over {}",
            ms(self.median()),
            ms(self.quantile(0.95)),
            ms(self.quantile(1.0)),
            self.0.len()
        )
    }
}

/// A sender and a reader on one conversation.
pub struct Probe {
    sender: Client,
    reader: Client,
    sent: usize,
}

impl Probe {
    /// Opens both sockets on a new conversation of `dir`'s workspace, as `token`'s user.
    pub async fn open(server: &Served, dir: &std::path::Path, token: &str) -> Self {
        let conv = cli(
            dir,
            &["conversation", "add", "--customer", "Probe Yardstick"],
        );
        let url = server.ws_url(&format!("/ws/chat/{conv}/"), token);
        let mut sender = Client::connect(&url).await.unwrap();
        let mut reader = Client::connect(&url).await.unwrap();
        for c in [&mut sender, &mut reader] {
            c.recv_type("recent_messages").await;
        }
        Self {
            sender,
            reader,
            sent: 0,
        }
    }

    /// Sends `count` messages, one every 60 ms, and times each to the reader.
    pub async fn sample(&mut self, count: usize) -> Latency {
        let mut samples = Vec::with_capacity(count);
        for _ in 0..count {
            self.sent += 1;
            let text = format!("probe {}", self.sent);
            let started = Instant::now();
            self.sender.send(json!({"content": text})).await;
            loop {
                let frame = self.reader.recv_type("chat_message").await;
                if frame["message"]["content"] == text {
                    break;
                }
            }
            samples.push(started.elapsed());
            self.sender.recv_type("chat_message").await;
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
        Latency(samples)
    }
}

/// A workspace with one agent; returns the agent's access token.
pub fn workspace(dir: &std::path::Path) -> String {
    cli(
        dir,
        &["user", "add", "probe", "--password", "probe-secret-1"],
    );
    cli(dir, &["token", "issue", "probe"])
}

/// Asserts `during` stayed near `before`: the median within 5× plus 25 ms. A server whose
/// delivery waited on the misbehaving client would take seconds.
pub fn assert_unharmed(what: &str, before: &Latency, during: &Latency) {
    let bound = before.median() * 5 + Duration::from_millis(25);
    assert!(
        during.median() <= bound,
        "{what}: delivery slowed from {before} to {during}"
    );
}
