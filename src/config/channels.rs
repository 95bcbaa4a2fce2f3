//! The `[telegram]`, `[webhook]` and `[channels]` sections: how replies leave the box and
//! customer messages enter it (PROTOCOL §13). A token or URL set from the agent page (stored in
//! the database) wins over the one here.

use std::time::Duration;

use serde::Deserialize;

/// The Telegram bot.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelegramConfig {
    /// The token from `@BotFather`.
    pub bot_token: Option<String>,
    /// The Bot API server (a self-hosted one, or a stand-in in tests).
    pub api_url: String,
    /// Seconds one `getUpdates` long poll waits for updates.
    pub poll_timeout_secs: u64,
    /// Messages the bot sends per second in all (Telegram allows about 30).
    pub max_per_second: u32,
    /// Messages the bot sends per second into one chat (Telegram allows about 1).
    pub per_chat_per_second: u32,
}

impl std::fmt::Debug for TelegramConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramConfig")
            .field("bot_token", &self.bot_token.as_ref().map(|_| "…"))
            .field("api_url", &self.api_url)
            .field("poll_timeout_secs", &self.poll_timeout_secs)
            .finish_non_exhaustive()
    }
}

impl Default for TelegramConfig {
    fn default() -> Self {
        Self {
            bot_token: None,
            api_url: "https://api.telegram.org".to_owned(),
            poll_timeout_secs: 50,
            max_per_second: 30,
            per_chat_per_second: 1,
        }
    }
}

/// The webhook channel.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookConfig {
    /// Where replies in `api` conversations are sent (`POST`).
    pub url: Option<String>,
    /// The address a receiver reaches this box at, which links to files in replies start with;
    /// without it they are relative (`/media/…`).
    pub public_url: Option<String>,
}

/// Settings every channel shares: retries and sizes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChannelsConfig {
    /// Milliseconds before the first retry of a failed send; each retry waits twice as long.
    pub retry_first_ms: u64,
    /// Longest wait between retries, in seconds.
    pub retry_max_secs: u64,
    /// Hours a reply is retried before it is marked failed.
    pub give_up_hours: u64,
    /// Seconds one send may take.
    pub send_timeout_secs: u64,
    /// Largest file, in megabytes, a customer can send in or an agent can attach.
    pub max_media_mb: u64,
}

impl Default for ChannelsConfig {
    fn default() -> Self {
        Self {
            retry_first_ms: 2000,
            retry_max_secs: 600,
            give_up_hours: 72,
            send_timeout_secs: 30,
            max_media_mb: 20,
        }
    }
}

impl ChannelsConfig {
    /// The wait before retry number `attempt` (1 = the first retry): doubling, capped.
    #[must_use]
    pub fn backoff(&self, attempt: i64) -> Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        let wait = self.retry_first_ms.saturating_mul(1_u64 << doublings);
        Duration::from_millis(wait.min(self.retry_max_secs.saturating_mul(1000)))
    }

    /// How long a reply is retried.
    #[must_use]
    pub fn give_up_after(&self) -> Duration {
        Duration::from_secs(self.give_up_hours.saturating_mul(3600))
    }

    #[must_use]
    pub fn max_media_bytes(&self) -> u64 {
        self.max_media_mb.saturating_mul(1024 * 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let c = ChannelsConfig {
            retry_first_ms: 1000,
            retry_max_secs: 5,
            ..ChannelsConfig::default()
        };
        let waits: Vec<u128> = (1..=5).map(|n| c.backoff(n).as_millis()).collect();
        assert_eq!(waits, [1000, 2000, 4000, 5000, 5000]);
        assert_eq!(c.backoff(1000), Duration::from_secs(5));
    }

    #[test]
    fn the_token_is_not_in_debug_output() {
        let c = TelegramConfig {
            bot_token: Some("123:secret".into()),
            ..TelegramConfig::default()
        };
        assert!(!format!("{c:?}").contains("secret"));
    }
}
