//! A conversation together with what its list entry shows: its customer and newest message.

use rusqlite::Connection;

use super::StoreResult;
use super::conversations::{self, ConversationRow};
use super::customers::{self, CustomerRow};
use super::messages::{self, MessageRow};

/// A conversation with its customer and newest message.
#[derive(Debug, Clone)]
pub struct ConversationSummary {
    pub conversation: ConversationRow,
    pub customer: CustomerRow,
    pub last_message: Option<MessageRow>,
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
        conversation,
        customer,
        last_message,
    })
}
