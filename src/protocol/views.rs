//! Wire shapes of stored objects (PROTOCOL §12), built from storage rows with `From`.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::clock;
use crate::storage::customers::CustomerRow;
use crate::storage::messages::{MessageRow, Stored};
use crate::storage::summary::ConversationSummary;
use crate::storage::tags::TagRow;
use crate::storage::users::{UserRef, UserRow};

/// A tag inside `customer.tag`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TagView {
    pub id: i64,
    pub name: String,
    pub created_by: Option<i64>,
    pub created_at: Option<String>,
}

/// `WSCustomer`: the customer object inside messages and conversations.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CustomerView {
    /// Customer id (an integer on the wire).
    pub id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub username: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    pub phone_number: Option<String>,
    pub description: Option<String>,
    pub source: String,
    pub source_id: Option<String>,
    pub profile_picture: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Tags (singular key, as the original).
    pub tag: Vec<TagView>,
    /// Free-form object, never null.
    pub data: Value,
}

/// `WSMessage`: one message on the wire.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MessageView {
    pub id: String,
    pub content: String,
    /// `customer`, `AI`, `support`, `marketing` or `note` (an internal note, PROTOCOL §12.2).
    #[serde(rename = "type")]
    pub kind: String,
    /// The user who wrote it (support, marketing, note), or null.
    pub author: Option<UserRefView>,
    /// The conversation's customer (shared by every message of one fan-out or page).
    pub customer: Option<Arc<CustomerView>>,
    pub conversation_id: String,
    /// Whether an AI wrote it.
    pub is_ai_response: bool,
    /// Whether it was answered.
    pub is_answered: bool,
    pub created_at: String,
    pub feedback: String,
    pub feedback_comment: String,
    pub feedback_at: Option<String>,
    /// `text`, `voice`, …
    pub message_type: String,
    pub media_url: Option<String>,
    pub media_file: Option<String>,
    /// `pending`, `completed` or `failed`: the delivery out through a channel.
    pub processing_status: String,
    pub transcription: Option<String>,
    /// The delivery state through a channel (PROTOCOL §13), or null when nothing goes out.
    pub external_send_result: Option<Value>,
    /// A file's original name, size and type: `{"name", "size", "content_type"}`, or null.
    pub attachment: Option<Value>,
}

/// The short `last_message` object inside a conversation.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LastMessageView {
    pub id: String,
    pub content: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Creation time (`+00:00` form).
    pub created_at: String,
    pub feedback: String,
    pub feedback_comment: String,
    pub feedback_at: Option<String>,
    /// The delivery state out through a channel (`pending`, `completed`, `failed`).
    pub processing_status: String,
}

/// `WSConversation`: one conversation as lists and REST show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConversationView {
    pub id: String,
    pub title: Option<String>,
    pub status: String,
    pub customer: CustomerView,
    pub priority: i64,
    pub source: String,
    pub is_active: bool,
    pub created_at: String,
    pub updated_at: String,
    /// Newest message, or null.
    pub last_message: Option<LastMessageView>,
    /// Customer messages not yet answered.
    pub unread_count: i64,
    /// The assigned agent's id, or null.
    pub assigned_to: Option<i64>,
    /// The assigned agent, or null.
    pub assignee: Option<UserRefView>,
    /// The longest reply its channel takes (PROTOCOL §4.2).
    pub max_message_chars: usize,
}

/// A user named inside another object: a message's `author`, a conversation's `assignee`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UserRefView {
    pub id: i64,
    /// Display name: "first last", else the sign-in name.
    pub username: String,
}

impl From<&UserRef> for UserRefView {
    fn from(u: &UserRef) -> Self {
        Self {
            id: u.id,
            username: u.name.clone(),
        }
    }
}

/// A user as the REST API and presence frames show it; never the password hash.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UserView {
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// E-mail.
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// `admin` or `agent`.
    pub role: &'static str,
    /// Whether the user may sign in.
    pub is_active: bool,
    /// Whether one of the user's sockets is open.
    pub is_online: bool,
    pub last_seen: Option<String>,
    pub created_at: String,
}

