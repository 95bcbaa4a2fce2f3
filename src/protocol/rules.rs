//! Input rules shared by every path that stores a message (socket, REST, inbound), so the same
//! text is refused the same way everywhere.

use super::codes::http as code;

/// Longest message text (PROTOCOL §4).
pub const MAX_CONTENT: usize = 1000;
/// Longest `client_msg_id`.
pub const MAX_CLIENT_MSG_ID: usize = 64;

/// Why message input was refused; `Display` is the user-facing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidMessage {
    #[error("Message content cannot be empty")]
    Empty,
    /// Over [`MAX_CONTENT`] characters.
    #[error("Message content too long (max {MAX_CONTENT} characters)")]
    TooLong,
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
            Self::TooLong => code::CONTENT_TOO_LONG,
            Self::BadClientMsgId => code::INVALID_CLIENT_MSG_ID,
        }
    }
}

/// Trims message text and checks its length.
pub fn content(raw: &str) -> Result<String, InvalidMessage> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(InvalidMessage::Empty);
    }
    if text.chars().count() > MAX_CONTENT {
        return Err(InvalidMessage::TooLong);
    }
    Ok(text.to_owned())
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
    fn content_is_trimmed_and_bounded_in_characters() {
        assert_eq!(content("  سلام "), Ok("سلام".to_owned()));
        assert_eq!(content(" \n "), Err(InvalidMessage::Empty));
        assert!(content(&"ش".repeat(MAX_CONTENT)).is_ok());
        assert_eq!(
            content(&"x".repeat(MAX_CONTENT + 1)),
            Err(InvalidMessage::TooLong)
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
