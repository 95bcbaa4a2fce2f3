//! Messages: an agent's reply (socket or REST), a customer's message from an integration, read
//! marks, feedback on AI answers and the typing indicator.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::watch;

use super::publish;
use super::{Inbox, InboxError, InboxResult};
use crate::hub::{Frame, Hub};
use crate::protocol::client::{SendMessage, SubmitFeedback};
use crate::protocol::codes::http as code;
use crate::protocol::rest::{InboundBody, SendBody};
use crate::protocol::rules::{self, InvalidMessage};
use crate::storage::inbound::{self, Inbound, Received};
use crate::storage::messages::{self, Media, NewMessage, Stored};
use crate::storage::summary;
use crate::storage::users::UserRow;
use crate::storage::{Queued, StoreResult, conversations, customers, outbox};

/// Longest feedback comment kept; longer ones are cut.
const MAX_COMMENT: usize = 500;
/// Longest customer name part kept from an integration; longer ones are cut.
const MAX_NAME: usize = 100;
/// Longest customer id on a platform.
const MAX_SOURCE_ID: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Support,
    Marketing,
    /// Written on the customer's behalf from the chat socket (PROTOCOL §4.2's `message_type`).
    Customer,
    /// An internal note: for the agents only, never sent to a channel, never an answer.
    Note,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Support => "support",
            Self::Marketing => "marketing",
            Self::Customer => "customer",
            Self::Note => messages::NOTE,
        }
    }
}

/// A message to store, checked: trimmed text within the longest limit, a valid idempotency
/// key. Its conversation's own limit is checked when it is stored.
#[derive(Debug, Clone)]
pub struct Draft {
    kind: Kind,
    content: String,
    client_msg_id: Option<String>,
    /// The caption of a file, held to the channel's caption limit.
    caption: bool,
}

/// The longest text a conversation from `source` takes for a message (or a file's caption).
fn limit(caption: bool, source: &str) -> usize {
    if caption {
        rules::max_caption_chars(source)
    } else {
        rules::max_chars(source)
    }
}

impl TryFrom<&SendMessage> for Draft {
    type Error = InboxError;

    /// A chat socket's `chat_message`: `message_type: "customer"` writes as the customer,
    /// `"note"` an internal note, anything else as support.
    fn try_from(m: &SendMessage) -> InboxResult<Self> {
        let kind = match m.message_type.as_deref() {
            Some("customer") => Kind::Customer,
            Some("note") => Kind::Note,
            _ => Kind::Support,
        };
        Ok(Self {
            kind,
            content: rules::content(&m.content)?,
            client_msg_id: rules::client_msg_id(m.client_msg_id.as_deref())?,
            caption: false,
        })
    }
}

impl TryFrom<SendBody> for Draft {
    type Error = InboxError;

    /// A REST send: `support` (default), `marketing` or `note`.
    fn try_from(body: SendBody) -> InboxResult<Self> {
        let content = rules::content(body.content.as_deref().unwrap_or_default())?;
        let kind = match body.kind.as_deref() {
            None | Some("support") => Kind::Support,
            Some("marketing") => Kind::Marketing,
            Some("note") => Kind::Note,
            Some(_) => {
                let text = "Message type must be \"support\", \"marketing\" or \"note\"";
                return Err(InboxError::invalid(code::INVALID_TYPE, text));
            }
        };
        Ok(Self {
            kind,
            content,
            client_msg_id: rules::client_msg_id(body.client_msg_id.as_deref())?,
            caption: false,
        })
    }
}

impl Draft {
    /// An agent's reply carrying a file: the caption may be empty.
    pub fn attachment(caption: &str, client_msg_id: Option<&str>) -> InboxResult<Self> {
        let content = if caption.trim().is_empty() {
            String::new()
        } else {
            rules::content(caption)?
        };
        Ok(Self {
            kind: Kind::Support,
            content,
            client_msg_id: rules::client_msg_id(client_msg_id)?,
            caption: true,
        })
    }
}

/// What [`Inbox::send_message`] stored (or found stored under the same `client_msg_id`).
#[derive(Debug, Clone)]
pub struct Sent {
    pub stored: Stored,
    /// The `chat_message` frame, already published unless `stored.duplicate`: a retried send
    /// gets it again, and nobody else does.
    pub frame: Frame,
}

/// A message in the writer's queue ([`Inbox::queue_message`]).
#[must_use = "a queued message is published only by awaiting `published`"]
pub struct PendingMessage {
    hub: Hub,
    /// Told once the message is stored, for the setup checklist's test step.
    inbox: Inbox,
    /// The inbox's count of replies queued for a channel, bumped if this one is.
    replies: Arc<watch::Sender<u64>>,
    key: Option<String>,
    /// The stored message, or the limit its text was over (nothing stored).
    queued: Queued<Result<Stored, InvalidMessage>>,
}

