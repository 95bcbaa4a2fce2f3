//! Frames the server sends, one serde-tagged enum, serialized once per fan-out.

use serde::Serialize;
use serde_json::{Map, Value};

use super::Frame;
use super::counts::CountsView;
use super::lists::{ConversationMenus, CustomerListView, CustomerMenus, OnlineUser};
use super::pagination::Pagination;
use super::views::{ConversationView, CustomerView, MessageView};
use crate::clock;

/// The bare error frame for text that is not JSON (PROTOCOL §7.1, shape 1).
pub const INVALID_JSON: &str = r#"{"error":"Invalid JSON format"}"#;

/// Welcome text of the chat feed.
pub const CHAT_CONNECTED: &str = "✅ Chat WebSocket connected successfully";
/// Welcome text of the conversation list feed.
pub const CONVERSATIONS_CONNECTED: &str = "✅ Conversation List WebSocket connected successfully";
/// Welcome text of the customer list feed.
pub const CUSTOMERS_CONNECTED: &str = "✅ Customer List WebSocket connected successfully";

/// Every frame the server sends on a socket.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// First frame after a successful upgrade.
    ConnectionEstablished {
        message: &'static str,
        /// The conversation, on the chat feed only.
        #[serde(skip_serializing_if = "Option::is_none")]
        conversation_id: Option<String>,
        timestamp: String,
    },
    /// The one frame before a 4001 close.
    AuthenticationError {
        message: &'static str,
        /// Machine code (`AUTH_REQUIRED`, `INVALID_TOKEN`, …).
        error_code: &'static str,
        /// Why, for the sign-in page's words (`expired`, `signed_out`, `password_changed`, …).
        reason: &'static str,
        timestamp: String,
    },
    /// A page of history, oldest first.
    RecentMessages {
        messages: Vec<MessageView>,
        pagination: Pagination,
        /// Same as `pagination.count`.
        count: i64,
        /// Same as `pagination.page_count`.
        page_count: i64,
        timestamp: String,
    },
    /// A new message in the conversation.
    ChatMessage {
        message: MessageView,
        /// The delivery state for a message that goes out through a channel, else null.
        external_send_result: Option<Value>,
        /// The sender's idempotency key, when it gave one.
        #[serde(skip_serializing_if = "Option::is_none")]
        client_msg_id: Option<String>,
    },
    /// A message's delivery state through a channel changed (PROTOCOL §13).
    MessageStatus {
        conversation_id: String,
        message_id: String,
        processing_status: String,
        external_send_result: Option<Value>,
        timestamp: String,
    },
    /// A customer edited a message on their platform; `message` is it as stored now.
    MessageEdited {
        conversation_id: String,
        message: MessageView,
        timestamp: String,
    },
    /// Someone marked the conversation read.
    MessagesRead { user_id: i64 },
    /// A user's first socket on the conversation opened, or their last one closed.
    UserPresence {
        user_id: i64,
        username: String,
        is_online: bool,
        timestamp: String,
    },
    /// Who else has the conversation open, once right after `connection_established` on the
    /// chat feed (additive, PROTOCOL §4.3); `user_presence` frames follow the changes.
    ChatViewers {
        viewers: Vec<Viewer>,
        timestamp: String,
    },
    /// Someone started or stopped typing.
    Typing {
        /// Who (a string, as PROTOCOL §4 shows).
        user_id: String,
        username: String,
        is_typing: bool,
        timestamp: String,
    },
    /// Reply to the sender of `submit_feedback`.
    FeedbackSubmitted {
        /// Always true.
        success: bool,
        data: FeedbackData,
    },
    /// Feedback changed, for everyone viewing the conversation.
    FeedbackUpdated {
        /// The message id the client gave.
        message_id: String,
        feedback: String,
        comment: String,
        feedback_at: Option<String>,
    },
    /// The conversation was deleted; the socket closes with 1000 next.
    ConversationDeleted {
        conversation_id: String,
        timestamp: String,
        message: &'static str,
    },
    /// A customer wrote (list feeds; additive, PROTOCOL §5).
    NewCustomerMessage {
        conversation_id: String,
        message: MessageView,
    },
    /// A conversation changed (list feeds; additive, PROTOCOL §5).
    ConversationUpdated { conversation: Box<ConversationView> },
    /// A page of the conversation list.
    ConversationsList {
        conversations: Vec<ConversationView>,
        pagination: Pagination,
        /// The effective filters, echoed.
        filters: Map<String, Value>,
        /// Same as `pagination.count`.
        count: i64,
        /// Same as `pagination.page_count`.
        page_count: i64,
        /// The Mine / Unassigned / All counts (additive, PROTOCOL §5.2).
        counts: CountsView,
        /// Last, so a list socket's digest of what it shows can leave it out.
        timestamp: String,
    },
    /// The conversation list's filter menus.
    ConversationFilterOptions {
        options: ConversationMenus,
        timestamp: String,
    },
    /// A page of the customer list.
    CustomersList {
        customers: Vec<CustomerListView>,
        pagination: Pagination,
        /// The effective filters, echoed.
        filters: Map<String, Value>,
        /// Same as `pagination.count`.
        count: i64,
        /// Same as `pagination.page_count`.
        page_count: i64,
        timestamp: String,
    },
    /// The customer list's filter menus.
    FilterOptions {
        options: CustomerMenus,
        timestamp: String,
    },
    /// Who is online, once after the conversation list snapshot.
    OnlineUsers { users: Vec<OnlineUser> },
    NewCustomer {
        customer: Box<CustomerView>,
        timestamp: String,
    },
    /// Reply to an application `ping`.
    Pong { timestamp: String },
    /// The setup checklist (PROTOCOL §6a).
    WizardStatus(Box<crate::protocol::setup::WizardStatus>),
    /// A request was refused; the socket stays open.
    Error { error: String },
}

