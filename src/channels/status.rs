//! What each channel is doing now, in plain words, for the Channels page and the tray: a state,
//! since when, the last error and what to do about it.

use std::sync::Mutex;

use tokio::sync::watch;

use crate::channels::telegram::api::Bot;
use crate::clock;

/// One channel's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Telegram: `off`, `connecting`, `polling`, `unreachable`, `error`; webhook: `off`, `ok`,
    /// `unreachable`, `error`.
    pub state: &'static str,
    /// When this state began (stored form).
    pub since: String,
    pub last_error: Option<String>,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Link {
    fn off() -> Self {
        Self {
            state: "off",
            since: clock::now_db(),
            last_error: None,
            hint: None,
        }
    }
}

/// Both channels' states, the bot and the last update's time.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub telegram: Link,
    pub webhook: Link,
    pub bot: Option<Bot>,
    pub last_update_at: Option<String>,
    /// Replies waiting for Telegram and for the webhook, as the delivery tasks last counted.
    pub waiting: [i64; 2],
}

impl Snapshot {
    /// Whether Telegram works: polling, or connecting with a bot `getMe` described (the first
    /// long poll has not returned yet); and the bot's username.
    #[must_use]
    pub fn telegram_live(&self) -> (bool, Option<String>) {
        let state = self.telegram.state;
        let live = state == "polling" || (state == "connecting" && self.bot.is_some());
        let bot = self.bot.as_ref().and_then(|b| b.username.clone());
        (live, bot.filter(|_| live))
    }
}

/// The shared, short-locked state (a std mutex, never held across an await), and a watch of
/// [`Snapshot::telegram_live`] for the setup checklist.
#[derive(Debug)]
pub struct Status(Mutex<Snapshot>, watch::Sender<(bool, Option<String>)>);

impl Default for Status {
    fn default() -> Self {
        let snapshot = Snapshot {
            telegram: Link::off(),
            webhook: Link::off(),
            bot: None,
            last_update_at: None,
            waiting: [0, 0],
        };
        Self(Mutex::new(snapshot), watch::Sender::new((false, None)))
    }
}

/// Which channel a state belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Telegram = 0,
    Webhook = 1,
}

impl Status {
    fn with<T>(&self, f: impl FnOnce(&mut Snapshot) -> T) -> T {
        let mut snapshot = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let out = f(&mut snapshot);
        let live = snapshot.telegram_live();
        self.1.send_if_modified(|was| {
            let changed = *was != live;
            *was = live;
            changed
        });
        out
    }

    /// Changes whenever [`Snapshot::telegram_live`] does.
    #[must_use]
    pub fn telegram_live(&self) -> watch::Receiver<(bool, Option<String>)> {
        self.1.subscribe()
    }

    /// A copy of everything.
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        self.with(|s| s.clone())
    }

    /// Sets a channel's state; `since` moves only when the state itself changes.
    pub fn set(
        &self,
        which: Which,
        state: &'static str,
        error: Option<String>,
        hint: Option<&str>,
    ) {
        self.with(|s| {
            let link = match which {
                Which::Telegram => &mut s.telegram,
                Which::Webhook => &mut s.webhook,
            };
            if link.state != state {
                let name = match which {
                    Which::Telegram => "Telegram",
                    Which::Webhook => "the webhook",
                };
                if let ("unreachable" | "error", Some(why)) = (state, &error) {
                    tracing::warn!("{name} is {state}: {why}");
                } else {
                    tracing::info!("{name} is {state}");
                }
                link.state = state;
                link.since = clock::now_db();
            }
            if state == "polling" || state == "ok" || state == "off" || error.is_some() {
                link.last_error = error;
                link.hint = hint.map(str::to_owned);
            }
        });
    }

    /// The bot `getMe` described.
    pub fn set_bot(&self, bot: Option<Bot>) {
        self.with(|s| s.bot = bot);
    }

    /// The delivery task of `which` counted `n` replies waiting.
    pub fn set_waiting(&self, which: Which, n: i64) {
        self.with(|s| s.waiting[which as usize] = n);
    }

    /// Updates arrived now.
    pub fn updates_arrived(&self) {
        self.with(|s| s.last_update_at = Some(clock::now_db()));
    }
}
