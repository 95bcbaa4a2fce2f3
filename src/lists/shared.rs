//! List pages built once and shown to every socket that asks the same: a change nudges every
//! list socket, and without sharing each of them ran the same queries (1,600 open inbox lists
//! made 6,400 page builds a second). A page is kept with the number of nudges there had been
//! when its snapshot began (`Hub::nudges`), so a socket takes it only when it was built after
//! the change that nudged that socket.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::{ListError, conversations, customers};
use crate::protocol::Frame;

/// Pages kept at most; past it, pages older than [`KEEP`] go, and then all.
const MAX_PAGES: usize = 512;

/// How long a page is worth keeping once the map is full.
const KEEP: Duration = Duration::from_secs(1);

/// A list frame as one viewer is shown it, with the digest that tells whether it shows
/// something else than the last one a socket sent.
#[derive(Debug, Clone)]
pub struct Shown {
    pub frame: Frame,
    pub digest: u64,
}

impl Shown {
    #[must_use]
    pub fn new(frame: Frame) -> Self {
        Self {
            digest: digest(&frame),
            frame,
        }
    }
}

/// A digest of a list frame without its `timestamp` (its last field), so two lists that show
/// the same rows, counts and filters have the same digest.
fn digest(frame: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let shown = frame
        .rfind(r#","timestamp":"#)
        .map_or(frame, |end| &frame[..end]);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    shown.hash(&mut hasher);
    hasher.finish()
}

/// One kind of list page: what it is built from and how a viewer is shown it.
pub trait Page: Sized + Send + Sync + 'static {
    /// Sockets whose keys are equal are shown the same page (what the filters ask, and who
    /// asks when the filters depend on it).
    fn key(viewer: i64, filters: &Map<String, Value>) -> String;

    /// Runs the page's queries for `filters` as `viewer` asks them.
    fn build(
        conn: &Connection,
        viewer: i64,
        filters: &Map<String, Value>,
    ) -> Result<Self, ListError>;

    /// The frame `viewer` is sent.
    fn shown(&self, viewer: i64) -> Shown;
}

/// A page and the nudges there had been when its snapshot began.
pub struct Built<P> {
    pub nudges: u64,
    pub page: Arc<P>,
}

impl<P> Clone for Built<P> {
    fn clone(&self) -> Self {
        Self {
            nudges: self.nudges,
            page: Arc::clone(&self.page),
        }
    }
}

/// A key's page and the lock its builders take one after another.
struct Slot<P> {
    kept: Option<(Built<P>, Instant)>,
    /// Held while the key's page is built, so sockets due at once build it once: the others
    /// wait and take it.
    building: Arc<tokio::sync::Mutex<()>>,
}

impl<P> Default for Slot<P> {
    fn default() -> Self {
        Self {
            kept: None,
            building: Arc::default(),
        }
    }
}

/// The pages of one kind, by key.
pub struct Shared<P> {
    slots: Mutex<HashMap<String, Slot<P>>>,
}

impl<P> Default for Shared<P> {
    fn default() -> Self {
        Self {
            slots: Mutex::default(),
        }
    }
}

impl<P: Page> Shared<P> {
    /// The page under `key` built after at least `nudges` nudges, if one is kept.
    pub fn get(&self, key: &str, nudges: u64) -> Option<Built<P>> {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let (built, _) = slots.get(key)?.kept.as_ref()?;
        (built.nudges >= nudges).then(|| built.clone())
    }

    /// The page under `key` built after at least `nudges` nudges: a kept one, or the one
    /// `build` makes (then kept), or the one another caller built meanwhile. The second value
    /// says whether `build` ran.
    pub async fn get_or_build<E>(
        &self,
        key: String,
        nudges: u64,
        build: impl Future<Output = Result<Built<P>, E>>,
    ) -> Result<(Built<P>, bool), E> {
        if let Some(built) = self.get(&key, nudges) {
            return Ok((built, false));
        }
        let building = self.with_slot(&key, |slot| Arc::clone(&slot.building));
        let _turn = building.lock().await;
        if let Some(built) = self.get(&key, nudges) {
            return Ok((built, false));
        }
        let page = build.await?;
        self.put(&key, page.clone());
        Ok((page, true))
    }

