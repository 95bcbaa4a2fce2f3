//! The service layer: one method of [`Inbox`] per change of state. Each validates its input into
//! a typed value (`TryFrom` from the wire types of [`crate::protocol`]), persists it through the
//! storage writer, then publishes what changed ([`publish`]). The transports (`ws`, `http`) and
//! the server's own tasks (presence, revocations) call these and never write to the store or
//! publish to the hub themselves; a channel that delivers replies out of the box attaches here.
//!
//! May use `storage`, `hub`, `auth`, `gate` and `protocol` (for the frames it publishes); never
//! `ws` or `http`.

mod conversations;
mod customers;
mod deliveries;
pub mod error;
mod invites;
mod messages;
mod own_password;
mod owner;
mod preferences;
mod presence;
pub mod publish;
pub mod revocations;
mod saved_replies;
mod sessions;
mod setup;
mod users;

use std::sync::Arc;

use tokio::sync::{Notify, watch};

use crate::auth::Auth;
use crate::gate::Gate;
use crate::hub::Hub;
use crate::storage::Store;

pub use conversations::{Assignment, StatusChange};
pub use customers::CustomerEdit;
pub use deliveries::{Edit, InboundMedia, PlatformUpdate};
pub use error::{Action, ClientError, InboxError, InviteRefusal};
pub use invites::CreatedInvite;
pub use messages::{Draft, Feedback, InboundMessage, PendingMessage, Sent};
pub use owner::OwnerStatus;
pub use preferences::{PreferenceChanges, Preferences};
pub use saved_replies::ReplyForm;
pub use sessions::SignIn;
pub use setup::{SetupProgress, WIZARD};
pub use users::{NewUserForm, UserChanges};

/// The result of an inbox call.
pub type InboxResult<T> = Result<T, InboxError>;

/// The inbox: cheap to clone, shared by every transport.
#[derive(Clone)]
pub struct Inbox {
    store: Store,
    hub: Hub,
    auth: Auth,
    gate: Gate,
    /// Wakes the revocation watcher, so sockets of a token revoked here close at once (the
    /// watcher also polls the log for revocations made by the CLI in another process).
    revoked: Arc<Notify>,
    /// Counts replies queued for a channel, so the delivery tasks wake for each.
    queued: Arc<watch::Sender<u64>>,
    /// The first-run checklist's last state and its builds.
    setup: Arc<setup::SetupState>,
}

impl Inbox {
    #[must_use]
    pub fn new(store: Store, hub: Hub, auth: Auth, gate: Gate) -> Self {
        Self {
            store,
            hub,
            auth,
            gate,
            revoked: Arc::new(Notify::new()),
            queued: Arc::new(watch::Sender::new(0)),
            setup: Arc::default(),
        }
    }

    /// Resolves when a token was revoked through this inbox.
    pub async fn revocation_made(&self) {
        self.revoked.notified().await;
    }

    /// Changes each time a reply is queued for a channel (the delivery tasks watch it).
    #[must_use]
    pub fn queued_replies(&self) -> watch::Receiver<u64> {
        self.queued.subscribe()
    }

    fn reply_queued(&self) {
        self.queued.send_modify(|n| *n = n.wrapping_add(1));
    }

    fn revocation(&self) {
        self.revoked.notify_one();
    }
}