impl PendingMessage {
    /// Waits for the commit, then publishes the message (unless it was a duplicate): the
    /// second half of [`Inbox::send_message`]. Awaiting the messages of one sender in the
    /// order they were queued publishes them in that order.
    pub async fn published(self) -> InboxResult<Sent> {
        let stored = self.queued.committed().await??;
        if stored.message.external_send_result.is_some() && !stored.duplicate {
            self.replies.send_modify(|n| *n = n.wrapping_add(1));
        }
        let frame = publish::message_stored(&self.hub, &stored, self.key.as_deref());
        if !stored.duplicate {
            self.inbox.setup_message_stored();
        }
        Ok(Sent { stored, frame })
    }
}

/// Feedback on an AI message, checked.
#[derive(Debug, Clone)]
pub struct Feedback {
    message_id: String,
    /// `positive`, `negative` or `none`.
    verdict: String,
    comment: String,
}

impl TryFrom<SubmitFeedback> for Feedback {
    type Error = InboxError;

    fn try_from(f: SubmitFeedback) -> InboxResult<Self> {
        let Some(message_id) = f.message_id.filter(|m| !m.is_empty()) else {
            return Err(InboxError::invalid(
                code::MISSING_MESSAGE_ID,
                "message_id is required",
            ));
        };
        let feedback = f.feedback.to_lowercase();
        if !["positive", "negative", "none"].contains(&feedback.as_str()) {
            let text = r#"Invalid feedback type. Must be "positive", "negative", or "none""#;
            return Err(InboxError::invalid(code::INVALID_FEEDBACK, text));
        }
        Ok(Self {
            message_id,
            verdict: feedback,
            comment: f.comment.trim().chars().take(MAX_COMMENT).collect(),
        })
    }
}

/// A customer's message from an integration, checked.
#[derive(Debug, Clone)]
pub struct InboundMessage(pub(super) Inbound);

impl TryFrom<InboundBody> for InboundMessage {
    type Error = InboxError;

    fn try_from(form: InboundBody) -> InboxResult<Self> {
        if !customers::is_source(&form.source) {
            let text = format!("source must be one of {}", customers::SOURCES.join(", "));
            return Err(InboxError::invalid(code::INVALID_SOURCE, text));
        }
        let source_id = match form.source_id {
            Value::String(s) if !s.trim().is_empty() && s.len() <= MAX_SOURCE_ID => {
                s.trim().to_owned()
            }
            Value::Number(n) => n.to_string(),
            _ => {
                return Err(InboxError::invalid(
                    code::INVALID_SOURCE_ID,
                    "source_id is required",
                ));
            }
        };
        let content = rules::content_within(&form.content, rules::max_chars(&form.source))?;
        let name = |v: Option<String>| {
            v.map(|s| s.trim().chars().take(MAX_NAME).collect::<String>())
                .filter(|s| !s.is_empty())
        };
        Ok(Self(Inbound {
            source: form.source,
            source_id,
            first_name: name(form.first_name),
            last_name: name(form.last_name),
            username: name(form.username),
            content,
            client_msg_id: rules::client_msg_id(form.client_msg_id.as_deref())?,
            media: None,
        }))
    }
}

/// In the transaction that stored it, queues a reply for the channel of its conversation (none
/// for `unknown` and `instagram`), marking it pending.
pub(super) fn queue_out(c: &rusqlite::Connection, stored: &mut Stored) -> StoreResult<()> {
    let reply = matches!(stored.message.kind.as_str(), "support" | "marketing");
    if let Some(channel) = outbox::channel_for(&stored.conversation.source)
        && reply
        && !stored.duplicate
    {
        outbox::enqueue(c, &mut stored.message, channel)?;
    }
    Ok(())
}

/// Longest text kept from a platform (Telegram's own limit).
const MAX_PLATFORM_TEXT: usize = 4096;

impl InboundMessage {
    /// A customer's message from a platform the box polls itself (Telegram): taken as the
    /// platform sent it, since refusing it would lose it. `names` are first, last and username.
    #[must_use]
    pub fn platform(
        source: &str,
        source_id: String,
        names: [Option<String>; 3],
        content: &str,
        client_msg_id: Option<String>,
        media: Option<Media>,
    ) -> Self {
        let name = |v: Option<String>| {
            v.map(|s| s.trim().chars().take(MAX_NAME).collect::<String>())
                .filter(|s| !s.is_empty())
        };
        let [first, last, username] = names;
        let mut content: String = content.trim().chars().take(MAX_PLATFORM_TEXT).collect();
        if content.is_empty() && media.is_none() {
            content =
                "(a file that could not be kept: too large or refused by the platform)".into();
        }
        Self(Inbound {
            source: source.to_owned(),
            source_id,
            first_name: name(first),
            last_name: name(last),
            username: name(username),
            content,
            client_msg_id,
            media,
        })
    }
}

