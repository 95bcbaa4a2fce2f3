//! The chat feed `/ws/chat/<id>/`: one conversation's history, new messages, read receipts,
//! feedback, typing and presence (PROTOCOL §4, reference §4).

use std::sync::Arc;
use std::time::Instant;

use serde_json::{Map, Value};

use super::session::{Closing, Feed, Outbox};
use crate::clock;
use crate::hub::{Announce, Connection, Membership};
use crate::notify;
use crate::protocol::client::{ChatRequest, HistoryRequest, SendMessage, SubmitFeedback};
use crate::protocol::pagination::{CONNECT_PAGE_SIZE, PageRequest, Pagination};
use crate::protocol::rules::{self, InvalidMessage};
use crate::protocol::server::{LoadError, ServerFrame, encode};
use crate::protocol::views::{CustomerView, MessageView};
use crate::state::AppState;
use crate::storage::history::{self, Window};
use crate::storage::messages::{self, NewMessage};
use crate::storage::users::UserRow;
use crate::storage::{StoreError, conversations, customers};

/// Longest feedback comment kept.
const MAX_COMMENT: usize = 500;

/// One socket's view of one conversation.
pub struct ChatFeed {
    state: AppState,
    conversation_id: String,
    group: String,
    user: UserRow,
    membership: Option<Membership>,
    typing_until: Option<Instant>,
}

impl ChatFeed {
    /// A feed for `user` on `conversation_id`.
    #[must_use]
    pub fn new(state: AppState, conversation_id: String, user: UserRow) -> Self {
        Self {
            group: notify::chat_group(&conversation_id),
            state,
            conversation_id,
            user,
            membership: None,
            typing_until: None,
        }
    }

    fn announce(&self) -> Announce {
        let (user_id, username) = (self.user.id, self.user.display_name());
        Arc::new(move |is_online| {
            ServerFrame::UserPresence {
                user_id,
                username: username.clone(),
                is_online,
                timestamp: clock::now_wire(),
            }
            .encode()
        })
    }

    async fn send_message(&mut self, m: SendMessage, out: &mut Outbox<'_>) -> Result<(), Closing> {
        let new = match validate(&m, &self.conversation_id, self.user.id) {
            Ok(new) => new,
            Err(invalid) => return out.error(invalid.to_string()).await,
        };
        let key = new.client_msg_id.clone();
        match self
            .state
            .store
            .write(move |c| messages::insert(c, &new))
            .await
        {
            Ok(stored) => {
                let frame = notify::message_stored(&self.state.hub, &stored, key.as_deref());
                if stored.duplicate {
                    return out.send(&frame).await;
                }
                Ok(())
            }
            Err(StoreError::NotFound(_)) => out.error("Conversation not found").await,
            Err(StoreError::Full) => {
                tracing::error!(
                    "could not store a message in {}: the database is full",
                    self.conversation_id
                );
                out.error("Failed to save message: the server's storage is full")
                    .await
            }
            Err(e) => {
                tracing::error!("could not store a message in {}: {e}", self.conversation_id);
                out.error("Failed to save message").await
            }
        }
    }

    async fn history(
        &mut self,
        filters: &Map<String, Value>,
        out: &mut Outbox<'_>,
    ) -> Result<(), Closing> {
        let req = PageRequest::from_filters(filters, CONNECT_PAGE_SIZE);
        let cursor = |key: &str| match filters.get(key) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let (before, after) = (cursor("before_id"), cursor("after_id"));
        let cursor_used = before.is_some() || after.is_some();
        let id = self.conversation_id.clone();
        let read = self
            .state
            .store
            .read(move |c| {
                let window = match (&before, &after) {
                    (Some(b), _) => Window::Before(b, req.page_size),
                    (None, Some(a)) => Window::After(a, req.page_size),
                    (None, None) => Window::Page(req),
                };
                let conversation = conversations::get(c, &id)?;
                let customer = customers::get(c, conversation.customer_id)?;
                Ok((customer, history::history(c, &id, window)?))
            })
            .await;
        let (customer, page) = match read {
            Ok(found) => found,
            Err(StoreError::NotFound("message")) => {
                return out.error("Message not found for before_id/after_id").await;
            }
            Err(StoreError::NotFound(_)) => return out.error("Conversation not found").await,
            Err(e) => {
                tracing::error!("could not load messages of {}: {e}", self.conversation_id);
                return out
                    .send(&encode(&LoadError::new("Failed to load recent messages")))
                    .await;
            }
        };
        let shown = if cursor_used {
            PageRequest::first(req.page_size)
        } else {
            req
        };
        let customer = Arc::new(CustomerView::from(&customer));
        let messages: Vec<MessageView> = page
            .messages
            .iter()
            .map(|m| MessageView::new(m, Some(Arc::clone(&customer))))
            .collect();
        let page_count = i64::try_from(messages.len()).unwrap_or(i64::MAX);
        let pagination = Pagination::new(shown, page.total, page_count);
        out.reply(&ServerFrame::RecentMessages {
            messages,
            pagination,
            count: pagination.count,
            page_count,
            timestamp: clock::now_wire(),
        })
        .await
    }

