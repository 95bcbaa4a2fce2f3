//! The first-run checklist (PROTOCOL §6a, §10.14): computed from the store's facts and the
//! Telegram channel's state, published to the `wizard_status` group whenever what it says
//! changes, and the owner's own changes to it (names, skipped steps, putting it away).
//!
//! Building it is one read; builds run one at a time, and a burst of customer messages queues
//! at most one more.

mod checklist;

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::{Inbox, InboxError, InboxResult};
use crate::auth::Identity;
use crate::clock;
use crate::protocol::codes::http as code;
use crate::protocol::server::ServerFrame;
use crate::protocol::setup::{ProfileBody, WizardStatus};
use crate::storage::settings;
use crate::storage::setup::{self, Step};
use crate::storage::users::{self, Role};
use checklist::checklist;

/// The group of every `/ws/wizard-status/` socket.
pub const WIZARD: &str = "wizard_status";

/// Longest business name.
const MAX_BUSINESS: usize = 100;

/// How far the checklist is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetupProgress {
    /// Steps done (skipped ones not counted).
    pub done: usize,
    pub total: usize,
    /// Every step done or skipped.
    pub complete: bool,
}

/// What the checklist keeps between builds.
#[derive(Default)]
pub(super) struct SetupState {
    /// Whether Telegram is polling with a bot `getMe` described, and the bot's username.
    telegram: Mutex<(bool, Option<String>)>,
    /// The checklist last published.
    latest: Mutex<Option<Arc<WizardStatus>>>,
    /// Held while a build runs, so builds publish in the order they read.
    building: tokio::sync::Mutex<()>,
    /// A build was asked for after the running one read.
    queued: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A typed name: trimmed, blank clears it, too long is refused.
fn name_field(value: &str, max: usize, what: &str) -> InboxResult<Option<String>> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(InboxError::invalid(
            code::INVALID_FIELD,
            format!("{what} must be at most {max} characters"),
        ));
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

impl Inbox {
    /// Builds the checklist; publishes it to [`WIZARD`] when it says something new. Returns it
    /// and whether it was published.
    async fn build_setup(&self) -> InboxResult<(Arc<WizardStatus>, bool)> {
        let building = self.setup.building.lock().await;
        self.build_held(&building).await
    }

    /// [`Self::build_setup`] for a caller already holding `building`.
    async fn build_held(
        &self,
        _building: &tokio::sync::MutexGuard<'_, ()>,
    ) -> InboxResult<(Arc<WizardStatus>, bool)> {
        let state = &self.setup;
        state.queued.store(false, Ordering::SeqCst);
        let now = clock::now_db();
        let facts = self.store.read(move |c| setup::facts(c, &now)).await?;
        if facts.answered && !facts.has(settings::ANSWERED) {
            self.store
                .write(|c| settings::set(c, settings::ANSWERED, "1"))
                .await?;
        }
        let (telegram, bot) = lock(&state.telegram).clone();
        let status = Arc::new(checklist(&facts, telegram, bot));
        let mut latest = lock(&state.latest);
        if latest.as_ref().is_some_and(|old| old.same(&status)) {
            return Ok((status, false));
        }
        *latest = Some(Arc::clone(&status));
        drop(latest);
        let frame = ServerFrame::WizardStatus(Box::new((*status).clone())).encode();
        self.hub.publish(WIZARD, &frame);
        Ok((status, true))
    }

    /// The checklist as it is now (`GET /api/v1/setup/`).
    pub async fn setup_now(&self) -> InboxResult<Arc<WizardStatus>> {
        Ok(self.build_setup().await?.0)
    }

    /// The checklist for a socket joining [`WIZARD`]: `join` runs after this build published
    /// (if it did) and before the next one can, so the socket gets each state once, this one
    /// from the return and every later one from the group.
    pub async fn setup_greeting<T>(
        &self,
        join: impl FnOnce() -> T,
    ) -> InboxResult<(WizardStatus, T)> {
        let building = self.setup.building.lock().await;
        let (status, _) = self.build_held(&building).await?;
        Ok(((*status).clone(), join()))
    }

    /// The checklist for a socket already in [`WIZARD`]: `None` when this build published it,
    /// so the socket has it from the group already.
    pub async fn setup_fresh(&self) -> InboxResult<Option<WizardStatus>> {
        let (status, published) = self.build_setup().await?;
        Ok((!published).then(|| (*status).clone()))
    }

    /// How far the checklist was when last built (`None` before the first build); the tray
    /// shows it.
    #[must_use]
    pub fn setup_progress(&self) -> Option<SetupProgress> {
        lock(&self.setup.latest).as_ref().map(|s| SetupProgress {
            done: s.details.done,
            total: s.details.total,
            complete: s.wizard_complete,
        })
    }

    /// Something the checklist shows may have changed: its sockets (and the tray) get the new
    /// state. Failing to build it fails nothing else (it is logged).
    pub(super) async fn setup_changed(&self) {
        if let Err(e) = self.build_setup().await {
            tracing::error!("could not build the setup checklist: {e}");
        }
    }

