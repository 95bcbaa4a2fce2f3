//! Frames clients send: decoded once at the edge into one enum per feed, with precise errors.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A feed's request enum, built from a frame's `type` and its other fields.
pub trait Request: Sized {
    /// The `type` of a frame that has none (PROTOCOL §4.2).
    const DEFAULT_TYPE: &'static str;

    /// The request of type `kind` with fields `body`; `Ok(None)` when the feed has no such type.
    fn from_type(kind: &str, body: Value) -> Result<Option<Self>, DecodeError>;
}

/// Why a client frame could not be decoded; each becomes an error frame, never a close.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not JSON at all (answered with the bare `{"error": "Invalid JSON format"}`).
    #[error("Invalid JSON format")]
    NotJson,
    /// Valid JSON that is not an object.
    #[error("Message must be a JSON object")]
    NotObject,
    /// `type` is present but not a string.
    #[error("Field 'type' must be a string")]
    TypeNotString,
    /// A `type` this feed does not know.
    #[error("Unknown message type: {0}")]
    UnknownType(String),
    /// A known `type` with a field of the wrong shape; the text names the field.
    #[error("Invalid field {0}")]
    BadField(String),
}

/// Decodes one text frame into the feed's request enum.
pub fn decode<R: Request>(text: &str) -> Result<R, DecodeError> {
    let value: Value = serde_json::from_str(text).map_err(|_| DecodeError::NotJson)?;
    let Value::Object(mut body) = value else {
        return Err(DecodeError::NotObject);
    };
    let kind = match body.remove("type") {
        None | Some(Value::Null) => R::DEFAULT_TYPE.to_owned(),
        Some(Value::String(kind)) => kind,
        Some(_) => return Err(DecodeError::TypeNotString),
    };
    R::from_type(&kind, Value::Object(body))?
        .ok_or_else(|| DecodeError::UnknownType(kind.chars().take(64).collect()))
}

/// Reads a request's fields, naming the offending field on error.
pub fn fields<T: DeserializeOwned>(body: Value) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        DecodeError::BadField(format!("'{path}': {inner}"))
    })
}

/// Requests of the chat feed (PROTOCOL §4.2).
#[derive(Debug, Clone, PartialEq)]
pub enum ChatRequest {
    ChatMessage(SendMessage),
    /// Mark the conversation's customer messages answered.
    MarkRead,
    /// A page of history (`get_messages` and `load_more_messages` alike).
    GetMessages(HistoryRequest),
    /// Feedback on an AI message.
    SubmitFeedback(SubmitFeedback),
    Typing(Typing),
    /// Application-level ping.
    Ping,
}

impl Request for ChatRequest {
    const DEFAULT_TYPE: &'static str = "chat_message";

    fn from_type(kind: &str, body: Value) -> Result<Option<Self>, DecodeError> {
        Ok(Some(match kind {
            "chat_message" => Self::ChatMessage(fields(body)?),
            "mark_read" => Self::MarkRead,
            "get_messages" | "load_more_messages" => Self::GetMessages(fields(body)?),
            "submit_feedback" => Self::SubmitFeedback(fields(body)?),
            "typing" => Self::Typing(fields(body)?),
            "ping" => Self::Ping,
            _ => return Ok(None),
        }))
    }
}

/// `typing` fields.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Typing {
    #[serde(default)]
    pub is_typing: bool,
}

/// `chat_message` fields.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SendMessage {
    /// Text; trimmed and length-checked by the feed.
    #[serde(default)]
    pub content: String,
    /// `support` (default), `customer` or `note`; anything else counts as `support`.
    #[serde(default)]
    pub message_type: Option<String>,
    /// Idempotency key, at most 64 characters.
    #[serde(default)]
    pub client_msg_id: Option<String>,
}

/// `get_messages` / `load_more_messages` fields.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct HistoryRequest {
    /// `page`, `page_size`, `before_id`, `after_id`; values read leniently (PROTOCOL §4.4, §13).
    #[serde(default)]
    pub filters: Map<String, Value>,
}

/// `submit_feedback` fields.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SubmitFeedback {
    #[serde(default)]
    pub message_id: Option<String>,
    /// `positive`, `negative` or `none`, any case.
    #[serde(default)]
    pub feedback: String,
    /// Comment, truncated to 500 characters.
    #[serde(default)]
    pub comment: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_type_is_a_chat_message() {
        let r: ChatRequest = decode(r#"{"content": "hi"}"#).unwrap();
        assert!(matches!(r, ChatRequest::ChatMessage(m) if m.content == "hi"));
    }

    #[test]
    fn extra_fields_are_ignored() {
        let r: ChatRequest = decode(r#"{"type": "mark_read", "x": 1}"#).unwrap();
        assert_eq!(r, ChatRequest::MarkRead);
        let r: ChatRequest = decode(r#"{"type": "load_more_messages", "n": [1]}"#).unwrap();
        assert_eq!(r, ChatRequest::GetMessages(HistoryRequest::default()));
    }

    #[test]
    fn errors_are_precise() {
        assert_eq!(
            decode::<ChatRequest>("{nope").unwrap_err(),
            DecodeError::NotJson
        );
        assert_eq!(
            decode::<ChatRequest>("[1]").unwrap_err(),
            DecodeError::NotObject
        );
        assert_eq!(
            decode::<ChatRequest>(r#"{"type": 3}"#).unwrap_err(),
            DecodeError::TypeNotString
        );
        assert_eq!(
            decode::<ChatRequest>(r#"{"type": "fly"}"#).unwrap_err(),
            DecodeError::UnknownType("fly".into())
        );
        let err = decode::<ChatRequest>(r#"{"type": "chat_message", "content": 5}"#).unwrap_err();
        assert!(
            err.to_string().starts_with("Invalid field 'content'"),
            "{err}"
        );
        let err = decode::<ChatRequest>(r#"{"type": "typing", "is_typing": "yes"}"#).unwrap_err();
        assert!(err.to_string().contains("is_typing"), "{err}");
    }

    #[test]
    fn deep_nesting_is_not_json() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(
            decode::<ChatRequest>(&deep).unwrap_err(),
            DecodeError::NotJson
        );
    }
}
