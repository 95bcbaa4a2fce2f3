//! What a Bot API update becomes: a customer's message (with the file to fetch, if it carries
//! one), an edit, or something the box does not take (named, so it is logged once).

use serde::Deserialize;
use serde_json::Value;

use crate::media::MediaKind;

// The structs mirror the Bot API's objects, field names included.
#[derive(Deserialize)]
#[allow(clippy::struct_field_names)]
struct Update {
    update_id: i64,
    message: Option<Message>,
    edited_message: Option<Message>,
}

#[derive(Deserialize)]
#[allow(clippy::struct_field_names)]
struct Message {
    message_id: i64,
    chat: Chat,
    from: Option<User>,
    text: Option<String>,
    caption: Option<String>,
    photo: Option<Vec<PhotoSize>>,
    voice: Option<File>,
    audio: Option<File>,
    video: Option<File>,
    video_note: Option<File>,
    animation: Option<File>,
    document: Option<File>,
    sticker: Option<File>,
}

#[derive(Deserialize)]
struct Chat {
    id: i64,
    #[serde(rename = "type")]
    kind: String,
    first_name: Option<String>,
    last_name: Option<String>,
    username: Option<String>,
}

#[derive(Deserialize)]
struct User {
    first_name: Option<String>,
    last_name: Option<String>,
    username: Option<String>,
}

#[derive(Deserialize)]
struct PhotoSize {
    file_id: String,
    file_size: Option<u64>,
    width: Option<u64>,
    height: Option<u64>,
}

#[derive(Deserialize)]
#[allow(clippy::struct_field_names)]
struct File {
    file_id: String,
    file_name: Option<String>,
    mime_type: Option<String>,
    file_size: Option<u64>,
}

/// A file a message carries, to fetch with `getFile`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub file_id: String,
    pub name: String,
    pub content_type: String,
    pub kind: MediaKind,
    /// The size Telegram announced, if it did.
    pub size: Option<u64>,
}

/// A customer's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// The chat id: the customer's `source_id`.
    pub chat_id: String,
    pub message_id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub username: Option<String>,
    /// The text or the caption (empty for a file without one).
    pub content: String,
    pub file: Option<Wanted>,
}

/// What one update is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    New(Incoming),
    Edited(Incoming),
    /// Not taken; the text names what it was (logged once per kind).
    Skipped(&'static str),
}

/// The update's id, if it has one (every update does; a garbled one is skipped by it).
#[must_use]
pub fn update_id(update: &Value) -> Option<i64> {
    update.get("update_id").and_then(Value::as_i64)
}

/// Reads one update.
#[must_use]
pub fn parse(update: Value) -> Parsed {
    let Ok(update) = serde_json::from_value::<Update>(update) else {
        return Parsed::Skipped("an update pilito-box could not read");
    };
    let _ = update.update_id;
    match (update.message, update.edited_message) {
        (Some(m), _) => incoming(m).map_or_else(Parsed::Skipped, Parsed::New),
        (None, Some(m)) => incoming(m).map_or_else(Parsed::Skipped, Parsed::Edited),
        (None, None) => Parsed::Skipped("an update that is not a message (a callback, a poll, …)"),
    }
}

fn file(f: File, kind: MediaKind, default_name: &str, default_type: &str) -> Wanted {
    Wanted {
        file_id: f.file_id,
        name: f.file_name.unwrap_or_else(|| default_name.to_owned()),
        content_type: f.mime_type.unwrap_or_else(|| default_type.to_owned()),
        kind,
        size: f.file_size,
    }
}

fn incoming(m: Message) -> Result<Incoming, &'static str> {
    if m.chat.kind != "private" {
        return Err("a message in a group or channel (only private chats are taken)");
    }
    let photo = m.photo.and_then(|sizes| {
        sizes.into_iter().max_by_key(|p| {
            (
                p.width.unwrap_or(0) * p.height.unwrap_or(0),
                p.file_size.unwrap_or(0),
            )
        })
    });
    let wanted = if let Some(p) = photo {
        Some(Wanted {
            file_id: p.file_id,
            name: "photo.jpg".to_owned(),
            content_type: "image/jpeg".to_owned(),
            kind: MediaKind::Image,
            size: p.file_size,
        })
    } else if let Some(f) = m.voice {
        Some(file(f, MediaKind::Voice, "voice.ogg", "audio/ogg"))
    } else if let Some(f) = m.audio {
        Some(file(f, MediaKind::Voice, "audio.mp3", "audio/mpeg"))
    } else if let Some(f) = m.video.or(m.video_note).or(m.animation) {
        Some(file(f, MediaKind::Video, "video.mp4", "video/mp4"))
    } else if let Some(f) = m.document {
        Some(file(
            f,
            MediaKind::Share,
            "file",
            "application/octet-stream",
        ))
    } else {
        m.sticker
            .map(|f| file(f, MediaKind::Share, "sticker.webp", "image/webp"))
    };
    let content = m.text.or(m.caption).unwrap_or_default().trim().to_owned();
    if wanted.is_none() && content.is_empty() {
        return Err(
            "a message with neither text nor a file pilito-box takes (a location, a contact, …)",
        );
    }
    let (first_name, last_name, username) = match m.from {
        Some(u) => (u.first_name, u.last_name, u.username),
        None => (m.chat.first_name, m.chat.last_name, m.chat.username),
    };
    Ok(Incoming {
        chat_id: m.chat.id.to_string(),
        message_id: m.message_id,
        first_name,
        last_name,
        username,
        content,
        file: wanted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn private(extra: &Value) -> Value {
        let mut m = json!({"message_id": 9, "date": 1,
            "chat": {"id": 42, "type": "private", "first_name": "Ali"},
            "from": {"id": 42, "is_bot": false, "first_name": "Ali", "username": "ali"}});
        for (k, v) in extra.as_object().unwrap() {
            m[k] = v.clone();
        }
        json!({"update_id": 5, "message": m})
    }

    #[test]
    fn the_largest_photo_is_wanted() {
        let u = private(&json!({"caption": "look", "photo": [
            {"file_id": "small", "width": 90, "height": 90, "file_size": 10},
            {"file_id": "big", "width": 800, "height": 600, "file_size": 900}]}));
        let Parsed::New(m) = parse(u) else { panic!() };
        assert_eq!(m.content, "look");
        assert_eq!(m.file.unwrap().file_id, "big");
        assert_eq!(m.chat_id, "42");
    }

    #[test]
    fn groups_and_locations_are_skipped() {
        let mut u = private(&json!({"text": "hi"}));
        u["message"]["chat"]["type"] = json!("group");
        assert!(matches!(parse(u), Parsed::Skipped(_)));
        let u = private(&json!({"location": {"latitude": 1.0, "longitude": 2.0}}));
        assert!(matches!(parse(u), Parsed::Skipped(_)));
        assert!(matches!(
            parse(json!({"update_id": 1, "poll": {}})),
            Parsed::Skipped(_)
        ));
    }

    #[test]
    fn voice_documents_and_stickers_map_to_their_kinds() {
        let kind = |extra: Value| match parse(private(&extra)) {
            Parsed::New(m) => m.file.unwrap().kind,
            other => panic!("{other:?}"),
        };
        assert_eq!(kind(json!({"voice": {"file_id": "v"}})), MediaKind::Voice);
        assert_eq!(
            kind(json!({"document": {"file_id": "d", "file_name": "a.pdf"}})),
            MediaKind::Share
        );
        assert_eq!(kind(json!({"sticker": {"file_id": "s"}})), MediaKind::Share);
        assert_eq!(kind(json!({"video": {"file_id": "s"}})), MediaKind::Video);
    }
}
