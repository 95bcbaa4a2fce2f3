//! Sending a reply through the bot: `sendMessage` for text, `sendPhoto`/`sendDocument` for a
//! file, within Telegram's limits (a token bucket for the bot, one per chat), and what each
//! Bot API answer means for the reply.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::channels::Channels;
use crate::channels::attempt::{Attempt, Job};
use crate::channels::telegram::api::{BotApi, BotError};
use crate::config::TelegramConfig;
use crate::media::Attachment;

/// The bot's send allowance: in all, and per chat.
pub struct Limits {
    bot: DefaultDirectRateLimiter,
    chat: DefaultKeyedRateLimiter<String>,
}

/// The bot, ready to send.
pub struct Telegram {
    bot: BotApi,
    limits: Arc<Limits>,
}

const BLOCKED: &str =
    "The customer blocked the bot; they must start it again before they can get replies";
const NO_CHAT: &str = "Telegram says this chat does not exist";

impl Telegram {
    /// The allowance the configuration sets.
    #[must_use]
    pub fn limits(config: &TelegramConfig) -> Arc<Limits> {
        let per = |n: u32| Quota::per_second(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        Arc::new(Limits {
            bot: RateLimiter::direct(per(config.max_per_second)),
            chat: RateLimiter::keyed(per(config.per_chat_per_second)),
        })
    }

    #[must_use]
    pub fn new(bot: BotApi, limits: Arc<Limits>) -> Self {
        Self { bot, limits }
    }

    /// Sends one reply and says how it went.
    pub async fn send(&self, ch: &Channels, job: &Job) -> Attempt {
        let Some(chat_id) = job.customer.source_id.clone() else {
            return Attempt::Failed {
                error: "This customer has no Telegram chat id".into(),
                http_status: None,
            };
        };
        self.limits.chat.until_key_ready(&chat_id).await;
        self.limits.bot.until_ready().await;
        if self.limits.chat.len() > 10_000 {
            self.limits.chat.retain_recent();
        }
        let m = &job.message;
        let sent = match m.media_file.as_deref() {
            None => self.bot.send_message(&chat_id, &m.content).await,
            Some(file) => {
                let attachment: Option<Attachment> = m
                    .metadata
                    .as_deref()
                    .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
                    .and_then(|v| serde_json::from_value(v.get("attachment")?.clone()).ok());
                let (name, content_type) = attachment.map_or_else(
                    || ("file".to_owned(), "application/octet-stream".to_owned()),
                    |a| (a.name, a.content_type),
                );
                let bytes = match ch.inner.media.path_of(file) {
                    Ok(path) => tokio::fs::read(path).await.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                match bytes {
                    Ok(bytes) => {
                        let photo = m.message_type == "image";
                        self.bot
                            .send_file(&chat_id, photo, bytes, &name, &content_type, &m.content)
                            .await
                    }
                    Err(why) => {
                        return Attempt::Failed {
                            error: format!("The attached file cannot be read: {why}"),
                            http_status: None,
                        };
                    }
                }
            }
        };
        judge(sent)
    }
}

/// What a Bot API answer means for the reply.
#[must_use]
pub fn judge(sent: Result<i64, BotError>) -> Attempt {
    match sent {
        Ok(id) => Attempt::Sent {
            message_id: Some(id),
            http_status: None,
        },
        Err(BotError::Refused {
            code: 429,
            retry_after,
            ..
        }) => Attempt::Retry {
            error: "Telegram asked the bot to slow down".into(),
            after: Some(Duration::from_secs(retry_after.unwrap_or(5).max(1))),
            http_status: None,
            unreachable: false,
        },
        Err(BotError::Refused {
            code: 403,
            description,
            ..
        }) => Attempt::Failed {
            error: if description.contains("blocked") || description.contains("deactivated") {
                BLOCKED.to_owned()
            } else {
                format!("Telegram does not let the bot write to this customer: {description}")
            },
            http_status: None,
        },
        Err(BotError::Refused {
            code: 400,
            description,
            ..
        }) => Attempt::Failed {
            error: if description.to_lowercase().contains("chat not found") {
                NO_CHAT.to_owned()
            } else {
                format!("Telegram refused the reply: {description}")
            },
            http_status: None,
        },
        Err(BotError::Refused {
            code: 401 | 404, ..
        }) => Attempt::Retry {
            error: "Telegram does not know the bot token; paste it again on the Channels page"
                .into(),
            after: None,
            http_status: None,
            unreachable: false,
        },
        Err(BotError::Refused {
            code, description, ..
        }) => Attempt::Retry {
            error: format!("Telegram could not take the reply now ({code} {description})"),
            after: None,
            http_status: None,
            unreachable: false,
        },
        Err(BotError::Unreachable(why) | BotError::Garbled(why)) => Attempt::Retry {
            error: format!("Telegram could not be reached: {why}"),
            after: None,
            http_status: None,
            unreachable: true,
        },
    }
}
