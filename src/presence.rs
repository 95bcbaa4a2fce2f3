//! Workspace presence (PROTOCOL §15): a user is online while at least one of their sockets, on any
//! feed, is open, and goes offline only after the last one closed and a grace period passed, so
//! a page reload does not flicker. One task owns the state; the hub reports first and last
//! sockets; the task stores `is_online`/`last_seen_at` and broadcasts `user_presence`.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::hub::PresenceChange;
use crate::inbox::Inbox;

/// Who is online and who is leaving; pure, so its timing can be tested with paused time.
#[derive(Debug)]
pub struct Tracker {
    grace: Duration,
    online: HashSet<i64>,
    leaving: HashMap<i64, Instant>,
}

impl Tracker {
    /// A tracker keeping leavers online for `grace`.
    #[must_use]
    pub fn new(grace: Duration) -> Self {
        Self {
            grace,
            online: HashSet::new(),
            leaving: HashMap::new(),
        }
    }

    /// A user's first socket opened; true if they were offline until now.
    pub fn connected(&mut self, user: i64) -> bool {
        self.leaving.remove(&user);
        self.online.insert(user)
    }

    /// A user's last socket closed at `now`; they stay online until the grace period passes.
    pub fn disconnected(&mut self, user: i64, now: Instant) {
        if self.online.contains(&user) {
            self.leaving.insert(user, now + self.grace);
        }
    }

    /// When the next leaver goes offline.
    #[must_use]
    pub fn next_due(&self) -> Option<Instant> {
        self.leaving.values().min().copied()
    }

    /// The users whose grace period has passed by `now`; they are offline from here on.
    pub fn due(&mut self, now: Instant) -> Vec<i64> {
        let gone: Vec<i64> = self
            .leaving
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(user, _)| *user)
            .collect();
        for user in &gone {
            self.leaving.remove(user);
            self.online.remove(user);
        }
        gone
    }
}

/// Starts the presence task, keeping leavers online for `grace`; it ends when `stop` changes.
pub fn spawn(
    inbox: &Inbox,
    grace: Duration,
    mut changes: mpsc::UnboundedReceiver<PresenceChange>,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let inbox = inbox.clone();
    tokio::spawn(async move {
        let mut tracker = Tracker::new(grace);
        let far = Instant::now() + Duration::from_secs(10 * 365 * 86_400);
        loop {
            let due = tracker.next_due().unwrap_or(far);
            tokio::select! {
                _ = stop.changed() => return,
                change = changes.recv() => match change {
                    Some(PresenceChange::Connected(user)) => {
                        if tracker.connected(user) {
                            record(&inbox, user, true).await;
                        }
                    }
                    Some(PresenceChange::Disconnected(user)) => {
                        tracker.disconnected(user, Instant::now());
                    }
                    None => return,
                },
                () = tokio::time::sleep_until(due) => {
                    for user in tracker.due(Instant::now()) {
                        record(&inbox, user, false).await;
                    }
                }
            }
        }
    })
}

async fn record(inbox: &Inbox, user: i64, online: bool) {
    if let Err(e) = inbox.set_presence(user, online).await {
        tracing::warn!("could not record presence of user {user}: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn two_tabs_then_a_reload_then_gone() {
        let mut t = Tracker::new(Duration::from_secs(10));
        assert!(t.connected(1), "the first tab brings the user online");
        t.disconnected(1, Instant::now());
        tokio::time::advance(Duration::from_secs(3)).await;
        assert!(
            !t.connected(1),
            "a reload within the grace period changes nothing"
        );
        assert!(t.due(Instant::now()).is_empty());
        t.disconnected(1, Instant::now());
        tokio::time::advance(Duration::from_secs(9)).await;
        assert!(
            t.due(Instant::now()).is_empty(),
            "still within the grace period"
        );
        assert_eq!(t.next_due(), Some(Instant::now() + Duration::from_secs(1)));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(t.due(Instant::now()), vec![1]);
        assert!(t.connected(1), "coming back after that is a new arrival");
    }
}
