//! Long polling: `getUpdates` from the persisted offset (after a `getMe` while the bot is not
//! described yet), each batch of updates stored with the next offset in one transaction (no
//! update twice, none skipped across restarts). Files are fetched into the media folder before
//! the batch is stored. The poller never ends on an error: it says what is wrong in the channel
//! state and tries again, backing off while Telegram is unreachable.

use std::collections::HashSet;
use std::time::Duration;

use tokio::sync::watch;

use super::api::{BotApi, BotError};
use super::update::{self, Incoming, Parsed, Wanted};
use crate::channels::Channels;
use crate::channels::status::Which;
use crate::inbox::{Edit, InboundMessage, PlatformUpdate};
use crate::media::MediaError;
use crate::storage::messages::Media;
use crate::storage::{outbox, settings};

const UNREACHABLE_HINT: &str = "Check the office internet connection";
const TOKEN_HINT: &str = "Paste the token again from @BotFather";
/// Longest wait between attempts while Telegram cannot be reached.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Runs until `stop` turns true.
pub async fn run(ch: Channels, mut stop: watch::Receiver<bool>) {
    let mut changed = ch.settings_changed();
    let mut backoff = Duration::from_secs(1);
    let mut logged: HashSet<&'static str> = HashSet::new();
    let wait = Duration::from_secs(ch.config().telegram.poll_timeout_secs);
    // The last poll failed: the next that succeeds makes the waiting replies due at once.
    let mut failing = false;
    loop {
        if *stop.borrow() {
            return;
        }
        let Some(token) = ch.token().await else {
            ch.status().set(Which::Telegram, "off", None, None);
            tokio::select! {
                _ = stop.changed() => return,
                _ = changed.changed() => continue,
            }
        };
        let bot = ch.bot(&token);
        // After a failed poll the state stays what the failure made it, so "unreachable since"
        // keeps the time of the first failure.
        if !failing && ch.status().snapshot().telegram.state != "polling" {
            ch.status().set(Which::Telegram, "connecting", None, None);
        }
        let offset = ch
            .store()
            .read(|c| settings::get(c, settings::TELEGRAM_OFFSET))
            .await
            .ok()
            .flatten()
            .and_then(|o| o.parse::<i64>().ok())
            .unwrap_or(0);
        let polled = tokio::select! {
            _ = stop.changed() => return,
            _ = changed.changed() => continue,
            polled = poll(&ch, &bot, offset, wait) => polled,
        };
        let pause = match polled {
            Ok(updates) => {
                ch.status().set(Which::Telegram, "polling", None, None);
                if std::mem::take(&mut failing) {
                    match ch.inbox().channel_back(outbox::TELEGRAM).await {
                        Ok(n) if n > 0 => {
                            tracing::info!("Telegram is back: {n} replies go out now");
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!("cannot wake the waiting replies: {e}"),
                    }
                }
                backoff = Duration::from_secs(1);
                if updates.is_empty() {
                    continue;
                }
                ch.status().updates_arrived();
                match store(&ch, &bot, updates, &mut logged).await {
                    Ok(()) => continue,
                    Err(why) => {
                        tracing::warn!("Telegram updates not stored yet, trying again: {why}");
                        Duration::from_secs(1)
                    }
                }
            }
            Err(e) => {
                failing = true;
                trouble(&ch, &e, &mut backoff)
            }
        };
        tokio::select! {
            _ = stop.changed() => return,
            _ = changed.changed() => {}
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// `getUpdates`, after a `getMe` while the bot is not described yet (after a start): the
/// setup checklist and the Channels page name the bot at once, not when the first long poll
/// returns, and a token Telegram does not know fails as early.
async fn poll(
    ch: &Channels,
    bot: &BotApi,
    offset: i64,
    wait: Duration,
) -> Result<Vec<serde_json::Value>, BotError> {
    if ch.status().snapshot().bot.is_none() {
        ch.status().set_bot(Some(bot.get_me().await?));
    }
    bot.get_updates(offset, wait).await
}

/// Records a failed poll in the channel state; returns how long to wait.
fn trouble(ch: &Channels, e: &BotError, backoff: &mut Duration) -> Duration {
    let status = ch.status();
    match e {
        BotError::Refused {
            code: 401 | 404, ..
        } => {
            let text = "Telegram does not know this token";
            status.set(
                Which::Telegram,
                "error",
                Some(text.into()),
                Some(TOKEN_HINT),
            );
            Duration::from_secs(60)
        }
        BotError::Refused { code: 409, .. } => {
            let text = "Another program is reading this bot's messages, or a webhook is set on it";
            let hint =
                "Stop the other program using this bot, or remove its webhook (deleteWebhook)";
            status.set(Which::Telegram, "error", Some(text.into()), Some(hint));
            Duration::from_secs(30)
        }
        BotError::Refused {
            code: 429,
            retry_after,
            ..
        } => Duration::from_secs(retry_after.unwrap_or(5).max(1)),
        BotError::Refused {
            code, description, ..
        } if *code < 500 => {
            let text = format!("Telegram refused: {description}");
            status.set(Which::Telegram, "error", Some(text), Some(TOKEN_HINT));
            Duration::from_secs(60)
        }
        other => {
            let text = other.to_string();
            status.set(
                Which::Telegram,
                "unreachable",
                Some(text),
                Some(UNREACHABLE_HINT),
            );
            let now = *backoff;
            *backoff = (*backoff * 2).min(MAX_BACKOFF);
            now
        }
    }
}

/// Turns a batch of updates into platform updates (fetching files) and stores them with the
/// next offset.
async fn store(
    ch: &Channels,
    bot: &BotApi,
    updates: Vec<serde_json::Value>,
    logged: &mut HashSet<&'static str>,
) -> Result<(), String> {
    let mut next = 0_i64;
    let mut batch = Vec::with_capacity(updates.len());
    for raw in updates {
        let Some(id) = update::update_id(&raw) else {
            continue;
        };
        next = next.max(id + 1);
        match update::parse(raw) {
            Parsed::New(m) => {
                let media = match &m.file {
                    Some(wanted) => fetch(ch, bot, wanted).await?,
                    None => None,
                };
                batch.push(PlatformUpdate::Message(message(m, media)));
            }
            Parsed::Edited(m) => batch.push(PlatformUpdate::Edit(Edit {
                source: "telegram".into(),
                source_id: m.chat_id,
                client_msg_id: key(m.message_id),
                content: m.content,
            })),
            Parsed::Skipped(what) => {
                if logged.insert(what) {
                    tracing::info!("skipped a Telegram update: {what} (logged once)");
                }
            }
        }
    }
    if next == 0 {
        return Ok(());
    }
    ch.inbox()
        .receive_batch(batch, settings::TELEGRAM_OFFSET, next.to_string())
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

fn key(message_id: i64) -> String {
    format!("tg{message_id}")
}

fn message(m: Incoming, media: Option<Media>) -> InboundMessage {
    InboundMessage::platform(
        "telegram",
        m.chat_id,
        [m.first_name, m.last_name, m.username],
        &m.content,
        Some(key(m.message_id)),
        media,
    )
}

/// Downloads a file into the media folder. A file Telegram will not hand out (too large) or
/// that is over the cap gives `None`, and the message is stored saying so; a network failure
/// is an error, so the batch is tried again.
async fn fetch(ch: &Channels, bot: &BotApi, wanted: &Wanted) -> Result<Option<Media>, String> {
    let media = &ch.inner.media;
    if wanted.size.is_some_and(|s| s > media.max_bytes()) {
        return Ok(None);
    }
    let remote = match bot.get_file(&wanted.file_id).await {
        Ok(r) => r,
        Err(e) if e.is_transient() => return Err(e.to_string()),
        Err(_) => return Ok(None),
    };
    let Some(path) = remote
        .file_path
        .filter(|_| remote.file_size.is_none_or(|s| s <= media.max_bytes()))
    else {
        return Ok(None);
    };
    let response = match bot.download(&path).await {
        Ok(r) => r,
        Err(e) if e.is_transient() => return Err(e.to_string()),
        Err(_) => return Ok(None),
    };
    let chunks = response.bytes_stream().map_err_plain();
    let saved = media
        .save(
            chunks,
            Some(&wanted.name),
            Some(&wanted.content_type),
            Some(wanted.kind),
        )
        .await;
    match saved {
        Ok(saved) => Ok(Some(Media {
            message_type: saved.kind.message_type().to_owned(),
            media_url: crate::media::MediaStore::url_of(&saved.media_file),
            metadata: Some(serde_json::json!({"attachment": saved.attachment}).to_string()),
            media_file: saved.media_file,
        })),
        Err(MediaError::TooLarge { .. }) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// Download chunks with errors rendered without their URL.
trait PlainErrors {
    fn map_err_plain(
        self,
    ) -> futures_util::stream::BoxStream<'static, Result<bytes::Bytes, String>>;
}

impl<S> PlainErrors for S
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, reqwest::Error>> + Send + 'static,
{
    fn map_err_plain(
        self,
    ) -> futures_util::stream::BoxStream<'static, Result<bytes::Bytes, String>> {
        use futures_util::StreamExt;
        self.map(|r| r.map_err(|e| crate::channels::client::plain(&e)))
            .boxed()
    }
}
