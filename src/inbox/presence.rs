//! Presence as stored: a user came online (first socket) or went offline (last socket closed
//! and the grace period passed). The presence task decides when; this records and announces it.
//! Also who else has a conversation open, for a chat socket that just joined.

use super::{Inbox, InboxResult, publish};
use crate::storage::users::{self, UserRef};

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

    /// The users other than `viewer` with a socket on the conversation, named, by id.
    pub async fn viewers(&self, conversation_id: &str, viewer: i64) -> InboxResult<Vec<UserRef>> {
        let ids: Vec<i64> = self
            .hub
            .group_users(&publish::chat_group(conversation_id))
            .into_iter()
            .filter(|id| *id != viewer)
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let names = self.store.read(move |c| users::names(c, &ids)).await?;
        let mut viewers: Vec<UserRef> = names
            .into_iter()
            .map(|(id, name)| UserRef { id, name })
            .collect();
        viewers.sort_by_key(|u| u.id);
        Ok(viewers)
    }
}
