//! Changes that channels make: the outcome of a delivery attempt, a retry an agent asks for,
//! a batch of platform messages stored with the polling offset, edits, and channel settings.

use super::messages::InboundMessage;
use super::publish;
use super::{Inbox, InboxResult};
use crate::storage::customers;
use crate::storage::inbound::{self, Received};
use crate::storage::messages::{self, Media, MessageRow};
use crate::storage::outbox::{self, Outcome};
use crate::storage::settings;
use crate::storage::summary::{self, ConversationSummary};

/// A file a platform message carries, already saved in the media folder.
pub type InboundMedia = Media;

/// A customer changed the text of a message they sent on their platform.
#[derive(Debug, Clone)]
pub struct Edit {
    /// Platform and the customer's id there.
    pub source: String,
    pub source_id: String,
    /// The key the message was stored under.
    pub client_msg_id: String,
    pub content: String,
}

/// One platform update: a new message or an edit.
#[derive(Debug, Clone)]
pub enum PlatformUpdate {
    Message(InboundMessage),
    Edit(Edit),
}

impl Inbox {
    /// Records how an attempt at delivery `outbox_id` ended and publishes the new state.
    pub async fn record_delivery(
        &self,
        outbox_id: i64,
        outcome: Outcome,
    ) -> InboxResult<MessageRow> {
        let (message, summary) = self
            .store
            .write(move |c| {
                let message = outbox::record(c, outbox_id, &outcome)?;
                let summary = summary::summary(c, &message.conversation_id)?;
                Ok((message, summary))
            })
            .await?;
        publish::message_status(&self.hub, &message, &summary);
        Ok(message)
    }

    /// Queues a failed message to go out again; returns it with its conversation.
    pub async fn retry_delivery(
        &self,
        message_id: &str,
    ) -> InboxResult<(MessageRow, ConversationSummary)> {
        let id = message_id.to_owned();
        let (message, summary) = self
            .store
            .write(move |c| {
                let message = outbox::retry(c, &messages::by_id(c, &id)?)?;
                let summary = summary::summary(c, &message.conversation_id)?;
                Ok((message, summary))
            })
            .await?;
        self.reply_queued();
        publish::message_status(&self.hub, &message, &summary);
        Ok((message, summary))
    }

    /// Stores a batch of platform updates and the setting `offset_key = offset` in one
    /// transaction, so a restart neither stores an update twice nor skips one, then publishes
    /// each. Returns the messages stored.
    pub async fn receive_batch(
        &self,
        updates: Vec<PlatformUpdate>,
        offset_key: &'static str,
        offset: String,
    ) -> InboxResult<Vec<Received>> {
        let (received, edits) = self
            .store
            .write(move |c| {
                let mut received = Vec::new();
                let mut edits = Vec::new();
                for update in &updates {
                    match update {
                        PlatformUpdate::Message(m) => received.push(inbound::receive(c, &m.0)?),
                        PlatformUpdate::Edit(e) => {
                            let Some(customer) =
                                customers::find_by_source(c, &e.source, &e.source_id)?
                            else {
                                continue;
                            };
                            let edited = messages::edit_by_key(
                                c,
                                customer.id,
                                &e.client_msg_id,
                                &e.content,
                            )?;
                            if let Some(m) = edited {
                                let summary = summary::summary(c, &m.conversation_id)?;
                                edits.push((m, summary));
                            }
                        }
                    }
                }
                settings::set(c, offset_key, &offset)?;
                Ok((received, edits))
            })
            .await?;
        for r in &received {
            if r.customer_created {
                publish::customer_created(&self.hub, &r.stored.customer);
            }
            let key = r.stored.message.client_msg_id.clone();
            publish::message_stored(&self.hub, &r.stored, key.as_deref());
        }
        for (message, summary) in &edits {
            publish::message_edited(&self.hub, summary, message);
        }
        if !received.is_empty() {
            self.setup_message_stored();
        }
        Ok(received)
    }

    /// A channel is reachable again: its waiting replies are due now, not at their backoff.
    pub async fn channel_back(&self, channel: &'static str) -> InboxResult<usize> {
        let n = self
            .store
            .write(move |c| outbox::due_now(c, channel))
            .await?;
        self.reply_queued();
        Ok(n)
    }

    /// Sets a channel setting (`settings::…` keys).
    pub async fn set_setting(&self, key: &'static str, value: String) -> InboxResult<()> {
        Ok(self
            .store
            .write(move |c| settings::set(c, key, &value))
            .await?)
    }

    /// Removes a channel setting; returns whether it was set.
    pub async fn remove_setting(&self, key: &'static str) -> InboxResult<bool> {
        Ok(self.store.write(move |c| settings::remove(c, key)).await?)
    }
}