    /// A message was stored: the test step may be done, and shows the newest customer message.
    /// A burst queues one build, not one per message; nothing is built once the test is done.
    pub(super) fn setup_message_stored(&self) {
        let tested = lock(&self.setup.latest).as_ref().is_some_and(|s| {
            s.details
                .steps
                .iter()
                .any(|v| v.step == Step::Test.as_str() && v.state == "done")
        });
        if tested || self.setup.queued.swap(true, Ordering::SeqCst) {
            return;
        }
        let inbox = self.clone();
        tokio::spawn(async move { inbox.setup_changed().await });
    }

    /// The Telegram channel started or stopped polling with a described bot.
    pub async fn set_telegram_live(&self, live: bool, bot: Option<String>) {
        let now = (live, bot);
        let changed = {
            let mut telegram = lock(&self.setup.telegram);
            let changed = *telegram != now;
            *telegram = now;
            changed
        };
        if changed {
            self.setup_changed().await;
        }
    }

    /// Sets the owner's and the business's names; the owner's becomes `by`'s display name.
    pub async fn save_profile(
        &self,
        by: &Identity,
        body: ProfileBody,
    ) -> InboxResult<Arc<WizardStatus>> {
        let ProfileBody {
            owner_name,
            business_name,
        } = body;
        let owner = owner_name
            .map(|name| name_field(&name, super::owner::MAX_NAME, "the name"))
            .transpose()?;
        let business = business_name
            .map(|name| name_field(&name, MAX_BUSINESS, "the business's name"))
            .transpose()?;
        let id = by.user.id;
        self.store
            .write(move |c| {
                if let Some(Some(name)) = &owner {
                    users::set_details(c, id, Some(name), Some(""), None)?;
                }
                for (key, value) in [
                    (settings::OWNER, owner),
                    (settings::BUSINESS_NAME, business),
                ] {
                    match value {
                        Some(Some(v)) => settings::set(c, key, &v)?,
                        Some(None) => {
                            settings::remove(c, key)?;
                        }
                        None => {}
                    }
                }
                Ok(())
            })
            .await?;
        tracing::info!("{} saved the setup profile", by.user.username);
        self.setup_now().await
    }

    /// Skips a step (`skip`) or takes it up again.
    pub async fn skip_step(
        &self,
        by: &Identity,
        step: &str,
        skip: bool,
    ) -> InboxResult<Arc<WizardStatus>> {
        let step = Step::parse(step).ok_or_else(|| {
            InboxError::invalid(
                code::UNKNOWN_SETUP_STEP,
                "steps are profile, password, telegram, team, device and test",
            )
        })?;
        let key = step.skipped_key();
        self.store
            .write(move |c| {
                if skip {
                    settings::set(c, &key, "1")
                } else {
                    settings::remove(c, &key).map(drop)
                }
            })
            .await?;
        let did = if skip { "skipped" } else { "resumed" };
        tracing::info!("{} {did} setup step {}", by.user.username, step.as_str());
        self.setup_now().await
    }

    /// Puts the checklist away (`dismissed`) or brings it back.
    pub async fn dismiss_setup(
        &self,
        by: &Identity,
        dismissed: bool,
    ) -> InboxResult<Arc<WizardStatus>> {
        self.store
            .write(move |c| {
                if dismissed {
                    settings::set(c, settings::SETUP_DISMISSED, "1")
                } else {
                    settings::remove(c, settings::SETUP_DISMISSED).map(drop)
                }
            })
            .await?;
        let did = if dismissed { "put away" } else { "reopened" };
        tracing::info!("{} {did} the setup checklist", by.user.username);
        self.setup_now().await
    }

    /// Notes a sign-in for the checklist: an admin's ends the owner's first visit, one from
    /// another device than this computer completes the device step. Writes (and rebuilds the
    /// checklist) only the first time each happens.
    pub(super) async fn setup_signed_in(&self, from: IpAddr, role: Role) -> InboxResult<()> {
        let mut keys = Vec::new();
        if role == Role::Admin {
            keys.push(settings::ADMIN_SIGNED_IN);
        }
        if !from.is_loopback() {
            keys.push(settings::DEVICE_SIGNED_IN);
        }
        if keys.is_empty() {
            return Ok(());
        }
        let new = self
            .store
            .read(move |c| {
                let mut new = Vec::new();
                for key in keys {
                    if settings::get(c, key)?.is_none() {
                        new.push(key);
                    }
                }
                Ok(new)
            })
            .await?;
        if new.is_empty() {
            return Ok(());
        }
        self.store
            .write(move |c| new.iter().try_for_each(|key| settings::set(c, key, "1")))
            .await?;
        self.setup_changed().await;
        Ok(())
    }

    /// An admin changed their own password: the password step is done.
    pub(super) async fn setup_password_changed(&self) -> InboxResult<()> {
        self.store
            .write(|c| settings::set(c, settings::PASSWORD_CHANGED, "1"))
            .await?;
        self.setup_changed().await;
        Ok(())
    }
}
