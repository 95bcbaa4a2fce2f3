//! The in-process hub that replaces the Redis channel layer: every open socket's registration
//! (for limits, revocation and shutdown) and its group memberships. It knows nothing of warp or
//! SQL. Cleanup lives in `Drop` guards, so a socket that panics or vanishes still leaves.

pub mod closer;
mod connection;
pub mod groups;
pub mod watch;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};

pub use closer::{Close, Closer};
pub use connection::{Connection, Membership};
pub use groups::{Delivery, Fanout, Groups, LocalGroups, Member};
pub use watch::{ClosedSocket, OpenSocket, SocketInfo, SocketStats};

/// One serialized server frame, shared by every socket it is delivered to: reference counted,
/// so each socket's copy is a pointer, and handed to the WebSocket writer as is.
pub type Frame = tungstenite::Utf8Bytes;

/// Limits the hub enforces when a socket registers.
#[derive(Debug, Clone, Copy)]
pub struct HubLimits {
    /// Open sockets in total.
    pub max_connections: usize,
    /// Open sockets per user.
    pub max_per_user: usize,
    /// Outgoing queue length per socket.
    pub queue_capacity: usize,
    /// The close code of a socket whose queue overflowed.
    pub overflow_code: u16,
}

/// Why a socket could not register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The server holds its maximum of sockets.
    #[error("the server is at its connection limit")]
    ServerBusy,
    /// The user holds the per-user maximum.
    #[error("the user holds the per-user connection limit")]
    TooManyForUser,
}

/// Running sums of every publish's [`Fanout`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub delivered: u64,
    /// Ephemeral frames dropped for full queues.
    pub dropped: u64,
    /// Sockets closed with 1013.
    pub overflowed: u64,
}

#[derive(Debug, Default)]
struct Counters([AtomicU64; 3]);

impl Counters {
    fn add(&self, f: Fanout) {
        for (counter, n) in self.0.iter().zip([f.delivered, f.dropped, f.overflowed]) {
            if n > 0 {
                counter.fetch_add(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
            }
        }
    }

    fn snapshot(&self) -> Totals {
        let [delivered, dropped, overflowed] = self.0.each_ref().map(|c| c.load(Ordering::Relaxed));
        Totals {
            delivered,
            dropped,
            overflowed,
        }
    }
}

/// A user's first socket opened, or their last one closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenceChange {
    /// The user had no socket and now has one.
    Connected(i64),
    /// The user's last socket closed.
    Disconnected(i64),
}

/// Builds the `user_presence` frame announcing a user online (`true`) or offline (`false`).
pub type Announce = Arc<dyn Fn(bool) -> Frame + Send + Sync>;

/// A cheap-to-clone handle on the hub.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    groups: Box<dyn Groups>,
    totals: Counters,
    /// Std mutex: held only to update or scan the registry, never across `.await`.
    registry: Mutex<Registry>,
    drained: Notify,
    presence: mpsc::UnboundedSender<PresenceChange>,
    presence_rx: Mutex<Option<mpsc::UnboundedReceiver<PresenceChange>>>,
    shutting_down: AtomicBool,
    next_id: AtomicU64,
    /// Nudges so far, of every group: what list pages are built against (see [`Hub::nudges`]).
    nudges: AtomicU64,
    limits: HubLimits,
    closes: watch::Closes,
}

#[derive(Default)]
struct Registry {
    conns: HashMap<u64, Entry>,
    per_user: HashMap<i64, usize>,
}

struct Entry {
    user_id: i64,
    jti: Option<Arc<str>>,
    closer: Arc<Closer>,
    /// Set by [`Connection::describe`] once the feed starts.
    info: SocketInfo,
    stats: Arc<SocketStats>,
    /// Weak, so the registry never keeps a socket's queue open; read for its depth.
    queue: mpsc::WeakSender<Frame>,
}

impl Hub {
    /// A hub delivering through in-process groups.
    #[must_use]
    pub fn new(limits: HubLimits) -> Self {
        Self::with_groups(limits, Box::new(LocalGroups::new(limits.overflow_code)))
    }

    /// A hub delivering through `groups` (the seam for a broker backend).
    #[must_use]
    pub fn with_groups(limits: HubLimits, groups: Box<dyn Groups>) -> Self {
        let (presence, presence_rx) = mpsc::unbounded_channel();
        Self {
            inner: Arc::new(Inner {
                groups,
                totals: Counters::default(),
                registry: Mutex::new(Registry::default()),
                drained: Notify::new(),
                presence,
                presence_rx: Mutex::new(Some(presence_rx)),
                shutting_down: AtomicBool::new(false),
                next_id: AtomicU64::new(1),
                nudges: AtomicU64::new(0),
                limits,
                closes: watch::Closes::default(),
            }),
        }
    }

    fn registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.inner
            .registry
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a socket of `user_id` could register now.
    pub fn has_room(&self, user_id: i64) -> Result<(), Refusal> {
        let registry = self.registry();
        self.room_in(&registry, user_id)
    }

