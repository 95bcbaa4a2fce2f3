//! Groups: named sets of sockets that a published frame reaches. The [`Groups`] trait is the seam
//! where a broker backend (Redis pub/sub, NATS) would slot in; [`LocalGroups`] delivers in-process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tokio::sync::Notify;
use tokio::sync::mpsc::{self, error::TrySendError};

use super::Frame;
use super::closer::{Close, Closer};
use super::watch::SocketStats;

/// How a published frame may be treated by a socket whose queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Must arrive: a full queue closes the socket with 1013 so the client resumes.
    Durable,
    /// May be dropped for a full queue (`typing`, `user_presence`).
    Ephemeral,
}

/// A socket as a group sees it: its user, its queue and its close signal.
#[derive(Clone)]
pub struct Member {
    /// Connection id, unique in the process.
    pub id: u64,
    pub user_id: i64,
    /// The socket's bounded outgoing queue.
    pub queue: mpsc::Sender<Frame>,
    /// The socket's close signal.
    pub closer: Arc<Closer>,
    /// Raised by [`Groups::nudge`]; several nudges before the socket looks count as one.
    pub nudge: Arc<Notify>,
    /// The socket's counters (frames dropped), for the admin's connections page.
    pub stats: Arc<SocketStats>,
}

/// Counts of one publish, for metrics and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Fanout {
    pub delivered: usize,
    /// Ephemeral frames dropped for full queues.
    pub dropped: usize,
    /// Sockets closed with 1013 because their queue was full.
    pub overflowed: usize,
}

/// Publish, subscribe, leave: everything the feeds need from a group backend.
pub trait Groups: Send + Sync + 'static {
    /// Delivers `frame` to every member of `group` except sockets of `except_user`.
    fn publish(
        &self,
        group: &str,
        frame: &Frame,
        delivery: Delivery,
        except_user: Option<i64>,
    ) -> Fanout;
    /// Adds a member; returns true if it is its user's first socket in the group.
    fn subscribe(&self, group: &str, member: Member) -> bool;
    /// Removes a member; returns true if it was its user's last socket in the group.
    fn leave(&self, group: &str, member_id: u64, user_id: i64) -> bool;
    /// Tells every member of `group` that something it shows changed (list feeds refresh).
    fn nudge(&self, group: &str);
    /// Asks every member of `group` to close.
    fn close(&self, group: &str, close: &Close) -> usize;
    /// How many sockets are in `group`.
    fn size(&self, group: &str) -> usize;
    /// The users with at least one socket in `group` (a chat's viewers).
    fn users(&self, group: &str) -> Vec<i64>;
}

/// In-process groups: a map of group name to members, each group behind its own short lock.
pub struct LocalGroups {
    /// Std locks, never held across `.await`: publish holds the map's read lock only to clone
    /// one group's `Arc`, then that group's mutex while it `try_send`s to each member.
    groups: RwLock<HashMap<Box<str>, Arc<Mutex<Group>>>>,
    /// The close code of a socket whose queue overflowed (the client resumes with `after_id`).
    overflow_code: u16,
}

#[derive(Default)]
struct Group {
    members: Vec<Member>,
    per_user: HashMap<i64, usize>,
}

impl LocalGroups {
    #[must_use]
    pub fn new(overflow_code: u16) -> Self {
        Self {
            groups: RwLock::default(),
            overflow_code,
        }
    }

    fn group(&self, name: &str) -> Option<Arc<Mutex<Group>>> {
        self.groups
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
    }
}

impl Groups for LocalGroups {
    fn publish(
        &self,
        group: &str,
        frame: &Frame,
        delivery: Delivery,
        except_user: Option<i64>,
    ) -> Fanout {
        let mut fanout = Fanout::default();
        let Some(group) = self.group(group) else {
            return fanout;
        };
        let group = group.lock().unwrap_or_else(PoisonError::into_inner);
        for member in &group.members {
            if Some(member.user_id) == except_user {
                continue;
            }
            match member.queue.try_send(Frame::clone(frame)) {
                Ok(()) => fanout.delivered += 1,
                Err(TrySendError::Full(_)) if delivery == Delivery::Ephemeral => {
                    fanout.dropped += 1;
                    member.stats.dropped_one();
                }
                Err(TrySendError::Full(_)) => {
                    fanout.overflowed += 1;
                    member.closer.close(Close::new(
                        self.overflow_code,
                        "too slow; resume with after_id",
                    ));
                }
                Err(TrySendError::Closed(_)) => {}
            }
        }
        fanout
    }