/// `feedback_submitted.data`.
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackData {
    pub message_id: String,
    pub feedback: String,
    pub comment: String,
    /// When (`+00:00` form).
    pub feedback_at: Option<String>,
}

/// A load failure or timeout: `{"type":"error","message":…,"timestamp":…}` (PROTOCOL §7.1).
#[derive(Debug, Clone, Serialize)]
pub struct LoadError {
    #[serde(rename = "type")]
    kind: &'static str,
    message: String,
    timestamp: String,
}

impl LoadError {
    /// A load failure with this text.
    #[must_use]
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            kind: "error",
            message: message.into(),
            timestamp: clock::now_wire(),
        }
    }
}

impl ServerFrame {
    /// An error frame with this text.
    #[must_use]
    pub fn error(text: impl Into<String>) -> Self {
        Self::Error { error: text.into() }
    }

    /// Serializes the frame once, for every socket it goes to.
    #[must_use]
    pub fn encode(&self) -> Frame {
        encode(self)
    }
}

/// Serializes any frame; our types cannot fail to serialize, but if one did the client would
/// get a load error rather than nothing.
#[must_use]
pub fn encode<T: Serialize>(value: &T) -> Frame {
    match serde_json::to_string(value) {
        Ok(text) => text.into(),
        Err(e) => {
            tracing::error!("could not serialize a frame: {e}");
            r#"{"type":"error","error":"Internal error"}"#.into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_established_omits_the_id_on_list_feeds() {
        let f = ServerFrame::ConnectionEstablished {
            message: CONVERSATIONS_CONNECTED,
            conversation_id: None,
            timestamp: "t".into(),
        }
        .encode();
        let v: Value = serde_json::from_str(&f).unwrap();
        assert_eq!(v["type"], "connection_established");
        assert!(v.get("conversation_id").is_none());
    }

    #[test]
    fn error_shapes() {
        let v: Value = serde_json::from_str(&ServerFrame::error("x").encode()).unwrap();
        assert_eq!(v, serde_json::json!({"type": "error", "error": "x"}));
        let v: Value = serde_json::from_str(&encode(&LoadError::new("y"))).unwrap();
        assert_eq!(
            (v["type"].as_str(), v["message"].as_str()),
            (Some("error"), Some("y"))
        );
        let v: Value = serde_json::from_str(INVALID_JSON).unwrap();
        assert_eq!(v, serde_json::json!({"error": "Invalid JSON format"}));
    }
}

/// One user in `chat_viewers`, named as in `user_presence`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    pub username: String,
}
