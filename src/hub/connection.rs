//! The guards a socket holds: its registration and its group memberships. Dropping them is the
//! cleanup, so a socket that panics or vanishes still leaves its groups and frees its slot.

use super::{Announce, Closer, Hub, Member, SocketInfo, SocketStats};

/// A registered socket; dropping it unregisters the socket.
pub struct Connection {
    hub: Hub,
    member: Member,
}

impl Connection {
    pub(super) fn new(hub: Hub, member: Member) -> Self {
        Self { hub, member }
    }

    /// The socket's close signal.
    #[must_use]
    pub fn closer(&self) -> &Closer {
        &self.member.closer
    }

    /// Completes when a group this socket is in was nudged since the last call.
    pub async fn nudged(&self) {
        self.member.nudge.notified().await;
    }

    /// The socket's counters (ping round trip, frames dropped).
    #[must_use]
    pub fn stats(&self) -> &SocketStats {
        &self.member.stats
    }

    /// Says who and what the socket is, for the admin's connections page.
    pub fn describe(&self, info: SocketInfo) {
        self.hub.describe(self.member.id, info);
    }

    /// Records how the socket ended (`code`, closed by `by`) among the recent closes.
    pub fn record_close(&self, code: u16, by: &'static str) {
        self.hub.record_close(self.member.id, code, by);
    }

    #[must_use]
    pub fn user_id(&self) -> i64 {
        self.member.user_id
    }

    /// Joins `group`; with `announce`, the user's first socket there announces them online to
    /// the other users, and their last one (when dropped) offline.
    #[must_use]
    pub fn join(&self, group: &str, announce: Option<Announce>) -> Membership {
        let first = self.hub.groups().subscribe(group, self.member.clone());
        if first && let Some(announce) = &announce {
            self.hub
                .publish_ephemeral(group, &announce(true), Some(self.member.user_id));
        }
        Membership {
            hub: self.hub.clone(),
            group: group.into(),
            member_id: self.member.id,
            user_id: self.member.user_id,
            announce,
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.hub.unregister(self.member.id, self.member.user_id);
    }
}

/// Membership of one socket in one group; dropping it leaves the group.
pub struct Membership {
    hub: Hub,
    group: String,
    member_id: u64,
    user_id: i64,
    announce: Option<Announce>,
}

impl Drop for Membership {
    fn drop(&mut self) {
        let last = self
            .hub
            .groups()
            .leave(&self.group, self.member_id, self.user_id);
        if last && let Some(announce) = &self.announce {
            self.hub
                .publish_ephemeral(&self.group, &announce(false), Some(self.user_id));
        }
    }
}