    async fn mark_read(&mut self, out: &mut Outbox<'_>) -> Result<(), Closing> {
        let id = self.conversation_id.clone();
        let read = self
            .state
            .store
            .write(move |c| {
                messages::mark_read(c, &id)?;
                conversations::summary(c, &id)
            })
            .await;
        match read {
            Ok(summary) => {
                notify::messages_read(&self.state.hub, &summary, self.user.id);
                Ok(())
            }
            Err(StoreError::NotFound(_)) => out.error("Conversation not found").await,
            Err(e) => {
                tracing::error!("could not mark {} read: {e}", self.conversation_id);
                out.error("Failed to mark messages as read").await
            }
        }
    }

    async fn feedback(&mut self, f: SubmitFeedback, out: &mut Outbox<'_>) -> Result<(), Closing> {
        let Some(message_id) = f.message_id.filter(|m| !m.is_empty()) else {
            return out.error("message_id is required").await;
        };
        let feedback = f.feedback.to_lowercase();
        if !["positive", "negative", "none"].contains(&feedback.as_str()) {
            return out
                .error(r#"Invalid feedback type. Must be "positive", "negative", or "none""#)
                .await;
        }
        let comment: String = f.comment.trim().chars().take(MAX_COMMENT).collect();
        let (id, mid) = (self.conversation_id.clone(), message_id.clone());
        let stored = self
            .state
            .store
            .write(move |c| messages::set_feedback(c, &id, &mid, &feedback, &comment))
            .await;
        match stored {
            Ok(m) => {
                let reply = notify::feedback_updated(
                    &self.state.hub,
                    &self.conversation_id,
                    &message_id,
                    &m,
                );
                out.send(&reply).await
            }
            Err(StoreError::NotFound(_)) => {
                out.error("Message not found or you do not have permission to access it")
                    .await
            }
            Err(StoreError::Conflict(text)) => out.error(text).await,
            Err(e) => out.error(format!("Failed to update feedback: {e}")).await,
        }
    }

    fn typing(&mut self, is_typing: bool) {
        let was_typing = self.typing_until.is_some();
        self.typing_until =
            is_typing.then(|| Instant::now() + self.state.config.limits.typing_timeout());
        if is_typing != was_typing {
            self.publish_typing(is_typing);
        }
    }

    fn publish_typing(&self, is_typing: bool) {
        let frame = ServerFrame::Typing {
            user_id: self.user.id.to_string(),
            username: self.user.display_name(),
            is_typing,
            timestamp: clock::now_wire(),
        };
        self.state
            .hub
            .publish_ephemeral(&self.group, &frame.encode(), Some(self.user.id));
    }
}

/// Checks a `chat_message` and turns it into a message to store.
fn validate(
    m: &SendMessage,
    conversation_id: &str,
    user_id: i64,
) -> Result<NewMessage, InvalidMessage> {
    let as_customer = m.message_type.as_deref() == Some("customer");
    Ok(NewMessage {
        conversation_id: conversation_id.to_owned(),
        kind: if as_customer { "customer" } else { "support" }.to_owned(),
        content: rules::content(&m.content)?,
        sender_user_id: (!as_customer).then_some(user_id),
        client_msg_id: rules::client_msg_id(m.client_msg_id.as_deref())?,
    })
}

impl Feed for ChatFeed {
    type Request = ChatRequest;

    async fn open(&mut self, conn: &Connection, out: &mut Outbox<'_>) -> Result<(), Closing> {
        self.membership = Some(conn.join(&self.group, Some(self.announce())));
        self.history(&Map::new(), out).await
    }

    async fn handle(&mut self, request: ChatRequest, out: &mut Outbox<'_>) -> Result<(), Closing> {
        match request {
            ChatRequest::ChatMessage(m) => self.send_message(m, out).await,
            ChatRequest::GetMessages(HistoryRequest { filters }) => {
                self.history(&filters, out).await
            }
            ChatRequest::MarkRead => self.mark_read(out).await,
            ChatRequest::SubmitFeedback(f) => self.feedback(f, out).await,
            ChatRequest::Typing(t) => {
                self.typing(t.is_typing);
                Ok(())
            }
            ChatRequest::Ping => {
                out.reply(&ServerFrame::Pong {
                    timestamp: clock::now_wire(),
                })
                .await
            }
        }
    }

    fn deadline(&self) -> Option<Instant> {
        self.typing_until
    }

    async fn on_deadline(&mut self, _out: &mut Outbox<'_>) -> Result<(), Closing> {
        self.typing(false);
        Ok(())
    }
}

impl Drop for ChatFeed {
    fn drop(&mut self) {
        if self.typing_until.is_some() {
            self.publish_typing(false);
        }
    }
}
