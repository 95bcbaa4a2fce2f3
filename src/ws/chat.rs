//! The chat feed `/ws/chat/<id>/`: one conversation's history, new messages, read receipts,
//! feedback, typing and presence (PROTOCOL §4).

use std::sync::Arc;
use std::time::Instant;

use serde_json::{Map, Value};

use super::session::{Closing, Feed, Outbox, refusal};
use crate::clock;
use crate::hub::{Announce, Connection, Membership};
use crate::inbox::publish::chat_group;
use crate::inbox::{Action, Draft, Feedback, InboxError};
use crate::protocol::client::{ChatRequest, HistoryRequest, SendMessage, SubmitFeedback};
use crate::protocol::pagination::{CONNECT_PAGE_SIZE, PageRequest, Pagination};
use crate::protocol::server::{LoadError, ServerFrame, Viewer, encode};
use crate::protocol::views::{CustomerView, MessageView};
use crate::state::AppState;
use crate::storage::history::{self, Window};
use crate::storage::users::UserRow;
use crate::storage::{conversations, customers};

/// One socket's view of one conversation.
pub struct ChatFeed {
    state: AppState,
    conversation_id: String,
    user: UserRow,
    membership: Option<Membership>,
    typing_until: Option<Instant>,
}

impl ChatFeed {
    /// A feed for `user` on `conversation_id`.
    #[must_use]
    pub fn new(state: AppState, conversation_id: String, user: UserRow) -> Self {
        Self {
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

    /// Queues the message and reads on: its echo (or, for a retried `client_msg_id`, the stored
    /// message again; or its error) follows the commit, in the order the socket sent them.
    async fn send_message(&mut self, m: SendMessage, out: &mut Outbox<'_>) -> Result<(), Closing> {
        if self.typing_until.is_some() {
            self.typing(false);
        }
        let inbox = &self.state.inbox;
        let queued = match Draft::try_from(&m) {
            Ok(draft) => {
                inbox
                    .queue_message(&self.user, &self.conversation_id, draft)
                    .await
            }
            Err(invalid) => Err(invalid),
        };
        let refused = |e: &InboxError| refusal(e, Action::SaveMessage);
        out.defer(match queued {
            Ok(pending) => Box::pin(async move {
                match pending.published().await {
                    Ok(sent) if sent.stored.duplicate => Some(sent.frame),
                    Ok(_) => None,
                    Err(e) => Some(refused(&e)),
                }
            }),
            Err(e) => Box::pin(std::future::ready(Some(refused(&e)))),
        });
        Ok(())
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
            .read_here(move |c| {
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
        let (customer, page) = match read.map_err(InboxError::from) {
            Ok(found) => found,
            Err(e) if e.is_internal() => {
                tracing::error!("could not load messages of {}: {e}", self.conversation_id);
                let told = e.client(Action::History).message;
                return out.send(&encode(&LoadError::new(told))).await;
            }
            Err(e) => return out.refuse(&e, Action::History).await,
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

    /// Tells the socket who else is viewing, if anyone, so "Sara is viewing" needs no delta to
    /// appear (a client starts from nobody at `connection_established`).
    async fn viewers(&mut self, out: &mut Outbox<'_>) -> Result<(), Closing> {
        let inbox = &self.state.inbox;
        let viewers = match inbox.viewers(&self.conversation_id, self.user.id).await {
            Ok(viewers) => viewers,
            Err(e) => {
                tracing::error!(
                    "could not name the viewers of {}: {e}",
                    self.conversation_id
                );
                Vec::new()
            }
        };
        if viewers.is_empty() {
            return Ok(());
        }
        out.send(
            &ServerFrame::ChatViewers {
                viewers: viewers
                    .into_iter()
                    .map(|u| Viewer {
                        user_id: u.id,
                        username: u.name,
                    })
                    .collect(),
                timestamp: clock::now_wire(),
            }
            .encode(),
        )
        .await
    }

    async fn mark_read(&mut self, out: &mut Outbox<'_>) -> Result<(), Closing> {
        let inbox = &self.state.inbox;
        match inbox.mark_read(&self.user, &self.conversation_id).await {
            Ok(()) => Ok(()),
            Err(e) => out.refuse(&e, Action::MarkRead).await,
        }
    }

    async fn feedback(&mut self, f: SubmitFeedback, out: &mut Outbox<'_>) -> Result<(), Closing> {
        let inbox = &self.state.inbox;
        let reply = match Feedback::try_from(f) {
            Ok(feedback) => inbox.submit_feedback(&self.conversation_id, feedback).await,
            Err(invalid) => Err(invalid),
        };
        match reply {
            Ok(frame) => out.send(&frame).await,
            Err(e) => out.refuse(&e, Action::Feedback).await,
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
        let inbox = &self.state.inbox;
        inbox.typing(&self.user, &self.conversation_id, is_typing);
    }
}

impl Feed for ChatFeed {
    type Request = ChatRequest;

    async fn open(&mut self, conn: &Connection, out: &mut Outbox<'_>) -> Result<(), Closing> {
        self.membership =
            Some(conn.join(&chat_group(&self.conversation_id), Some(self.announce())));
        self.viewers(out).await?;
        self.history(&Map::new(), out).await
    }

    /// Chat messages are pipelined; any other request first waits for those in flight, so that
    /// it is answered (and what it changes published) after them, as it was sent.
    async fn handle(&mut self, request: ChatRequest, out: &mut Outbox<'_>) -> Result<(), Closing> {
        if let ChatRequest::ChatMessage(m) = request {
            return self.send_message(m, out).await;
        }
        out.settle().await?;
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
