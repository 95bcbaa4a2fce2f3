//! `AppState`: everything a request or socket needs, as cheap clones passed to every filter.

use std::sync::Arc;

use crate::auth::Auth;
use crate::channels::Channels;
use crate::config::Config;
use crate::gate::Gate;
use crate::hub::Hub;
use crate::inbox::Inbox;
use crate::lists::shared::Pages;
use crate::media::MediaStore;
use crate::metrics::Metrics;
use crate::onboarding::Onboarding;
use crate::storage::Store;

/// Shared server state; cloning it clones handles, not data. Transports read through `store`
/// and change things only through `inbox`.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    /// Groups and open sockets: transports join groups; the inbox publishes to them.
    pub hub: Hub,
    /// Verifies the tokens callers present.
    pub auth: Auth,
    /// Blacklist, origins and rate limits.
    pub gate: Gate,
    pub inbox: Inbox,
    /// List pages built once for every list socket that shows the same.
    pub pages: Arc<Pages>,
    /// The files of messages.
    pub media: MediaStore,
    /// The Telegram bot and the webhook channel.
    pub channels: Channels,
    /// The key integrations present in `X-Integration-Key`.
    pub integration_key: Arc<str>,
    pub metrics: Arc<Metrics>,
    /// The address agents' devices open, once the server listens (`None` before): invite links
    /// start with it.
    pub onboarding: Option<Onboarding>,
}
