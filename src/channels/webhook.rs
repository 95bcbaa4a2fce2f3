//! The webhook channel: each reply in an `api` conversation sent (`POST`) as JSON to the configured URL,
//! signed with HMAC-SHA256 over `"<timestamp>.<body>"` (PROTOCOL §13), and the test event.

use std::time::Duration;

use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::channels::attempt::Attempt;
use crate::channels::client::plain;

/// The signature header's value for `body` sent at `timestamp` (unix seconds).
#[must_use]
pub fn signature(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let hex = bytes.iter().fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    });
    format!("sha256={hex}")
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What the receiver answered a POST, or why it got none.
#[derive(Debug)]
pub struct Answer {
    pub status: Option<u16>,
    /// The start of its body, or the network error.
    pub text: String,
}

/// POSTs `body` signed with `secret`.
pub async fn post(
    http: &reqwest::Client,
    url: &str,
    secret: &str,
    delivery_id: &str,
    body: &Value,
    timeout: Duration,
) -> Answer {
    let bytes = body.to_string().into_bytes();
    let timestamp = unix_now();
    let sent = http
        .post(url)
        .header("content-type", "application/json")
        .header("x-pilito-timestamp", timestamp.to_string())
        .header("x-pilito-signature", signature(secret, timestamp, &bytes))
        .header("x-pilito-delivery", delivery_id)
        .body(bytes)
        .timeout(timeout)
        .send()
        .await;
    match sent {
        Err(e) => Answer {
            status: None,
            text: plain(&e),
        },
        Ok(response) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            Answer {
                status: Some(status),
                text: text.chars().take(200).collect(),
            }
        }
    }
}

/// What an answer means for the delivery: 2xx delivered; 408, 429, 5xx and no answer retried;
/// any other status failed.
#[must_use]
pub fn judge(answer: &Answer) -> Attempt {
    match answer.status {
        Some(s) if (200..300).contains(&s) => Attempt::Sent {
            message_id: None,
            http_status: Some(s),
        },
        Some(s) if s == 408 || s == 429 || s >= 500 => Attempt::Retry {
            error: format!("The receiver answered {s}; sending again later"),
            after: None,
            http_status: Some(s),
            unreachable: true,
        },
        Some(s) => Attempt::Failed {
            error: format!(
                "The receiver refused the reply ({s}): {}",
                answer.text.trim()
            ),
            http_status: Some(s),
        },
        None => Attempt::Retry {
            error: format!("The receiver could not be reached: {}", answer.text),
            after: None,
            http_status: None,
            unreachable: true,
        },
    }
}

/// The answer to `POST /api/v1/channels/webhook/test/`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TestResult {
    pub ok: bool,
    pub http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Sends a test event now, outside the outbox.
pub async fn send_test(
    http: &reqwest::Client,
    url: &str,
    secret: &str,
    timeout: Duration,
) -> TestResult {
    let delivery_id = format!("test-{}", crate::ids::random_string(16));
    let body = json!({
        "event": "test",
        "delivery_id": delivery_id,
        "sent_at": crate::clock::now_db(),
    });
    let answer = post(http, url, secret, &delivery_id, &body, timeout).await;
    match answer.status {
        Some(s) if (200..300).contains(&s) => TestResult {
            ok: true,
            http_status: Some(s),
            error: None,
        },
        Some(s) => TestResult {
            ok: false,
            http_status: Some(s),
            error: Some(format!("The receiver answered {s}: {}", answer.text.trim())),
        },
        None => TestResult {
            ok: false,
            http_status: None,
            error: Some(format!(
                "The receiver could not be reached: {}",
                answer.text
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: python3 hmac.new(b"key", b"1.{}", hashlib.sha256).
        assert_eq!(
            signature("key", 1, b"{}"),
            "sha256=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"
        );
    }

    #[test]
    fn statuses_are_judged_as_the_contract_says() {
        let at = |s| Answer {
            status: Some(s),
            text: "no".into(),
        };
        assert!(matches!(judge(&at(204)), Attempt::Sent { .. }));
        assert!(matches!(judge(&at(500)), Attempt::Retry { .. }));
        assert!(matches!(judge(&at(429)), Attempt::Retry { .. }));
        assert!(matches!(judge(&at(404)), Attempt::Failed { .. }));
    }
}
