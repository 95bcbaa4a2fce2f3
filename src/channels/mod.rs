//! What leaves or enters the box from outside: the Telegram bot (long polling in, replies out),
//! the webhook channel (replies out), and the delivery task that takes the persisted outbox to
//! them. Channels change state only through the inbox, like any transport; they read the store.
//!
//! May use `inbox`, `storage`, `media`, `config`; never `ws` or `http`.

mod attempt;
pub mod client;
mod delivery;
pub mod settings;
pub mod status;
pub mod telegram;
pub mod webhook;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::inbox::Inbox;
use crate::media::MediaStore;
use crate::storage::{Store, outbox};

pub use settings::ChannelError;
use status::Status;

/// The channels of a running server; cheap to clone.
#[derive(Clone)]
pub struct Channels {
    inner: Arc<Shared>,
}

struct Shared {
    config: Arc<Config>,
    store: Store,
    inbox: Inbox,
    media: MediaStore,
    http: reqwest::Client,
    status: Status,
    /// Bumped when a channel setting changes, so the poller and the delivery tasks look again.
    changed: watch::Sender<u64>,
}

impl Channels {
    /// The channels; fails only if the system's certificate store cannot be used.
    pub fn new(
        config: Arc<Config>,
        store: Store,
        inbox: Inbox,
        media: MediaStore,
    ) -> Result<Self, String> {
        Ok(Self {
            inner: Arc::new(Shared {
                http: client::build()?,
                config,
                store,
                inbox,
                media,
                status: Status::default(),
                changed: watch::Sender::new(0),
            }),
        })
    }

    /// Starts the poller and one delivery task per channel; they end when `stop` turns true,
    /// each after finishing the send it is in.
    pub fn spawn(&self, stop: &watch::Receiver<bool>) -> JoinHandle<()> {
        let poller = tokio::spawn(telegram::poll::run(self.clone(), stop.clone()));
        let telegram = tokio::spawn(delivery::run(self.clone(), outbox::TELEGRAM, stop.clone()));
        let webhook = tokio::spawn(delivery::run(self.clone(), outbox::WEBHOOK, stop.clone()));
        let live = tokio::spawn(report_live(self.clone(), stop.clone()));
        tokio::spawn(async move {
            let _ = tokio::join!(poller, telegram, webhook, live);
        })
    }

    fn config(&self) -> &Config {
        &self.inner.config
    }

    fn store(&self) -> &Store {
        &self.inner.store
    }

    fn inbox(&self) -> &Inbox {
        &self.inner.inbox
    }

    fn status(&self) -> &Status {
        &self.inner.status
    }

    fn settings_changed(&self) -> watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }

    fn touch(&self) {
        self.inner.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    fn send_timeout(&self) -> Duration {
        Duration::from_secs(self.config().channels.send_timeout_secs.max(1))
    }

    /// The status line for the tray: `None` when every configured channel is healthy.
    #[must_use]
    pub fn tray_line(&self) -> Option<String> {
        let now = self.status().snapshot();
        let mut parts = Vec::new();
        for (name, link, waiting) in [
            ("Telegram", &now.telegram, now.waiting[0]),
            ("Webhook", &now.webhook, now.waiting[1]),
        ] {
            if !matches!(link.state, "unreachable" | "error") {
                continue;
            }
            let since = crate::clock::parse(&link.since)
                .map(|t| t.with_timezone(&chrono::Local).format("%H:%M").to_string())
                .unwrap_or_default();
            let mut line = if link.state == "unreachable" {
                format!("{name} unreachable since {since}")
            } else {
                format!("{name}: {}", link.last_error.as_deref().unwrap_or("error"))
            };
            if waiting > 0 {
                let s = if waiting == 1 { "reply" } else { "replies" };
                let _ = write!(line, " · {waiting} {s} waiting");
            }
            parts.push(line);
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Tells the inbox (for the setup checklist) each time Telegram starts or stops working, after
/// building the checklist once at start (the tray shows how far it is).
async fn report_live(ch: Channels, mut stop: watch::Receiver<bool>) {
    if let Err(e) = ch.inbox().setup_now().await {
        tracing::error!("could not build the setup checklist: {e}");
    }
    let mut live = ch.status().telegram_live();
    loop {
        let now = live.borrow_and_update().clone();
        ch.inbox().set_telegram_live(now.0, now.1).await;
        tokio::select! {
            _ = stop.changed() => return,
            changed = live.changed() => if changed.is_err() { return },
        }
    }
}