impl From<&TagRow> for TagView {
    fn from(t: &TagRow) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            created_by: t.created_by,
            created_at: t.created_at.clone(),
        }
    }
}

impl From<&CustomerRow> for CustomerView {
    fn from(c: &CustomerRow) -> Self {
        Self {
            id: c.id,
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            username: c.username.clone(),
            email: c.email.clone(),
            phone_number: c.phone_number.clone(),
            description: c.description.clone(),
            source: c.source.clone(),
            source_id: c.source_id.clone(),
            profile_picture: c.profile_picture.clone(),
            created_at: c.created_at.clone(),
            updated_at: c.updated_at.clone(),
            tag: c.tags.iter().map(TagView::from).collect(),
            data: serde_json::from_str(&c.data)
                .ok()
                .filter(Value::is_object)
                .unwrap_or_else(|| Value::Object(serde_json::Map::new())),
        }
    }
}

impl MessageView {
    /// The wire form of a message whose conversation's customer is `customer`.
    #[must_use]
    pub fn new(m: &MessageRow, customer: Option<Arc<CustomerView>>) -> Self {
        Self {
            id: m.id.clone(),
            content: m.content.clone(),
            kind: m.kind.clone(),
            author: m.author.as_ref().map(UserRefView::from),
            customer,
            conversation_id: m.conversation_id.clone(),
            is_ai_response: m.is_ai_response,
            is_answered: m.is_answered,
            created_at: m.created_at.clone(),
            feedback: m.feedback.clone(),
            feedback_comment: m.feedback_comment.clone(),
            feedback_at: m.feedback_at.clone(),
            message_type: m.message_type.clone(),
            media_url: m.media_url.clone(),
            media_file: m.media_file.clone(),
            processing_status: m.processing_status.clone(),
            transcription: m.transcription.clone(),
            external_send_result: send_result(m),
            attachment: m
                .metadata
                .as_deref()
                .and_then(|j| serde_json::from_str::<Value>(j).ok())
                .and_then(|mut v| v.get_mut("attachment").map(Value::take))
                .filter(Value::is_object),
        }
    }
}

/// A message's stored delivery state as the wire's object.
#[must_use]
pub fn send_result(m: &MessageRow) -> Option<Value> {
    m.external_send_result
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
}

impl From<&Stored> for MessageView {
    fn from(stored: &Stored) -> Self {
        let customer = Arc::new(CustomerView::from(&stored.customer));
        Self::new(&stored.message, Some(customer))
    }
}

impl From<&MessageRow> for LastMessageView {
    fn from(m: &MessageRow) -> Self {
        Self {
            id: m.id.clone(),
            content: m.content.clone(),
            kind: m.kind.clone(),
            created_at: clock::db_to_wire(&m.created_at),
            feedback: m.feedback.clone(),
            feedback_comment: m.feedback_comment.clone(),
            feedback_at: m.feedback_at.clone(),
            processing_status: m.processing_status.clone(),
        }
    }
}

impl From<&ConversationSummary> for ConversationView {
    fn from(s: &ConversationSummary) -> Self {
        let c = &s.conversation;
        Self {
            id: c.id.clone(),
            title: c.title.clone(),
            status: c.status.clone(),
            customer: CustomerView::from(&s.customer),
            priority: c.priority,
            source: c.source.clone(),
            is_active: c.is_active,
            created_at: c.created_at.clone(),
            updated_at: c.updated_at.clone(),
            last_message: s.last_message.as_ref().map(LastMessageView::from),
            unread_count: c.unread_count,
            assigned_to: c.user_id,
            assignee: s.assignee.as_ref().map(UserRefView::from),
            max_message_chars: super::rules::max_chars(&c.source),
        }
    }
}

impl From<&UserRow> for UserView {
    fn from(u: &UserRow) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            email: u.email.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            role: u.role.as_str(),
            is_active: u.is_active,
            is_online: u.is_online,
            last_seen: u.last_seen_at.clone(),
            created_at: u.created_at.clone(),
        }
    }
}
