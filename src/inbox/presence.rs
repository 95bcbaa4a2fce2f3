//! Presence as stored: a user came online (first socket) or went offline (last socket closed
//! and the grace period passed). The presence task decides when; this records and announces it.

use super::{Inbox, InboxResult, publish};
use crate::storage::users;

impl Inbox {
    /// Stores a user's presence and tells both lists.
    pub async fn set_presence(&self, user_id: i64, online: bool) -> InboxResult<()> {
        let row = self
            .store
            .write(move |c| users::set_presence(c, user_id, online))
            .await?;
        let word = if online { "online" } else { "offline" };
        tracing::info!("{} is {word}", row.username);
        publish::presence_changed(&self.hub, &row);
        Ok(())
    }
}
