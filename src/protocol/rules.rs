//! Input rules shared by every path that stores a message (socket, REST, inbound), so the same
//! text is refused the same way everywhere, and the reply limit of each channel (PROTOCOL §4.2).

use super::codes::http as code;

/// Longest message text on any channel: a draft longer than this is refused before its
/// conversation is looked at. Lengths are UTF-16 code units, as Telegram and the page count.
pub const MAX_CONTENT: usize = 4096;
/// The shortest limit of any channel: text up to this long fits every conversation.
pub const FITS_EVERYWHERE: usize = 1000;
/// Longest `client_msg_id`.
pub const MAX_CLIENT_MSG_ID: usize = 64;

/// Longest text of a message in a conversation from `source`: Telegram's `sendMessage` limit
/// (4096); Instagram's direct-message limit (1000); the webhook channel and conversations with
/// no channel take the largest a chat frame carries comfortably (4096).
#[must_use]
pub fn max_chars(source: &str) -> usize {
    match source {
        "instagram" => FITS_EVERYWHERE,
        _ => MAX_CONTENT,
    }
}

/// Longest caption of a file in a conversation from `source` (Telegram's is 1024).
#[must_use]
pub fn max_caption_chars(source: &str) -> usize {
    match source {
        "telegram" => 1024,
        other => max_chars(other),
    }
}

/// A text's length as the limits count it (UTF-16 code units).
#[must_use]
pub fn length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Why message input was refused; `Display` is the user-facing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidMessage {
    #[error("Message content cannot be empty")]
    Empty,
    /// Longer than the conversation's limit, `max`.
    #[error("Message content too long (max {max} characters)")]
    TooLong { max: usize },
    /// An empty or over-long `client_msg_id`.
    #[error("client_msg_id must be 1-{MAX_CLIENT_MSG_ID} characters")]
    BadClientMsgId,
}

impl InvalidMessage {
    /// The REST `error_code`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Empty => code::EMPTY_CONTENT,
            Self::TooLong { .. } => code::CONTENT_TOO_LONG,
            Self::BadClientMsgId => code::INVALID_CLIENT_MSG_ID,
        }
    }
}

/// Trims message text and checks it against the longest limit of any channel; the
/// conversation's own limit is checked where its source is known.
pub fn content(raw: &str) -> Result<String, InvalidMessage> {
    content_within(raw, MAX_CONTENT)
}

/// Trims message text and checks it against `max`.
pub fn content_within(raw: &str, max: usize) -> Result<String, InvalidMessage> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(InvalidMessage::Empty);
    }
    within(text, max)?;
    Ok(text.to_owned())
}

/// Checks a text already trimmed against `max`.
pub fn within(text: &str, max: usize) -> Result<(), InvalidMessage> {
    if text.len() > max && length(text) > max {
        return Err(InvalidMessage::TooLong { max });
    }
    Ok(())
}

/// Checks an optional idempotency key.
pub fn client_msg_id(raw: Option<&str>) -> Result<Option<String>, InvalidMessage> {
    match raw {
        Some(key) if key.is_empty() || key.chars().count() > MAX_CLIENT_MSG_ID => {
            Err(InvalidMessage::BadClientMsgId)
        }
        other => Ok(other.map(str::to_owned)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_trimmed_and_bounded_in_utf16_units() {
        assert_eq!(content("  سلام "), Ok("سلام".to_owned()));
        assert_eq!(content(" \n "), Err(InvalidMessage::Empty));
        assert!(content(&"ش".repeat(MAX_CONTENT)).is_ok());
        assert_eq!(
            content(&"x".repeat(MAX_CONTENT + 1)),
            Err(InvalidMessage::TooLong { max: 4096 })
        );
        assert_eq!(
            content(&"😀".repeat(2049)),
            Err(InvalidMessage::TooLong { max: 4096 })
        );
        assert!(content_within(&"x".repeat(1000), max_chars("instagram")).is_ok());
        assert_eq!(
            content_within(&"x".repeat(1001), max_chars("instagram"))
                .unwrap_err()
                .to_string(),
            "Message content too long (max 1000 characters)"
        );
    }

    #[test]
    fn each_channel_has_its_limit() {
        assert_eq!(max_chars("telegram"), 4096);
        assert_eq!(max_caption_chars("telegram"), 1024);
        assert_eq!(max_chars("instagram"), 1000);
        assert!(
            ["unknown", "api", "telegram", "instagram"]
                .iter()
                .all(|s| max_chars(s) >= FITS_EVERYWHERE && max_chars(s) <= MAX_CONTENT)
        );
    }

    #[test]
    fn client_msg_ids() {
        assert_eq!(client_msg_id(None), Ok(None));
        assert_eq!(client_msg_id(Some("k")), Ok(Some("k".to_owned())));
        assert_eq!(client_msg_id(Some("")), Err(InvalidMessage::BadClientMsgId));
        assert_eq!(
            client_msg_id(Some(&"k".repeat(65))),
            Err(InvalidMessage::BadClientMsgId)
        );
    }
}
