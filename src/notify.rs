//! What each stored change tells the feeds. Socket and REST paths both call these after their
//! write committed, so the same change always publishes the same frames (persist, then publish).

use crate::clock;
use crate::hub::{Close, Hub};
use crate::protocol::Frame;
use crate::protocol::codes::close;
use crate::protocol::server::{FeedbackData, ServerFrame};
use crate::protocol::views::{ConversationView, MessageView};
use crate::storage::messages::{MessageRow, Stored};

/// The workspace-wide group of conversation-list sockets.
pub const CONVERSATIONS: &str = "conversations";
/// The workspace-wide group of customer-list sockets.
pub const CUSTOMERS: &str = "customers";

/// The group of sockets viewing one conversation.
#[must_use]
pub fn chat_group(conversation_id: &str) -> String {
    format!("chat_{conversation_id}")
}

/// The `chat_message` frame of a stored message.
#[must_use]
pub fn chat_message_frame(stored: &Stored, client_msg_id: Option<&str>) -> Frame {
    ServerFrame::ChatMessage {
        message: MessageView::from(stored),
        external_send_result: None,
        client_msg_id: client_msg_id.map(str::to_owned),
    }
    .encode()
}

/// A new message was stored: everyone viewing the conversation gets it, and list feeds learn
/// that a customer wrote. Returns the `chat_message` frame (a duplicate send re-sends it to the
/// sender only; nothing is published for a duplicate).
pub fn message_stored(hub: &Hub, stored: &Stored, client_msg_id: Option<&str>) -> Frame {
    let frame = chat_message_frame(stored, client_msg_id);
    if stored.duplicate {
        return frame;
    }
    hub.publish(&chat_group(&stored.conversation.id), &frame);
    if stored.message.kind == "customer" {
        let note = ServerFrame::NewCustomerMessage {
            conversation_id: stored.conversation.id.clone(),
            message: MessageView::from(stored),
        };
        hub.publish(CONVERSATIONS, &note.encode());
    }
    frame
}

/// Someone marked a conversation read.
pub fn messages_read(hub: &Hub, conversation_id: &str, user_id: i64) {
    hub.publish(
        &chat_group(conversation_id),
        &ServerFrame::MessagesRead { user_id }.encode(),
    );
}

/// Feedback on a message changed; returns the `feedback_submitted` reply for the sender.
pub fn feedback_updated(hub: &Hub, conversation_id: &str, asked_id: &str, m: &MessageRow) -> Frame {
    let feedback_at = m.feedback_at.as_deref().map(clock::db_to_wire);
    let update = ServerFrame::FeedbackUpdated {
        message_id: asked_id.to_owned(),
        feedback: m.feedback.clone(),
        comment: m.feedback_comment.clone(),
        feedback_at: feedback_at.clone(),
    };
    hub.publish(&chat_group(conversation_id), &update.encode());
    ServerFrame::FeedbackSubmitted {
        success: true,
        data: FeedbackData {
            message_id: m.id.clone(),
            feedback: m.feedback.clone(),
            comment: m.feedback_comment.clone(),
            feedback_at,
        },
    }
    .encode()
}

/// A conversation changed (status, assignment): list feeds get the new state.
pub fn conversation_updated(hub: &Hub, conversation: ConversationView) {
    hub.publish(
        CONVERSATIONS,
        &ServerFrame::ConversationUpdated {
            conversation: Box::new(conversation),
        }
        .encode(),
    );
}

/// A conversation was deleted: its viewers get `conversation_deleted`, then a 1000 close.
pub fn conversation_deleted(hub: &Hub, conversation_id: &str) {
    let frame = ServerFrame::ConversationDeleted {
        conversation_id: conversation_id.to_owned(),
        timestamp: clock::now_wire(),
        message: "This conversation has been deleted",
    }
    .encode();
    hub.close_group(
        &chat_group(conversation_id),
        &Close {
            last_frame: Some(frame),
            code: close::NORMAL,
            reason: "conversation deleted",
        },
    );
}
