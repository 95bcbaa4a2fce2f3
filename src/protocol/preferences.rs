//! An agent's page preferences on the wire (`usr/me/preferences`, PROTOCOL §10.2): the keys
//! there are, the values each takes, and the object the server answers with.

use serde::Serialize;

/// The sounds a new customer message can play, `off` for none; the page synthesises each.
pub const SOUNDS: &[&str] = &["chime", "bell", "pop", "off"];

/// The page's languages.
pub const LANGS: &[&str] = &["fa", "en"];

/// The calendars dates are written in: Solar Hijri and Gregorian.
pub const CALENDARS: &[&str] = &["persian", "gregorian"];

/// Every key a client may set.
pub const KEYS: &[&str] = &["sound", "notify", "only_mine", "lang", "calendar"];

/// Largest `PUT` body in bytes: a handful of short keys fits many times over.
pub const MAX_BODY: u64 = 4096;

/// The caller's preferences, every key present (defaults for those never set).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PreferencesView {
    /// One of [`SOUNDS`].
    pub sound: String,
    /// Whether the agent wants desktop notifications (the browser's permission is apart).
    pub notify: bool,
    /// Attention (sound, notification, count) only for conversations assigned to the agent,
    /// not for unassigned ones too.
    pub only_mine: bool,
    /// One of [`LANGS`]; `null` until the agent picks one (the page follows the browser).
    pub lang: Option<String>,
    /// One of [`CALENDARS`]; `null` for the language's own (Solar Hijri in Persian).
    pub calendar: Option<String>,
    /// When they were last saved, `null` if never.
    pub updated_at: Option<String>,
}
