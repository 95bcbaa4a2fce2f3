//! A conversation together with what its list entry shows: its customer, newest message and
//! assigned agent.

use rusqlite::Connection;

use super::StoreResult;
use super::conversations::{self, ConversationRow};
use super::customers::{self, CustomerRow};
use super::messages::{self, MessageRow, Stored};
use super::users::{self, UserRef};

/// A conversation with its customer and newest message.
#[derive(Debug, Clone)]
pub struct ConversationSummary {
    pub conversation: ConversationRow,
    pub customer: CustomerRow,
    pub last_message: Option<MessageRow>,
    /// The assigned agent.
    pub assignee: Option<UserRef>,
}

/// The conversation with its customer, newest message and unread count.
pub fn summary(conn: &Connection, id: &str) -> StoreResult<ConversationSummary> {
    let conversation = conversations::get(conn, id)?;
    let customer = customers::get(conn, conversation.customer_id)?;
    let last_message = match conversation.last_message_seq {
        Some(seq) => Some(messages::by_seq(conn, seq)?),
        None => None,
    };
    Ok(ConversationSummary {
        assignee: users::user_ref(conn, conversation.user_id)?,
        conversation,
        customer,
        last_message,
    })
}

impl From<&Stored> for ConversationSummary {
    /// The conversation a message was just stored in, as it is after the write.
    fn from(stored: &Stored) -> Self {
        let newest = stored.conversation.last_message_seq == Some(stored.message.seq);
        Self {
            conversation: stored.conversation.clone(),
            customer: stored.customer.clone(),
            last_message: newest.then(|| stored.message.clone()),
            assignee: stored.assignee.clone(),
        }
    }
}