    fn room_in(&self, registry: &Registry, user_id: i64) -> Result<(), Refusal> {
        if registry.conns.len() >= self.inner.limits.max_connections
            || self.inner.shutting_down.load(Ordering::Relaxed)
        {
            return Err(Refusal::ServerBusy);
        }
        if registry.per_user.get(&user_id).copied().unwrap_or(0) >= self.inner.limits.max_per_user {
            return Err(Refusal::TooManyForUser);
        }
        Ok(())
    }

    /// Registers a socket of `user_id` authenticated by token `jti`, within the limits.
    pub fn connect(
        &self,
        user_id: i64,
        jti: Option<&str>,
    ) -> Result<(Connection, mpsc::Receiver<Frame>), Refusal> {
        let (queue, rx) = mpsc::channel(self.inner.limits.queue_capacity.max(1));
        let closer = Arc::new(Closer::default());
        let stats = Arc::new(SocketStats::default());
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let mut registry = self.registry();
        self.room_in(&registry, user_id)?;
        registry.conns.insert(
            id,
            Entry {
                user_id,
                jti: jti.map(Arc::from),
                closer: Arc::clone(&closer),
                info: SocketInfo::default(),
                stats: Arc::clone(&stats),
                queue: queue.downgrade(),
            },
        );
        let count = registry.per_user.entry(user_id).or_insert(0);
        *count += 1;
        if *count == 1 {
            let _ = self.inner.presence.send(PresenceChange::Connected(user_id));
        }
        drop(registry);
        let member = Member {
            id,
            user_id,
            queue,
            closer,
            nudge: Arc::new(Notify::new()),
            stats,
        };
        Ok((Connection::new(self.clone(), member), rx))
    }

    /// Delivers a frame that must arrive to every socket in `group`.
    pub fn publish(&self, group: &str, frame: &Frame) -> Fanout {
        let fanout = self
            .inner
            .groups
            .publish(group, frame, Delivery::Durable, None);
        self.inner.totals.add(fanout);
        fanout
    }

    /// Delivers a droppable frame to every socket in `group` except those of `except_user`.
    pub fn publish_ephemeral(
        &self,
        group: &str,
        frame: &Frame,
        except_user: Option<i64>,
    ) -> Fanout {
        let fanout = self
            .inner
            .groups
            .publish(group, frame, Delivery::Ephemeral, except_user);
        self.inner.totals.add(fanout);
        fanout
    }

    /// What every publish so far delivered, dropped and overflowed.
    #[must_use]
    pub fn totals(&self) -> Totals {
        self.inner.totals.snapshot()
    }

    /// Closes every socket in `group`.
    pub fn close_group(&self, group: &str, close: &Close) -> usize {
        self.inner.groups.close(group, close)
    }

    /// Tells every socket in `group` that what it shows changed.
    pub fn nudge(&self, group: &str) {
        self.inner.nudges.fetch_add(1, Ordering::SeqCst);
        self.inner.groups.nudge(group);
    }

    /// How many nudges there have been, counted before each reaches its group: a page read in
    /// a snapshot taken after this returned `n` shows every change behind the first `n` nudges
    /// (they are sent after their change committed), so sockets can share it.
    #[must_use]
    pub fn nudges(&self) -> u64 {
        self.inner.nudges.load(Ordering::SeqCst)
    }

