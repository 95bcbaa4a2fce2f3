//! Counters for `GET /metrics` (Prometheus text): what the server accepted, refused and
//! delivered. Plain atomics, bumped on the paths that already know what happened.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::hub::Hub;
use crate::storage::Store;

/// Server-wide counters.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Sockets upgraded and handed to a feed.
    pub sockets_accepted: AtomicU64,
    /// Handshakes answered with an HTTP refusal.
    pub handshakes_refused: AtomicU64,
    /// Sockets closed with 4001 at the handshake.
    pub auth_failures: AtomicU64,
    /// List pages read from the database for a list socket.
    pub list_pages_built: AtomicU64,
    /// List frames a socket took from a page another socket had built.
    pub list_pages_reused: AtomicU64,
}

impl Metrics {
    /// Adds one to a counter.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Relaxed);
    }
}

/// The Prometheus text exposition of the server's counters.
#[must_use]
pub fn render(m: &Metrics, hub: &Hub, store: &Store) -> String {
    let fanout = hub.totals();
    let writes = store.write_stats();
    let rows: [(&str, &str, &str, u64); 12] = [
        (
            "pilito_connections",
            "gauge",
            "Open WebSocket connections",
            count(hub.connection_count()),
        ),
        (
            "pilito_sockets_accepted_total",
            "counter",
            "Sockets handed to a feed",
            m.sockets_accepted.load(Relaxed),
        ),
        (
            "pilito_handshakes_refused_total",
            "counter",
            "Handshakes refused with an HTTP answer",
            m.handshakes_refused.load(Relaxed),
        ),
        (
            "pilito_auth_failures_total",
            "counter",
            "Sockets closed with 4001 at the handshake",
            m.auth_failures.load(Relaxed),
        ),
        (
            "pilito_list_pages_built_total",
            "counter",
            "List pages read from the database for a list socket",
            m.list_pages_built.load(Relaxed),
        ),
        (
            "pilito_list_pages_reused_total",
            "counter",
            "List refreshes served a page another socket had built",
            m.list_pages_reused.load(Relaxed),
        ),
        (
            "pilito_frames_delivered_total",
            "counter",
            "Published frames queued to sockets",
            fanout.delivered,
        ),
        (
            "pilito_frames_dropped_total",
            "counter",
            "Ephemeral frames dropped for full queues",
            fanout.dropped,
        ),
        (
            "pilito_sockets_overflowed_total",
            "counter",
            "Sockets closed with 1013",
            fanout.overflowed,
        ),
        (
            "pilito_db_writes_total",
            "counter",
            "Writes run by the writer thread",
            writes.writes,
        ),
        (
            "pilito_db_commits_total",
            "counter",
            "Transactions committed by the writer thread",
            writes.commits,
        ),
        (
            "pilito_db_writes_waiting",
            "gauge",
            "Writes queued for the writer thread and not yet taken",
            writes.waiting,
        ),
    ];
    let mut out = String::new();
    for (name, kind, help, value) in rows {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
        );
    }
    out
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}
