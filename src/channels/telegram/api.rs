//! The Bot API calls the box makes (<https://core.telegram.org/bots/api>): `getMe`,
//! `getUpdates`, `getFile` and the file download, `sendMessage`, `sendPhoto`, `sendDocument`.
//! Every URL holds the token, so no URL is ever logged or put in an error.

use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::channels::client::plain;

/// Why a Bot API call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BotError {
    /// Telegram could not be reached (network, timeout, TLS).
    #[error("pilito-box could not reach Telegram: {0}")]
    Unreachable(String),
    /// Telegram answered `{"ok": false}` (or a non-JSON error status).
    #[error("Telegram refused ({code}): {description}")]
    Refused {
        code: i64,
        description: String,
        /// Seconds to wait, for 429.
        retry_after: Option<u64>,
    },
    /// Telegram's answer could not be understood.
    #[error("Telegram's answer could not be read: {0}")]
    Garbled(String),
}

impl BotError {
    /// Whether sending again later may succeed.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable(_) | Self::Garbled(_) => true,
            Self::Refused { code, .. } => *code == 429 || *code >= 500,
        }
    }
}

/// The bot, as `getMe` describes it.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
pub struct Bot {
    pub id: i64,
    pub username: Option<String>,
    pub first_name: String,
}

/// A file Telegram holds, as `getFile` describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct RemoteFile {
    pub file_path: Option<String>,
    pub file_size: Option<u64>,
}

#[derive(Deserialize)]
struct Answer {
    ok: bool,
    result: Option<Value>,
    error_code: Option<i64>,
    description: Option<String>,
    parameters: Option<Parameters>,
}

#[derive(Deserialize)]
struct Parameters {
    retry_after: Option<u64>,
}

#[derive(Deserialize)]
struct SentMessage {
    message_id: i64,
}

/// A Bot API endpoint with one token. `Debug` shows neither.
#[derive(Clone)]
pub struct BotApi {
    http: reqwest::Client,
    base: String,
    token: String,
    send_timeout: Duration,
}

impl std::fmt::Debug for BotApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BotApi { … }")
    }
}

/// Whether `token` has the shape `@BotFather` gives (`<digits>:<35 or so url-safe characters>`).
#[must_use]
pub fn token_shape_ok(token: &str) -> bool {
    token.split_once(':').is_some_and(|(id, key)| {
        !id.is_empty()
            && id.len() <= 20
            && id.bytes().all(|b| b.is_ascii_digit())
            && (20..=100).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

impl BotApi {
    #[must_use]
    pub fn new(http: reqwest::Client, base: &str, token: &str, send_timeout: Duration) -> Self {
        Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            send_timeout,
        }
    }

    fn method_url(&self, method: &str) -> String {
        format!("{}/bot{}/{method}", self.base, self.token)
    }

    async fn answer<T: DeserializeOwned>(
        response: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<T, BotError> {
        let response = response.map_err(|e| BotError::Unreachable(plain(&e)))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| BotError::Unreachable(plain(&e)))?;
        let Ok(answer) = serde_json::from_slice::<Answer>(&body) else {
            if status >= 400 {
                return Err(BotError::Refused {
                    code: i64::from(status),
                    description: format!("HTTP {status}"),
                    retry_after: None,
                });
            }
            return Err(BotError::Garbled(format!("HTTP {status}, not JSON")));
        };
        if !answer.ok {
            return Err(BotError::Refused {
                code: answer.error_code.unwrap_or(i64::from(status)),
                description: answer.description.unwrap_or_default(),
                retry_after: answer.parameters.and_then(|p| p.retry_after),
            });
        }
        serde_json::from_value(answer.result.unwrap_or(Value::Null))
            .map_err(|e| BotError::Garbled(e.to_string()))
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        body: &Value,
        timeout: Duration,
    ) -> Result<T, BotError> {
        let sent = self
            .http
            .post(self.method_url(method))
            .json(body)
            .timeout(timeout)
            .send()
            .await;
        Self::answer(sent).await
    }

    /// `getMe`: checks the token.
    pub async fn get_me(&self) -> Result<Bot, BotError> {
        self.call("getMe", &json!({}), self.send_timeout).await
    }

    /// `getUpdates` from `offset`, waiting up to `wait` for one to come.
    pub async fn get_updates(&self, offset: i64, wait: Duration) -> Result<Vec<Value>, BotError> {
        let body = json!({
            "offset": offset,
            "timeout": wait.as_secs(),
            "allowed_updates": ["message", "edited_message"],
        });
        self.call("getUpdates", &body, wait + Duration::from_secs(15))
            .await
    }

    /// `getFile`.
    pub async fn get_file(&self, file_id: &str) -> Result<RemoteFile, BotError> {
        self.call("getFile", &json!({"file_id": file_id}), self.send_timeout)
            .await
    }

    /// Starts downloading a file `getFile` named.
    pub async fn download(&self, file_path: &str) -> Result<reqwest::Response, BotError> {
        let url = format!("{}/file/bot{}/{file_path}", self.base, self.token);
        let response = self
            .http
            .get(url)
            .timeout(self.send_timeout * 4)
            .send()
            .await
            .map_err(|e| BotError::Unreachable(plain(&e)))?;
        let status = response.status().as_u16();
        if status >= 400 {
            return Err(BotError::Refused {
                code: i64::from(status),
                description: format!("the file download answered HTTP {status}"),
                retry_after: None,
            });
        }
        Ok(response)
    }

    /// `sendMessage`; returns Telegram's id of the message.
    pub async fn send_message(&self, chat_id: &str, text: &str) -> Result<i64, BotError> {
        let body = json!({"chat_id": chat_id, "text": text});
        let sent: SentMessage = self.call("sendMessage", &body, self.send_timeout).await?;
        Ok(sent.message_id)
    }

    /// `sendPhoto` (an image) or `sendDocument` (any other file) with a caption.
    pub async fn send_file(
        &self,
        chat_id: &str,
        photo: bool,
        file: Vec<u8>,
        name: &str,
        content_type: &str,
        caption: &str,
    ) -> Result<i64, BotError> {
        let (method, field) = if photo {
            ("sendPhoto", "photo")
        } else {
            ("sendDocument", "document")
        };
        let part = reqwest::multipart::Part::bytes(file)
            .file_name(name.to_owned())
            .mime_str(content_type)
            .map_err(|e| BotError::Garbled(plain(&e)))?;
        let mut form = reqwest::multipart::Form::new()
            .text("chat_id", chat_id.to_owned())
            .part(field, part);
        if !caption.is_empty() {
            form = form.text("caption", caption.to_owned());
        }
        let sent = self
            .http
            .post(self.method_url(method))
            .multipart(form)
            .timeout(self.send_timeout * 4)
            .send()
            .await;
        let sent: SentMessage = Self::answer(sent).await?;
        Ok(sent.message_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shapes() {
        assert!(token_shape_ok(
            "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
        ));
        assert!(!token_shape_ok("123456789"));
        assert!(!token_shape_ok("abc:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"));
        assert!(!token_shape_ok("1:short"));
        assert!(!token_shape_ok("1:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/x"));
    }

    #[test]
    fn only_rate_limits_and_server_errors_are_transient() {
        let refused = |code| BotError::Refused {
            code,
            description: String::new(),
            retry_after: None,
        };
        assert!(refused(429).is_transient() && refused(502).is_transient());
        assert!(!refused(403).is_transient() && !refused(400).is_transient());
        assert!(BotError::Unreachable(String::new()).is_transient());
    }
}