impl Inbox {
    /// Stores a message `author` wrote into a conversation and publishes it.
    pub async fn send_message(
        &self,
        author: &UserRow,
        conversation_id: &str,
        draft: Draft,
    ) -> InboxResult<Sent> {
        self.queue_with(author, conversation_id, draft, None)
            .await?
            .published()
            .await
    }

    /// Stores a reply carrying a file already saved in the media folder, and publishes it.
    pub async fn send_attachment(
        &self,
        author: &UserRow,
        conversation_id: &str,
        draft: Draft,
        media: Media,
    ) -> InboxResult<Sent> {
        self.queue_with(author, conversation_id, draft, Some(media))
            .await?
            .published()
            .await
    }

    /// The first half of [`Inbox::send_message`]: queues the message's write and returns
    /// without waiting for its commit, so a socket can read its next frame meanwhile. Messages
    /// queued one after another commit in that order; waits while the writer's queue is full.
    pub async fn queue_message(
        &self,
        author: &UserRow,
        conversation_id: &str,
        draft: Draft,
    ) -> InboxResult<PendingMessage> {
        self.queue_with(author, conversation_id, draft, None).await
    }

    async fn queue_with(
        &self,
        author: &UserRow,
        conversation_id: &str,
        draft: Draft,
        media: Option<Media>,
    ) -> InboxResult<PendingMessage> {
        let long = draft.content.len() > rules::FITS_EVERYWHERE;
        let caption = draft.caption;
        let new = NewMessage {
            conversation_id: conversation_id.to_owned(),
            kind: draft.kind.as_str().to_owned(),
            content: draft.content,
            sender_user_id: (draft.kind != Kind::Customer).then_some(author.id),
            client_msg_id: draft.client_msg_id,
        };
        let key = new.client_msg_id.clone();
        let queued = self
            .store
            .enqueue(move |c| {
                if long {
                    let source = conversations::get(c, &new.conversation_id)?.source;
                    if let Err(refused) = rules::within(&new.content, limit(caption, &source)) {
                        return Ok(Err(refused));
                    }
                }
                let mut stored = messages::insert(c, &new)?;
                if let Some(media) = media.as_ref().filter(|_| !stored.duplicate) {
                    stored.message = messages::attach_media(c, stored.message.seq, media)?;
                }
                queue_out(c, &mut stored)?;
                Ok(Ok(stored))
            })
            .await?;
        Ok(PendingMessage {
            hub: self.hub.clone(),
            inbox: self.clone(),
            replies: Arc::clone(&self.queued),
            key,
            queued,
        })
    }

    /// Stores a customer's message from an integration (creating the customer and the
    /// conversation on first contact) and publishes it.
    pub async fn receive(&self, message: InboundMessage) -> InboxResult<Received> {
        let inbound = message.0;
        let key = inbound.client_msg_id.clone();
        let received = self
            .store
            .write(move |c| inbound::receive(c, &inbound))
            .await?;
        if received.customer_created {
            publish::customer_created(&self.hub, &received.stored.customer);
        }
        publish::message_stored(&self.hub, &received.stored, key.as_deref());
        self.setup_message_stored();
        Ok(received)
    }

    /// Marks a conversation's customer messages answered.
    pub async fn mark_read(&self, reader: &UserRow, conversation_id: &str) -> InboxResult<()> {
        let id = conversation_id.to_owned();
        let summary = self
            .store
            .write(move |c| {
                messages::mark_read(c, &id)?;
                summary::summary(c, &id)
            })
            .await?;
        publish::messages_read(&self.hub, &summary, reader.id);
        Ok(())
    }

    /// Records feedback on a message; returns the `feedback_submitted` reply for the sender.
    pub async fn submit_feedback(
        &self,
        conversation_id: &str,
        feedback: Feedback,
    ) -> InboxResult<Frame> {
        let Feedback {
            message_id,
            verdict,
            comment,
        } = feedback;
        let id = conversation_id.to_owned();
        let asked = message_id.clone();
        let stored = self
            .store
            .write(move |c| messages::set_feedback(c, &id, &message_id, &verdict, &comment))
            .await?;
        Ok(publish::feedback_updated(
            &self.hub,
            conversation_id,
            &asked,
            &stored,
        ))
    }

    /// Tells the conversation's other viewers that `user` started or stopped typing.
    pub fn typing(&self, user: &UserRow, conversation_id: &str, is_typing: bool) {
        publish::typing(&self.hub, conversation_id, user, is_typing);
    }
}
