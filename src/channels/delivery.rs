//! The delivery task of one channel: takes due outbox rows (the oldest waiting reply of each
//! conversation, so a conversation's replies leave in order), sends them, and records each
//! outcome through the inbox: delivered, retried later (capped exponential backoff, or Telegram's
//! `retry_after`) or failed in plain words. A crash between a send and its record sends that one
//! reply again at the next start; nothing queued is lost.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::channels::Channels;
pub use crate::channels::attempt::{Attempt, Job};
use crate::channels::status::Which;
use crate::channels::telegram::send::Telegram;
use crate::channels::webhook;
use crate::clock;
use crate::media::MediaStore;
use crate::storage::conversations;
use crate::storage::customers;
use crate::storage::messages;
use crate::storage::outbox::{self, OutboxRow, Outcome};
use crate::storage::users;

/// Due rows taken at once (each is a different conversation, sent concurrently).
const BATCH: i64 = 64;
/// Sends in flight at once per channel.
const IN_FLIGHT: usize = 8;
/// Longest sleep without looking at the queue.
const IDLE: Duration = Duration::from_secs(30);

enum Sender {
    Telegram(Telegram),
    Webhook { url: String, secret: String },
}

pub(super) async fn run(ch: Channels, channel: &'static str, mut stop: watch::Receiver<bool>) {
    let mut queued = ch.inbox().queued_replies();
    let mut changed = ch.settings_changed();
    let limits = Telegram::limits(&ch.config().telegram);
    loop {
        if *stop.borrow() {
            return;
        }
        let sender = if channel == outbox::TELEGRAM {
            ch.token()
                .await
                .map(|t| Sender::Telegram(Telegram::new(ch.bot(&t), limits.clone())))
        } else {
            ch.webhook()
                .await
                .map(|(url, secret)| Sender::Webhook { url, secret })
        };
        let due = if sender.is_some() {
            let now = clock::now_db();
            ch.store()
                .read(move |c| outbox::due(c, channel, &now, BATCH))
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!("cannot read the {channel} outbox: {e}");
                    Vec::new()
                })
        } else {
            Vec::new()
        };
        if let Some(sender) = sender.as_ref().filter(|_| !due.is_empty()) {
            futures_util::stream::iter(due)
                .for_each_concurrent(IN_FLIGHT, |row| deliver(&ch, sender, row))
                .await;
            continue;
        }
        if sender.is_none() {
            // Not set up: replies wait in the outbox for a token or a URL, and each new one
            // must not make this task read the whole queue again.
            tokio::select! {
                _ = stop.changed() => return,
                _ = changed.changed() => {}
            }
            continue;
        }
        let wait = next_wait(&ch, channel).await;
        tokio::select! {
            _ = stop.changed() => return,
            _ = queued.changed() => {}
            _ = changed.changed() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

async fn next_wait(ch: &Channels, channel: &'static str) -> Duration {
    let found = ch
        .store()
        .read(move |c| Ok((outbox::next_due(c, channel)?, outbox::counts(c, channel)?)))
        .await;
    let Ok((next, (waiting, _))) = found else {
        return IDLE;
    };
    let which = if channel == outbox::TELEGRAM {
        Which::Telegram
    } else {
        Which::Webhook
    };
    ch.status().set_waiting(which, waiting);
    next.and_then(|t| clock::parse(&t))
        .map_or(IDLE, |t| {
            (t - chrono::Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(IDLE)
        })
        .max(Duration::from_millis(5))
}

async fn load(ch: &Channels, row: OutboxRow) -> Result<Job, crate::storage::StoreError> {
    ch.store()
        .read(move |c| {
            let message = messages::by_seq(c, row.message_seq)?;
            let conversation = conversations::get(c, &row.conversation_id)?;
            let customer = customers::get(c, conversation.customer_id)?;
            let sender = match message.sender_user_id {
                Some(id) => users::get(c, id).ok(),
                None => None,
            };
            Ok(Job {
                row,
                message,
                conversation,
                customer,
                sender,
            })
        })
        .await
}

async fn deliver(ch: &Channels, sender: &Sender, row: OutboxRow) {
    let id = row.id;
    let job = match load(ch, row).await {
        Ok(job) => job,
        Err(e) => {
            tracing::warn!("cannot read delivery {id}: {e}");
            return;
        }
    };
    let attempt = match sender {
        Sender::Telegram(t) => t.send(ch, &job).await,
        Sender::Webhook { url, secret } => {
            let body = payload(
                &ch.inner.media,
                ch.config().webhook.public_url.as_deref(),
                &job,
            );
            let answer = webhook::post(
                &ch.inner.http,
                url,
                secret,
                &job.row.delivery_id,
                &body,
                ch.send_timeout(),
            )
            .await;
            let attempt = webhook::judge(&answer);
            note_webhook(ch, &attempt);
            attempt
        }
    };
    match &attempt {
        Attempt::Sent { .. } => {
            tracing::debug!("reply {} sent through {}", job.message.id, job.row.channel);
        }
        Attempt::Retry { error, .. } => {
            tracing::info!("reply {} not sent yet, retrying: {error}", job.message.id);
        }
        Attempt::Failed { error, .. } => tracing::warn!("reply {} failed: {error}", job.message.id),
    }
    let outcome = outcome(ch, &job, attempt);
    if let Err(e) = ch.inbox().record_delivery(id, outcome).await {
        tracing::error!("cannot record the delivery of a reply (it will be sent again): {e}");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn note_webhook(ch: &Channels, attempt: &Attempt) {
    let hint = "Check that the receiver is running and reachable from this computer";
    match attempt {
        Attempt::Sent { .. } => ch.status().set(Which::Webhook, "ok", None, None),
        Attempt::Retry {
            error,
            http_status: None,
            ..
        } => ch.status().set(
            Which::Webhook,
            "unreachable",
            Some(error.clone()),
            Some(hint),
        ),
        Attempt::Retry { error, .. } | Attempt::Failed { error, .. } => {
            ch.status()
                .set(Which::Webhook, "error", Some(error.clone()), Some(hint));
        }
    }
}

fn outcome(ch: &Channels, job: &Job, attempt: Attempt) -> Outcome {
    let config = &ch.config().channels;
    match attempt {
        Attempt::Sent {
            message_id,
            http_status,
        } => Outcome::Sent {
            message_id,
            http_status,
        },
        Attempt::Failed { error, http_status } => Outcome::Failed { error, http_status },
        Attempt::Retry {
            error,
            after,
            http_status,
            ..
        } => {
            let first = job
                .row
                .first_try_at
                .as_deref()
                .and_then(clock::parse)
                .unwrap_or_else(chrono::Utc::now);
            let tried_for = (chrono::Utc::now() - first).to_std().unwrap_or_default();
            if tried_for >= config.give_up_after() {
                return Outcome::Failed {
                    error: format!(
                        "Not sent after trying for {} hours: {error}",
                        config.give_up_hours
                    ),
                    http_status,
                };
            }
            let wait = after.unwrap_or_else(|| config.backoff(job.row.attempts + 1));
            let at = chrono::Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
            Outcome::Retry {
                error,
                next_attempt_at: clock::to_db(at),
                http_status,
            }
        }
    }
}

/// The JSON a webhook receiver gets for a reply (PROTOCOL §13).
#[must_use]
pub fn payload(media: &MediaStore, public_url: Option<&str>, job: &Job) -> Value {
    const WEEK: u64 = 7 * 86_400;
    let media_url = job.message.media_file.as_deref().map(|f| {
        let link = media.signed_url(f, WEEK);
        match public_url {
            Some(base) => format!("{}{link}", base.trim_end_matches('/')),
            None => link,
        }
    });
    let c = &job.customer;
    let sender = job
        .sender
        .as_ref()
        .map(|u| json!({"id": u.id, "username": u.username, "name": u.display_name()}));
    json!({
        "event": "message",
        "delivery_id": job.row.delivery_id,
        "conversation_id": job.conversation.id,
        "customer": {
            "source": c.source, "source_id": c.source_id,
            "first_name": c.first_name, "last_name": c.last_name, "username": c.username,
        },
        "message": {
            "id": job.message.id,
            "type": job.message.kind,
            "content": job.message.content,
            "message_type": job.message.message_type,
            "media_url": media_url,
            "attachment": crate::protocol::views::MessageView::new(&job.message, None).attachment,
            "created_at": job.message.created_at,
            "sender": sender,
        },
    })
}
