//! `AppState`: everything a request or socket needs, as cheap clones passed to every filter.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::auth::Auth;
use crate::config::Config;
use crate::gate::Gate;
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::storage::Store;

/// Shared server state; cloning it clones handles, not data.
#[derive(Clone)]
pub struct AppState {
    /// Configuration.
    pub config: Arc<Config>,
    /// The database.
    pub store: Store,
    /// Groups and open sockets.
    pub hub: Hub,
    /// Tokens and users.
    pub auth: Auth,
    /// Blacklist, origins and rate limits.
    pub gate: Gate,
    /// The key integrations present in `X-Integration-Key`.
    pub integration_key: Arc<str>,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Wakes the revocation watcher after an in-process revocation, so sockets close at once.
    pub revoked: Arc<Notify>,
}
