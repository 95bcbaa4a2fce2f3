//! The admin's side of the channels: setting, testing and removing the bot token and the webhook
//! (stored through the inbox), and the overview the Channels page shows.

use crate::channels::Channels;
use crate::channels::status::{Link, Which};
use crate::channels::telegram::api::{Bot, BotApi, BotError, token_shape_ok};
use crate::channels::webhook;
use crate::inbox::InboxError;
use crate::protocol::codes::http as code;
use crate::storage::{StoreError, outbox, settings};

/// Why a channel setting was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// The token has the wrong shape, or Telegram does not know it.
    #[error("{0}")]
    InvalidToken(String),
    /// Telegram could not be reached to check the token.
    #[error("pilito-box could not reach Telegram: {0}")]
    Unreachable(String),
    #[error("this channel is not set up yet")]
    NotConfigured,
    #[error("{0}")]
    InvalidUrl(String),
    #[error(transparent)]
    Inbox(#[from] InboxError),
}

impl From<StoreError> for ChannelError {
    fn from(e: StoreError) -> Self {
        Self::Inbox(e.into())
    }
}

impl From<ChannelError> for InboxError {
    fn from(e: ChannelError) -> Self {
        match e {
            ChannelError::InvalidToken(text) => Self::invalid(code::INVALID_BOT_TOKEN, text),
            ChannelError::Unreachable(_) => Self::Upstream {
                code: code::TELEGRAM_UNREACHABLE,
                message: e.to_string(),
            },
            ChannelError::NotConfigured => Self::invalid(
                code::CHANNEL_NOT_CONFIGURED,
                "This channel is not set up yet",
            ),
            ChannelError::InvalidUrl(text) => Self::invalid(code::INVALID_URL, text),
            ChannelError::Inbox(e) => e,
        }
    }
}

/// One channel as the Channels page shows it.
#[derive(Debug, Clone)]
pub struct ChannelView {
    pub configured: bool,
    /// `…` and the last four characters of the token or secret.
    pub secret_hint: Option<String>,
    pub link: Link,
    /// Replies queued for it, and replies that failed.
    pub waiting: i64,
    pub failed: i64,
}

/// Both channels.
#[derive(Debug, Clone)]
pub struct Overview {
    pub telegram: ChannelView,
    pub bot: Option<Bot>,
    pub last_update_at: Option<String>,
    pub webhook: ChannelView,
    pub webhook_url: Option<String>,
}

fn hint(secret: &str) -> String {
    let tail: String = secret
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}

const NOT_KNOWN: &str = "Telegram does not know this token; copy it again from @BotFather";

fn checked(e: BotError) -> ChannelError {
    match e {
        BotError::Refused {
            code: 401 | 404, ..
        } => ChannelError::InvalidToken(NOT_KNOWN.into()),
        BotError::Refused { description, .. } => {
            ChannelError::InvalidToken(format!("Telegram refused this token: {description}"))
        }
        BotError::Unreachable(why) | BotError::Garbled(why) => ChannelError::Unreachable(why),
    }
}

