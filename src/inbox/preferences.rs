//! Each agent's own page preferences (sound, desktop notifications, only mine, language,
//! calendar): read with defaults for what was never set, and changed key by key, each key and
//! value checked, the merge done in the writer's transaction so two saves at once lose neither.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Inbox, InboxError, InboxResult};
use crate::auth::Identity;
use crate::protocol::codes::http as code;
use crate::protocol::preferences::{CALENDARS, KEYS, LANGS, SOUNDS};
use crate::storage::preferences::{self, PreferencesRow};

/// What a new agent gets before saving anything.
const DEFAULT_SOUND: &str = "chime";
/// Longest key echoed back in an error text.
const MAX_KEY_SHOWN: usize = 40;

/// An agent's preferences, as stored and as answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub sound: String,
    pub notify: bool,
    pub only_mine: bool,
    pub lang: Option<String>,
    pub calendar: Option<String>,
    /// When they were last saved (database time), `None` if never.
    #[serde(skip)]
    pub updated_at: Option<String>,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            sound: DEFAULT_SOUND.to_owned(),
            notify: false,
            only_mine: false,
            lang: None,
            calendar: None,
            updated_at: None,
        }
    }
}

impl Preferences {
    /// The stored object; a value this build does not take (written by a newer one) falls back
    /// to its default rather than failing the page.
    fn from_row(row: Option<PreferencesRow>) -> Self {
        let Some(row) = row else {
            return Self::default();
        };
        let mut prefs: Self = serde_json::from_str(&row.body).unwrap_or_default();
        if !SOUNDS.contains(&prefs.sound.as_str()) {
            DEFAULT_SOUND.clone_into(&mut prefs.sound);
        }
        let known = |v: &Option<String>, allowed: &[&str]| {
            v.as_deref().is_some_and(|v| allowed.contains(&v))
        };
        if !known(&prefs.lang, LANGS) {
            prefs.lang = None;
        }
        if !known(&prefs.calendar, CALENDARS) {
            prefs.calendar = None;
        }
        prefs.updated_at = Some(row.updated_at);
        prefs
    }
}

/// A checked change: what is `Some` changes (`null` on the wire has become the default here).
#[derive(Debug, Default)]
pub struct PreferenceChanges {
    sound: Option<String>,
    notify: Option<bool>,
    only_mine: Option<bool>,
    lang: Option<Choice>,
    calendar: Option<Choice>,
}

/// A change to a key the agent may leave unchosen: a value, or `null` for none.
#[derive(Debug)]
enum Choice {
    Pick(String),
    Unchosen,
}

impl From<Option<String>> for Choice {
    fn from(value: Option<String>) -> Self {
        value.map_or(Self::Unchosen, Self::Pick)
    }
}

impl From<Choice> for Option<String> {
    fn from(choice: Choice) -> Self {
        match choice {
            Choice::Pick(value) => Some(value),
            Choice::Unchosen => None,
        }
    }
}

fn refused(key: &str, why: &str) -> InboxError {
    let shown: String = key.chars().take(MAX_KEY_SHOWN).collect();
    InboxError::invalid(
        code::INVALID_PREFERENCE,
        format!("Invalid preference '{shown}': {why}"),
    )
}

/// One of `allowed`, or `null` for none chosen.
fn one_of(key: &str, value: &Value, allowed: &[&str]) -> InboxResult<Option<String>> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if allowed.contains(&s.as_str()) => Ok(Some(s.clone())),
        _ => Err(refused(
            key,
            &format!("expected one of {} or null", allowed.join(", ")),
        )),
    }
}

/// A true/false preference; `null` is its default, false.
fn flag(key: &str, value: &Value) -> InboxResult<bool> {
    match value {
        Value::Null => Ok(false),
        Value::Bool(b) => Ok(*b),
        _ => Err(refused(key, "expected true, false or null")),
    }
}

impl TryFrom<Value> for PreferenceChanges {
    type Error = InboxError;

    fn try_from(body: Value) -> InboxResult<Self> {
        let Value::Object(map) = body else {
            return Err(InboxError::invalid(
                code::INVALID_PREFERENCE,
                "Preferences must be a JSON object",
            ));
        };
        Self::try_from(map)
    }
}

impl TryFrom<Map<String, Value>> for PreferenceChanges {
    type Error = InboxError;

    fn try_from(map: Map<String, Value>) -> InboxResult<Self> {
        let mut changes = Self::default();
        for (key, value) in &map {
            match key.as_str() {
                "sound" => {
                    let sound = one_of(key, value, SOUNDS)?;
                    changes.sound = Some(sound.unwrap_or_else(|| DEFAULT_SOUND.to_owned()));
                }
                "notify" => changes.notify = Some(flag(key, value)?),
                "only_mine" => changes.only_mine = Some(flag(key, value)?),
                "lang" => changes.lang = Some(one_of(key, value, LANGS)?.into()),
                "calendar" => changes.calendar = Some(one_of(key, value, CALENDARS)?.into()),
                _ => {
                    let why = format!("not a known preference ({})", KEYS.join(", "));
                    return Err(refused(key, &why));
                }
            }
        }
        Ok(changes)
    }
}

