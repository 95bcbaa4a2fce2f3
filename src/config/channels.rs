//! The `[channels]` section: what the channels that reach customers share.

use serde::Deserialize;

/// Settings every channel shares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChannelsConfig {
    /// Largest file, in megabytes, a customer can send in or an agent can attach.
    pub max_media_mb: u64,
}

impl Default for ChannelsConfig {
    fn default() -> Self {
        Self { max_media_mb: 20 }
    }
}

impl ChannelsConfig {
    #[must_use]
    pub fn max_media_bytes(&self) -> u64 {
        self.max_media_mb.saturating_mul(1024 * 1024)
    }
}