    /// The stream of presence changes, for the one task that keeps presence; `None` after the
    /// first call.
    pub fn presence_changes(&self) -> Option<mpsc::UnboundedReceiver<PresenceChange>> {
        self.inner
            .presence_rx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Users with at least one open socket.
    #[must_use]
    pub fn connected_users(&self) -> Vec<i64> {
        self.registry().per_user.keys().copied().collect()
    }

    /// Users with a socket in `group`, by id.
    #[must_use]
    pub fn group_users(&self, group: &str) -> Vec<i64> {
        self.inner.groups.users(group)
    }

    /// Sockets in `group`.
    #[must_use]
    pub fn group_size(&self, group: &str) -> usize {
        self.inner.groups.size(group)
    }

    #[must_use]
    pub fn connection_count(&self) -> usize {
        self.registry().conns.len()
    }

    /// Open sockets of one user.
    #[must_use]
    pub fn user_connection_count(&self, user_id: i64) -> usize {
        self.registry().per_user.get(&user_id).copied().unwrap_or(0)
    }

    /// Removes a socket's registration (called by the [`Connection`] guard).
    fn unregister(&self, id: u64, user_id: i64) {
        let mut registry = self.registry();
        registry.conns.remove(&id);
        if let Some(count) = registry.per_user.get_mut(&user_id) {
            *count -= 1;
            if *count == 0 {
                registry.per_user.remove(&user_id);
                let _ = self
                    .inner
                    .presence
                    .send(PresenceChange::Disconnected(user_id));
            }
        }
        let empty = registry.conns.is_empty();
        drop(registry);
        if empty {
            self.inner.drained.notify_waiters();
        }
    }

    fn groups(&self) -> &dyn Groups {
        self.inner.groups.as_ref()
    }

    /// Closes every socket matching `pred`; returns how many were asked to close.
    fn close_where(&self, close: &Close, pred: impl Fn(&Entry) -> bool) -> usize {
        let registry = self.registry();
        let mut n = 0;
        for entry in registry.conns.values().filter(|e| pred(e)) {
            entry.closer.close(close.clone());
            n += 1;
        }
        n
    }

    /// Closes the sockets opened with token `jti`.
    pub fn close_token(&self, jti: &str, close: &Close) -> usize {
        self.close_where(close, |e| e.jti.as_deref() == Some(jti))
    }

    /// Closes every socket of `user_id`.
    pub fn close_user(&self, user_id: i64, close: &Close) -> usize {
        self.close_where(close, |e| e.user_id == user_id)
    }

    /// Refuses new sockets from now on and closes every open one (shutdown).
    pub fn shut(&self, close: &Close) -> usize {
        self.inner.shutting_down.store(true, Ordering::Relaxed);
        self.close_where(close, |_| true)
    }

    /// Waits until no socket is registered, or `timeout` passes; returns whether all are gone.
    pub async fn drained(&self, timeout: Duration) -> bool {
        tokio::time::timeout(timeout, async {
            loop {
                let notified = self.inner.drained.notified();
                if self.connection_count() == 0 {
                    return;
                }
                notified.await;
            }
        })
        .await
        .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;

    fn hub(max_connections: usize, max_per_user: usize) -> Hub {
        Hub::new(HubLimits {
            max_connections,
            max_per_user,
            queue_capacity: 8,
            overflow_code: crate::protocol::codes::close::TRY_AGAIN_LATER,
        })
    }

    #[test]
    fn limits_are_enforced_and_released_on_drop() {
        let hub = hub(2, 1);
        let (a, _ra) = hub.connect(1, None).unwrap();
        assert_eq!(hub.connect(1, None).err(), Some(Refusal::TooManyForUser));
        let (_b, _rb) = hub.connect(2, None).unwrap();
        assert_eq!(hub.connect(3, None).err(), Some(Refusal::ServerBusy));
        drop(a);
        assert!(hub.connect(1, None).is_ok());
    }

    #[test]
    fn presence_is_announced_to_others_on_first_join_and_last_leave() {
        let hub = hub(10, 10);
        let (watcher, mut rw) = hub.connect(2, None).unwrap();
        let _w = watcher.join("chat_x", None);
        let announce: Announce = Arc::new(|online| Frame::from(if online { "on" } else { "off" }));
        let (a1, _r1) = hub.connect(1, None).unwrap();
        let (a2, _r2) = hub.connect(1, None).unwrap();
        let m1 = a1.join("chat_x", Some(Arc::clone(&announce)));
        let m2 = a2.join("chat_x", Some(announce));
        assert_eq!(&*rw.try_recv().unwrap(), "on");
        drop(m1);
        assert!(rw.try_recv().is_err());
        drop(m2);
        assert_eq!(&*rw.try_recv().unwrap(), "off");
    }

    #[test]
    fn presence_changes_on_first_open_and_last_close() {
        let hub = hub(10, 10);
        let mut changes = hub.presence_changes().unwrap();
        let (a, _ra) = hub.connect(1, None).unwrap();
        let (b, _rb) = hub.connect(1, None).unwrap();
        drop(a);
        drop(b);
        assert_eq!(changes.try_recv(), Ok(PresenceChange::Connected(1)));
        assert_eq!(changes.try_recv(), Ok(PresenceChange::Disconnected(1)));
        assert!(changes.try_recv().is_err());
    }

    #[test]
    fn nudges_coalesce() {
        let hub = hub(10, 10);
        let (a, _ra) = hub.connect(1, None).unwrap();
        let _m = a.join("conversations", None);
        hub.nudge("conversations");
        hub.nudge("conversations");
        let nudged = a.nudged();
        tokio::pin!(nudged);
        let waker = futures_util::task::noop_waker();
        let mut cx = std::task::Context::from_waker(&waker);
        assert!(nudged.as_mut().poll(&mut cx).is_ready());
        let again = a.nudged();
        tokio::pin!(again);
        assert!(again.as_mut().poll(&mut cx).is_pending());
    }

    #[test]
    fn closing_by_token_reaches_only_that_token() {
        let hub = hub(10, 10);
        let (a, _ra) = hub.connect(1, Some("t1")).unwrap();
        let (b, _rb) = hub.connect(1, Some("t2")).unwrap();
        assert_eq!(hub.close_token("t1", &Close::new(4001, "revoked")), 1);
        assert!(a.closer().requested().is_some());
        assert!(b.closer().requested().is_none());
    }
}