impl PreferenceChanges {
    fn apply(self, prefs: &mut Preferences) {
        if let Some(sound) = self.sound {
            prefs.sound = sound;
        }
        if let Some(notify) = self.notify {
            prefs.notify = notify;
        }
        if let Some(only_mine) = self.only_mine {
            prefs.only_mine = only_mine;
        }
        if let Some(lang) = self.lang {
            prefs.lang = lang.into();
        }
        if let Some(calendar) = self.calendar {
            prefs.calendar = calendar.into();
        }
    }
}

impl Inbox {
    /// The caller's preferences, defaults for what they never set.
    pub async fn preferences(&self, me: &Identity) -> InboxResult<Preferences> {
        let id = me.user.id;
        let row = self.store.read(move |c| preferences::get(c, id)).await?;
        Ok(Preferences::from_row(row))
    }

    /// Changes the keys `changes` names and keeps the others; returns the result.
    pub async fn set_preferences(
        &self,
        me: &Identity,
        changes: PreferenceChanges,
    ) -> InboxResult<Preferences> {
        let id = me.user.id;
        let row = self
            .store
            .write(move |c| {
                let mut prefs = Preferences::from_row(preferences::get(c, id)?);
                changes.apply(&mut prefs);
                let body = serde_json::to_string(&prefs).unwrap_or_else(|_| "{}".to_owned());
                preferences::put(c, id, &body)
            })
            .await?;
        Ok(Preferences::from_row(Some(row)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn changes(body: Value) -> InboxResult<PreferenceChanges> {
        PreferenceChanges::try_from(body)
    }

    fn text(e: &InboxError) -> String {
        e.to_string()
    }

    #[test]
    fn known_keys_change_and_null_resets() {
        let mut prefs = Preferences::default();
        changes(json!({"sound": "bell", "notify": true}))
            .unwrap()
            .apply(&mut prefs);
        assert_eq!((prefs.sound.as_str(), prefs.notify), ("bell", true));
        changes(json!({"sound": null})).unwrap().apply(&mut prefs);
        assert_eq!((prefs.sound.as_str(), prefs.notify), ("chime", true));
    }

    #[test]
    fn bad_keys_and_values_are_named() {
        let e = text(&changes(json!({"volume": 3})).unwrap_err());
        assert!(e.contains("'volume': not a known preference"), "{e}");
        let e = text(&changes(json!({"sound": "siren"})).unwrap_err());
        assert!(e.contains("expected one of chime, bell, pop, off"), "{e}");
        let e = text(&changes(json!({"notify": "yes"})).unwrap_err());
        assert!(e.contains("'notify': expected true, false or null"), "{e}");
        let e = text(&changes(json!({"lang": "de"})).unwrap_err());
        assert!(e.contains("'lang': expected one of fa, en or null"), "{e}");
        let e = text(&changes(json!({"calendar": "julian"})).unwrap_err());
        assert!(
            e.contains("expected one of persian, gregorian or null"),
            "{e}"
        );
        let e = text(&changes(json!(["sound"])).unwrap_err());
        assert!(e.contains("must be a JSON object"), "{e}");
    }

    #[test]
    fn a_stored_value_this_build_does_not_know_falls_back() {
        let row = PreferencesRow {
            body: r#"{"sound": "from-the-future", "notify": true, "extra": 1}"#.into(),
            updated_at: "t".into(),
        };
        let prefs = Preferences::from_row(Some(row));
        assert_eq!((prefs.sound.as_str(), prefs.notify), ("chime", true));
        let row = PreferencesRow {
            body: r#"{"lang": "de", "calendar": "gregorian"}"#.into(),
            updated_at: "t".into(),
        };
        let prefs = Preferences::from_row(Some(row));
        assert_eq!(
            (prefs.lang, prefs.calendar.as_deref()),
            (None, Some("gregorian"))
        );
    }

    #[test]
    fn language_and_calendar_are_chosen_and_cleared() {
        let mut prefs = Preferences::default();
        changes(json!({"lang": "en", "calendar": "gregorian"}))
            .unwrap()
            .apply(&mut prefs);
        assert_eq!(
            (prefs.lang.as_deref(), prefs.calendar.as_deref()),
            (Some("en"), Some("gregorian"))
        );
        changes(json!({"calendar": null}))
            .unwrap()
            .apply(&mut prefs);
        assert_eq!((prefs.lang.as_deref(), prefs.calendar), (Some("en"), None));
    }
}