    /// Runs `f` on the slot of `key`, made when missing (the map kept under [`MAX_PAGES`]).
    fn with_slot<R>(&self, key: &str, f: impl FnOnce(&mut Slot<P>) -> R) -> R {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if !slots.contains_key(key) && slots.len() >= MAX_PAGES {
            slots.retain(|_, slot| {
                slot.kept
                    .as_ref()
                    .is_some_and(|(_, at)| at.elapsed() < KEEP)
            });
            if slots.len() >= MAX_PAGES {
                slots.clear();
            }
        }
        f(slots.entry(key.to_owned()).or_default())
    }

    /// Keeps `built` under `key`, unless a page built later is already there.
    pub fn put(&self, key: &str, built: Built<P>) {
        self.with_slot(key, |slot| {
            if slot
                .kept
                .as_ref()
                .is_none_or(|(k, _)| k.nudges <= built.nudges)
            {
                slot.kept = Some((built, Instant::now()));
            }
        });
    }
}

/// The shared pages of both list feeds.
#[derive(Default)]
pub struct Pages {
    pub conversations: Shared<conversations::Page>,
    pub customers: Shared<customers::Page>,
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(&'static str);

    impl Page for Fixed {
        fn key(_viewer: i64, _filters: &Map<String, Value>) -> String {
            String::new()
        }

        fn build(_: &Connection, _: i64, _: &Map<String, Value>) -> Result<Self, ListError> {
            Ok(Self("built"))
        }

        fn shown(&self, _viewer: i64) -> Shown {
            Shown::new(self.0.into())
        }
    }

    fn built(nudges: u64, text: &'static str) -> Built<Fixed> {
        Built {
            nudges,
            page: Arc::new(Fixed(text)),
        }
    }

    #[test]
    fn a_page_is_taken_only_when_built_after_the_nudges_asked_for() {
        let shared = Shared::default();
        shared.put("k", built(5, "five"));
        assert!(shared.get("k", 6).is_none());
        assert_eq!(shared.get("k", 5).unwrap().page.0, "five");
        assert_eq!(shared.get("k", 0).unwrap().nudges, 5);
        assert!(shared.get("other", 0).is_none());
    }

    #[test]
    fn an_older_page_never_replaces_a_newer_one() {
        let shared = Shared::default();
        shared.put("k", built(7, "seven"));
        shared.put("k", built(6, "six"));
        assert_eq!(shared.get("k", 0).unwrap().page.0, "seven");
        shared.put("k", built(8, "eight"));
        assert_eq!(shared.get("k", 0).unwrap().page.0, "eight");
    }

    #[tokio::test]
    async fn sockets_due_at_once_build_once_and_a_later_nudge_builds_again() {
        use std::sync::atomic::{AtomicU64, Ordering};
        let (shared, builds) = (Shared::default(), AtomicU64::new(0));
        let builds = &builds;
        let build = |nudges| async move {
            builds.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok::<_, ()>(built(nudges, "page"))
        };
        let asks = (0..8).map(|_| shared.get_or_build("k".into(), 3, build(3)));
        let answers = futures_util::future::join_all(asks).await;
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        assert_eq!(answers.iter().filter(|a| a.as_ref().unwrap().1).count(), 1);
        let (later, fresh) = shared.get_or_build("k".into(), 4, build(4)).await.unwrap();
        assert!(fresh && later.nudges == 4);
        assert_eq!(builds.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn the_map_stays_bounded() {
        let shared = Shared::default();
        for n in 0..MAX_PAGES * 3 {
            shared.put(&n.to_string(), built(1, "x"));
        }
        let kept = shared.slots.lock().unwrap().len();
        assert!(kept <= MAX_PAGES, "{kept} pages kept");
        assert!(shared.get(&(MAX_PAGES * 3 - 1).to_string(), 1).is_some());
    }

    #[test]
    fn the_digest_ignores_the_timestamp_only() {
        let at = |t: &str, count: u8| {
            format!(r#"{{"type":"conversations_list","count":{count},"timestamp":"{t}"}}"#)
        };
        assert_eq!(digest(&at("10:00", 1)), digest(&at("10:01", 1)));
        assert_ne!(digest(&at("10:00", 1)), digest(&at("10:00", 2)));
    }
}
