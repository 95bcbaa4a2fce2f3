//! What each stored change tells the feeds. The inbox calls these after its write committed, so
//! the same change always publishes the same frames, whichever transport asked for it.
//!
//! Chat frames must arrive (a full queue closes the socket with 1013 so the client resumes).
//! List feeds are nudged to re-send their page with their own filters; the additive frames they
//! also get (`conversation_updated`, `new_customer_message`, `new_customer`, `user_presence`) are
//! ephemeral, because the next list frame carries the same truth.

use crate::clock;
use crate::hub::{Close, Hub};
use crate::protocol::Frame;
use crate::protocol::codes::close;
use crate::protocol::server::{FeedbackData, ServerFrame};
use crate::protocol::views::{ConversationView, CustomerView, MessageView, send_result};
use crate::storage::customers::CustomerRow;
use crate::storage::messages::{MessageRow, NOTE, Stored};
use crate::storage::summary::ConversationSummary;
use crate::storage::users::UserRow;

/// The group of every conversation-list socket.
pub const CONVERSATIONS: &str = "conversations";
/// The group of every customer-list socket.
pub const CUSTOMERS: &str = "customers";

/// The group of sockets viewing one conversation.
#[must_use]
pub fn chat_group(conversation_id: &str) -> String {
    format!("chat_{conversation_id}")
}

/// Both list feeds refresh.
fn lists_changed(hub: &Hub) {
    hub.nudge(CONVERSATIONS);
    hub.nudge(CUSTOMERS);
}

/// The `chat_message` frame of a stored message.
#[must_use]
pub fn chat_message_frame(stored: &Stored, client_msg_id: Option<&str>) -> Frame {
    ServerFrame::ChatMessage {
        message: MessageView::from(stored),
        external_send_result: send_result(&stored.message),
        client_msg_id: client_msg_id.map(str::to_owned),
    }
    .encode()
}

/// A new message was stored: everyone viewing the conversation gets it and the lists refresh.
/// Returns the `chat_message` frame (a duplicate send re-sends it to the sender only; nothing
/// is published for a duplicate).
pub fn message_stored(hub: &Hub, stored: &Stored, client_msg_id: Option<&str>) -> Frame {
    let frame = chat_message_frame(stored, client_msg_id);
    if stored.duplicate {
        return frame;
    }
    hub.publish(&chat_group(&stored.conversation.id), &frame);
    if stored.message.kind == NOTE {
        return frame;
    }
    lists_changed(hub);
    if hub.group_size(CONVERSATIONS) > 0 {
        if stored.message.kind == "customer" {
            let note = ServerFrame::NewCustomerMessage {
                conversation_id: stored.conversation.id.clone(),
                message: MessageView::from(stored),
            };
            hub.publish_ephemeral(CONVERSATIONS, &note.encode(), None);
        }
        publish_update(hub, &ConversationSummary::from(stored));
    }
    frame
}

/// A message's delivery state changed: its viewers get `message_status`; the lists get the
/// conversation when it is the newest message (its `processing_status` shows there).
pub fn message_status(hub: &Hub, message: &MessageRow, summary: &ConversationSummary) {
    let frame = ServerFrame::MessageStatus {
        conversation_id: message.conversation_id.clone(),
        message_id: message.id.clone(),
        processing_status: message.processing_status.clone(),
        external_send_result: send_result(message),
        timestamp: clock::now_wire(),
    };
    hub.publish(&chat_group(&message.conversation_id), &frame.encode());
    if summary.conversation.last_message_seq == Some(message.seq) {
        conversation_updated(hub, summary);
    }
}

/// A customer edited a message: its viewers get it as stored now.
pub fn message_edited(hub: &Hub, summary: &ConversationSummary, message: &MessageRow) {
    let customer = std::sync::Arc::new(CustomerView::from(&summary.customer));
    let frame = ServerFrame::MessageEdited {
        conversation_id: message.conversation_id.clone(),
        message: MessageView::new(message, Some(customer)),
        timestamp: clock::now_wire(),
    };
    hub.publish(&chat_group(&message.conversation_id), &frame.encode());
    if summary.conversation.last_message_seq == Some(message.seq) {
        conversation_updated(hub, summary);
    }
}

/// Someone marked a conversation read: its viewers learn who, the lists' unread counts change.
pub fn messages_read(hub: &Hub, summary: &ConversationSummary, user_id: i64) {
    hub.publish(
        &chat_group(&summary.conversation.id),
        &ServerFrame::MessagesRead { user_id }.encode(),
    );
    conversation_updated(hub, summary);
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

/// A conversation's status or assignment changed: its viewers and the list feeds get its new
/// state as `conversation_updated`.
pub fn conversation_changed(hub: &Hub, summary: &ConversationSummary) {
    let frame = ServerFrame::ConversationUpdated {
        conversation: Box::new(ConversationView::from(summary)),
    }
    .encode();
    hub.publish(&chat_group(&summary.conversation.id), &frame);
    lists_changed(hub);
    hub.publish_ephemeral(CONVERSATIONS, &frame, None);
}

/// A conversation changed (read, a delivery): list feeds get its new state.
pub fn conversation_updated(hub: &Hub, summary: &ConversationSummary) {
    lists_changed(hub);
    if hub.group_size(CONVERSATIONS) > 0 {
        publish_update(hub, summary);
    }
}

fn publish_update(hub: &Hub, summary: &ConversationSummary) {
    let frame = ServerFrame::ConversationUpdated {
        conversation: Box::new(ConversationView::from(summary)),
    };
    hub.publish_ephemeral(CONVERSATIONS, &frame.encode(), None);
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
    lists_changed(hub);
}

pub fn customer_created(hub: &Hub, customer: &CustomerRow) {
    let frame = ServerFrame::NewCustomer {
        customer: Box::new(CustomerView::from(customer)),
        timestamp: clock::now_wire(),
    };
    hub.publish_ephemeral(CUSTOMERS, &frame.encode(), None);
    lists_changed(hub);
}

/// A customer's details changed.
pub fn customer_changed(hub: &Hub) {
    lists_changed(hub);
}

/// A user came online (first socket) or went offline (last socket closed, grace passed).
pub fn presence_changed(hub: &Hub, user: &UserRow) {
    let frame = ServerFrame::UserPresence {
        user_id: user.id,
        username: user.display_name(),
        is_online: user.is_online,
        timestamp: clock::now_wire(),
    }
    .encode();
    hub.publish_ephemeral(CONVERSATIONS, &frame, None);
    hub.publish_ephemeral(CUSTOMERS, &frame, None);
}

/// Someone started or stopped typing: the conversation's other viewers learn it, or miss it.
pub fn typing(hub: &Hub, conversation_id: &str, user: &UserRow, is_typing: bool) {
    let frame = ServerFrame::Typing {
        user_id: user.id.to_string(),
        username: user.display_name(),
        is_typing,
        timestamp: clock::now_wire(),
    };
    hub.publish_ephemeral(&chat_group(conversation_id), &frame.encode(), Some(user.id));
}