    fn subscribe(&self, group: &str, member: Member) -> bool {
        let mut groups = self.groups.write().unwrap_or_else(PoisonError::into_inner);
        let entry = groups.entry(group.into()).or_default();
        let mut group = entry.lock().unwrap_or_else(PoisonError::into_inner);
        let count = group.per_user.entry(member.user_id).or_insert(0);
        *count += 1;
        let first = *count == 1;
        group.members.push(member);
        first
    }

    fn leave(&self, group: &str, member_id: u64, user_id: i64) -> bool {
        let mut groups = self.groups.write().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = groups.get(group) else {
            return false;
        };
        let (last, empty) = {
            let mut g = entry.lock().unwrap_or_else(PoisonError::into_inner);
            let before = g.members.len();
            g.members.retain(|m| m.id != member_id);
            let mut last = false;
            if g.members.len() < before
                && let Some(count) = g.per_user.get_mut(&user_id)
            {
                *count -= 1;
                if *count == 0 {
                    g.per_user.remove(&user_id);
                    last = true;
                }
            }
            (last, g.members.is_empty())
        };
        if empty {
            groups.remove(group);
        }
        last
    }

    fn nudge(&self, group: &str) {
        if let Some(g) = self.group(group) {
            for member in &g.lock().unwrap_or_else(PoisonError::into_inner).members {
                member.nudge.notify_one();
            }
        }
    }

    fn close(&self, group: &str, close: &Close) -> usize {
        self.group(group).map_or(0, |g| {
            let g = g.lock().unwrap_or_else(PoisonError::into_inner);
            for member in &g.members {
                member.closer.close(close.clone());
            }
            g.members.len()
        })
    }

    fn size(&self, group: &str) -> usize {
        self.group(group).map_or(0, |g| {
            g.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .members
                .len()
        })
    }

    fn users(&self, group: &str) -> Vec<i64> {
        self.group(group).map_or_else(Vec::new, |g| {
            let g = g.lock().unwrap_or_else(PoisonError::into_inner);
            let mut users: Vec<i64> = g.per_user.keys().copied().collect();
            users.sort_unstable();
            users
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::codes::close;

    fn member(id: u64, user_id: i64, capacity: usize) -> (Member, mpsc::Receiver<Frame>) {
        let (queue, rx) = mpsc::channel(capacity);
        let closer = Arc::new(Closer::default());
        (
            Member {
                id,
                user_id,
                queue,
                closer,
                nudge: Arc::new(Notify::new()),
                stats: Arc::default(),
            },
            rx,
        )
    }

    #[test]
    fn publish_reaches_members_except_the_named_user() {
        let groups = LocalGroups::new(close::TRY_AGAIN_LATER);
        let (a, mut ra) = member(1, 10, 4);
        let (b, mut rb) = member(2, 20, 4);
        assert!(groups.subscribe("g", a));
        assert!(groups.subscribe("g", b));
        let frame: Frame = "x".into();
        assert_eq!(
            groups
                .publish("g", &frame, Delivery::Durable, Some(10))
                .delivered,
            1
        );
        assert!(ra.try_recv().is_err());
        assert_eq!(&*rb.try_recv().unwrap(), "x");
    }

    #[test]
    fn full_queues_drop_ephemera_and_close_on_durable_frames() {
        let groups = LocalGroups::new(close::TRY_AGAIN_LATER);
        let (a, _ra) = member(1, 10, 1);
        let closer = Arc::clone(&a.closer);
        groups.subscribe("g", a);
        let frame: Frame = "x".into();
        groups.publish("g", &frame, Delivery::Durable, None);
        assert_eq!(
            groups
                .publish("g", &frame, Delivery::Ephemeral, None)
                .dropped,
            1
        );
        assert!(closer.requested().is_none());
        assert_eq!(
            groups
                .publish("g", &frame, Delivery::Durable, None)
                .overflowed,
            1
        );
        assert_eq!(closer.requested().unwrap().code, close::TRY_AGAIN_LATER);
    }

    #[test]
    fn per_user_counts_and_empty_groups_go_away() {
        let groups = LocalGroups::new(close::TRY_AGAIN_LATER);
        let (a, _ra) = member(1, 10, 1);
        let (b, _rb) = member(2, 10, 1);
        assert!(groups.subscribe("g", a));
        assert!(!groups.subscribe("g", b));
        assert!(!groups.leave("g", 1, 10));
        assert!(groups.leave("g", 2, 10));
        assert_eq!(groups.size("g"), 0);
        assert!(groups.groups.read().unwrap().is_empty());
    }
}