impl Channels {
    /// A setting from the page, else from the configuration; an empty one (removed from the
    /// page) means off.
    async fn setting(&self, key: &'static str, configured: Option<&String>) -> Option<String> {
        let stored = self
            .store()
            .read(move |c| settings::get(c, key))
            .await
            .unwrap_or_else(|e| {
                tracing::warn!("cannot read the channel settings: {e}");
                None
            });
        stored
            .or_else(|| configured.cloned())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The bot token in force.
    pub(crate) async fn token(&self) -> Option<String> {
        self.setting(
            settings::TELEGRAM_TOKEN,
            self.config().telegram.bot_token.as_ref(),
        )
        .await
    }

    /// The webhook URL and secret in force.
    pub(crate) async fn webhook(&self) -> Option<(String, String)> {
        let url = self
            .setting(settings::WEBHOOK_URL, self.config().webhook.url.as_ref())
            .await?;
        let secret = self.setting(settings::WEBHOOK_SECRET, None).await?;
        Some((url, secret))
    }

    pub(crate) fn bot(&self, token: &str) -> BotApi {
        BotApi::new(
            self.inner.http.clone(),
            &self.config().telegram.api_url,
            token,
            self.send_timeout(),
        )
    }

    /// What the Channels page shows.
    pub async fn overview(&self) -> Result<Overview, ChannelError> {
        let counts = self
            .store()
            .read(|c| {
                Ok((
                    outbox::counts(c, outbox::TELEGRAM)?,
                    outbox::counts(c, outbox::WEBHOOK)?,
                ))
            })
            .await?;
        let token = self.token().await;
        let webhook = self.webhook().await;
        let now = self.status().snapshot();
        Ok(Overview {
            telegram: ChannelView {
                configured: token.is_some(),
                secret_hint: token.as_deref().map(hint),
                link: now.telegram,
                waiting: counts.0.0,
                failed: counts.0.1,
            },
            bot: now.bot,
            last_update_at: now.last_update_at,
            webhook: ChannelView {
                configured: webhook.is_some(),
                secret_hint: webhook.as_ref().map(|(_, s)| hint(s)),
                link: now.webhook,
                waiting: counts.1.0,
                failed: counts.1.1,
            },
            webhook_url: webhook.map(|(u, _)| u),
        })
    }

    /// Checks `token` with `getMe`, stores it and (re)starts polling with it.
    pub async fn set_telegram_token(&self, token: &str) -> Result<Overview, ChannelError> {
        let token = token.trim();
        if !token_shape_ok(token) {
            return Err(ChannelError::InvalidToken(
                "This is not a bot token; copy it whole from @BotFather (digits, a colon, letters)"
                    .into(),
            ));
        }
        let bot = self.bot(token).get_me().await.map_err(checked)?;
        let previous = self.token().await;
        let same_bot = previous
            .as_deref()
            .and_then(|p| p.split_once(':'))
            .is_some_and(|(id, _)| token.starts_with(&format!("{id}:")));
        if !same_bot {
            self.inbox()
                .remove_setting(settings::TELEGRAM_OFFSET)
                .await?;
        }
        self.inbox()
            .set_setting(settings::TELEGRAM_TOKEN, token.to_owned())
            .await?;
        self.status().set_bot(Some(bot));
        self.touch();
        self.overview().await
    }

    /// `getMe` with the token in force.
    pub async fn test_telegram(&self) -> Result<Bot, ChannelError> {
        let token = self.token().await.ok_or(ChannelError::NotConfigured)?;
        let bot = self.bot(&token).get_me().await.map_err(checked)?;
        self.status().set_bot(Some(bot.clone()));
        Ok(bot)
    }

    /// Stops the bot (queued replies stay queued).
    pub async fn remove_telegram(&self) -> Result<(), ChannelError> {
        self.inbox()
            .set_setting(settings::TELEGRAM_TOKEN, String::new())
            .await?;
        self.status().set_bot(None);
        self.touch();
        Ok(())
    }

    /// Sets the webhook URL; returns the secret when one was made now.
    pub async fn set_webhook(&self, url: &str) -> Result<(Overview, Option<String>), ChannelError> {
        let url = url.trim();
        let parsed = reqwest::Url::parse(url).map_err(|_| {
            ChannelError::InvalidUrl("The URL must be a full http:// or https:// address".into())
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(ChannelError::InvalidUrl(
                "The URL must be a full http:// or https:// address".into(),
            ));
        }
        let made = if self.setting(settings::WEBHOOK_SECRET, None).await.is_some() {
            None
        } else {
            let secret = crate::ids::random_string(40);
            self.inbox()
                .set_setting(settings::WEBHOOK_SECRET, secret.clone())
                .await?;
            Some(secret)
        };
        self.inbox()
            .set_setting(settings::WEBHOOK_URL, url.to_owned())
            .await?;
        self.status().set(Which::Webhook, "ok", None, None);
        self.touch();
        Ok((self.overview().await?, made))
    }

    /// A new webhook secret; the old one stops at once.
    pub async fn new_webhook_secret(&self) -> Result<String, ChannelError> {
        if self.webhook().await.is_none() {
            return Err(ChannelError::NotConfigured);
        }
        let secret = crate::ids::random_string(40);
        self.inbox()
            .set_setting(settings::WEBHOOK_SECRET, secret.clone())
            .await?;
        self.touch();
        Ok(secret)
    }

    /// Sends a test event now; the receiver's status, or what went wrong.
    pub async fn test_webhook(&self) -> Result<webhook::TestResult, ChannelError> {
        let (url, secret) = self.webhook().await.ok_or(ChannelError::NotConfigured)?;
        Ok(webhook::send_test(&self.inner.http, &url, &secret, self.send_timeout()).await)
    }

    /// Turns the webhook channel off.
    pub async fn remove_webhook(&self) -> Result<(), ChannelError> {
        self.inbox()
            .set_setting(settings::WEBHOOK_URL, String::new())
            .await?;
        self.inbox()
            .remove_setting(settings::WEBHOOK_SECRET)
            .await?;
        self.status().set(Which::Webhook, "off", None, None);
        self.touch();
        Ok(())
    }
}
