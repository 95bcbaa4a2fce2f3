//! What a delivery attempt works on and how it ended, shared by the delivery task and the
//! channels that send.

use std::time::Duration;

use crate::storage::conversations::ConversationRow;
use crate::storage::customers::CustomerRow;
use crate::storage::messages::MessageRow;
use crate::storage::outbox::OutboxRow;
use crate::storage::users::UserRow;

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Sent {
        message_id: Option<i64>,
        http_status: Option<u16>,
    },
    /// Try again `after` (or by the backoff); `unreachable` when the channel itself was.
    Retry {
        error: String,
        after: Option<Duration>,
        http_status: Option<u16>,
        unreachable: bool,
    },
    Failed {
        error: String,
        http_status: Option<u16>,
    },
}

/// A reply to send, with what sending it needs.
#[derive(Debug, Clone)]
pub struct Job {
    pub row: OutboxRow,
    pub message: MessageRow,
    pub conversation: ConversationRow,
    pub customer: CustomerRow,
    pub sender: Option<UserRow>,
}
