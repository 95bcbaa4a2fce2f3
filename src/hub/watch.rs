//! What an admin sees of the sockets (the "why isn't this agent getting messages?" page): for
//! each open socket who and what it is, plus counters the socket and the groups update with
//! atomics (the send path takes no lock for them), and the last closes, kept in a short ring.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::Hub;

/// How many closes the ring keeps.
pub const RECENT_CLOSES: usize = 200;

/// Who and what a socket is, set once when its feed starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SocketInfo {
    pub username: String,
    /// The feed's path (`/ws/chat/<id>/`).
    pub feed: String,
    /// The client's address.
    pub peer: String,
    /// When it connected (wire time).
    pub since: String,
}

/// Counters of one socket, updated without a lock.
#[derive(Debug)]
pub struct SocketStats {
    /// What `ping_sent` counts from.
    base: Instant,
    /// When the last unanswered ping went, in microseconds after `base`; `u64::MAX`: none.
    ping_sent: AtomicU64,
    /// The last ping's round trip in microseconds; `u64::MAX` until a pong came back.
    rtt_micros: AtomicU64,
    /// Ephemeral frames dropped because the socket's queue was full.
    dropped: AtomicU64,
}

impl Default for SocketStats {
    fn default() -> Self {
        Self {
            base: Instant::now(),
            ping_sent: AtomicU64::new(u64::MAX),
            rtt_micros: AtomicU64::new(u64::MAX),
            dropped: AtomicU64::new(0),
        }
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX - 1)
}

impl SocketStats {
    /// Records that a ping went now.
    pub fn pinged(&self) {
        let now = micros(self.base.elapsed());
        self.ping_sent.store(now, Ordering::Relaxed);
    }

    /// Records a pong: the round trip of the ping it answers.
    pub fn ponged(&self) {
        let sent = self.ping_sent.swap(u64::MAX, Ordering::Relaxed);
        if sent != u64::MAX {
            let rtt = micros(self.base.elapsed()).saturating_sub(sent);
            self.rtt_micros.store(rtt, Ordering::Relaxed);
        }
    }

    pub fn dropped_one(&self) {
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }

    #[must_use]
    pub fn rtt(&self) -> Option<Duration> {
        match self.rtt_micros.load(Ordering::Relaxed) {
            u64::MAX => None,
            micros => Some(Duration::from_micros(micros)),
        }
    }

    #[must_use]
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// One open socket as the admin page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSocket {
    pub user_id: i64,
    pub info: SocketInfo,
    /// Frames waiting in its outgoing queue.
    pub queued: usize,
    pub queue_capacity: usize,
    pub rtt: Option<Duration>,
    pub dropped: u64,
}

/// One socket that closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedSocket {
    /// When (wire time).
    pub at: String,
    pub user_id: i64,
    pub info: SocketInfo,
    /// The close code sent or received (1006 when the connection was lost without one).
    pub code: u16,
    /// Who closed it: `server`, `client` or `lost`.
    pub by: &'static str,
}

/// The last [`RECENT_CLOSES`] closes, newest last.
#[derive(Debug, Default)]
pub struct Closes {
    /// Std mutex: held to push or copy, never across `.await`; taken once per socket end.
    ring: Mutex<VecDeque<ClosedSocket>>,
}

impl Closes {
    pub fn push(&self, closed: ClosedSocket) {
        let mut ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        if ring.len() == RECENT_CLOSES {
            ring.pop_front();
        }
        ring.push_back(closed);
    }

    /// The closes kept, newest first.
    #[must_use]
    pub fn newest_first(&self) -> Vec<ClosedSocket> {
        let ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        ring.iter().rev().cloned().collect()
    }
}

impl Hub {
    pub(super) fn describe(&self, id: u64, info: SocketInfo) {
        if let Some(entry) = self.registry().conns.get_mut(&id) {
            entry.info = info;
        }
    }

    pub(super) fn record_close(&self, id: u64, code: u16, by: &'static str) {
        let found = self
            .registry()
            .conns
            .get(&id)
            .map(|e| (e.user_id, e.info.clone()));
        if let Some((user_id, info)) = found {
            self.inner.closes.push(ClosedSocket {
                at: crate::clock::now_wire(),
                user_id,
                info,
                code,
                by,
            });
        }
    }

    /// Every open socket, oldest first.
    #[must_use]
    pub fn open_sockets(&self) -> Vec<OpenSocket> {
        let registry = self.registry();
        let mut open: Vec<(u64, OpenSocket)> = registry
            .conns
            .iter()
            .map(|(id, e)| {
                let (queued, capacity) = e.queue.upgrade().map_or((0, 0), |q| {
                    (q.max_capacity() - q.capacity(), q.max_capacity())
                });
                let socket = OpenSocket {
                    user_id: e.user_id,
                    info: e.info.clone(),
                    queued,
                    queue_capacity: capacity,
                    rtt: e.stats.rtt(),
                    dropped: e.stats.dropped(),
                };
                (*id, socket)
            })
            .collect();
        drop(registry);
        open.sort_by_key(|(id, _)| *id);
        open.into_iter().map(|(_, s)| s).collect()
    }

    /// The last closes, newest first.
    #[must_use]
    pub fn recent_closes(&self) -> Vec<ClosedSocket> {
        self.inner.closes.newest_first()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ring_keeps_the_newest_closes() {
        let closes = Closes::default();
        let kept_max = u16::try_from(RECENT_CLOSES).unwrap();
        for code in 0..kept_max + 5 {
            closes.push(ClosedSocket {
                at: String::new(),
                user_id: 1,
                info: SocketInfo::default(),
                code,
                by: "server",
            });
        }
        let kept = closes.newest_first();
        assert_eq!(kept.len(), RECENT_CLOSES);
        assert_eq!(kept[0].code, kept_max + 4);
        assert_eq!(kept.last().unwrap().code, 5);
    }

    #[test]
    fn a_round_trip_is_unknown_until_a_pong() {
        let stats = SocketStats::default();
        stats.ponged();
        assert_eq!(stats.rtt(), None, "a pong without a ping times nothing");
        stats.pinged();
        std::thread::sleep(Duration::from_millis(3));
        stats.ponged();
        assert!(stats.rtt().unwrap() >= Duration::from_millis(3));
    }
}
