//! The one place REST and handshake failures become HTTP answers: JSON `{"error", "error_code"}`
//! with the status that fits, never an HTML page. What the inbox refused gets its status, code
//! and text from the inbox's table ([`InboxError::client`]); the user's text is not the log's.

use std::time::Duration;

use serde_json::json;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::{Reply, Response};

use crate::auth::AuthError;
use crate::inbox::{Action, InboxError};
use crate::storage::StoreError;

/// Why a REST call or handshake was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A refusal of the transport itself (rate, origin, limits), with its status, code and text.
    #[error("{status} {code}: {message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
        /// Seconds to wait, for 429 and 503.
        retry_after: Option<u64>,
    },
    /// The inbox refused or failed the change (or the caller is not signed in).
    #[error(transparent)]
    Inbox(#[from] InboxError),
}

impl warp::reject::Reject for ApiError {}

impl ApiError {
    /// A refusal without `Retry-After`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Refused {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// A refusal asking the client to wait `after` before retrying.
    pub fn retry(status: StatusCode, code: &'static str, message: &str, after: Duration) -> Self {
        Self::Refused {
            status,
            code,
            message: message.to_owned(),
            retry_after: Some((after.as_secs() + u64::from(after.subsec_nanos() > 0)).max(1)),
        }
    }

    /// 400 with a code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 with a code.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    /// The text a client is shown (and the handshake log line names).
    #[must_use]
    pub fn user_text(&self) -> String {
        match self {
            Self::Refused { message, .. } => message.clone(),
            Self::Inbox(e) => e.client(Action::Request).message.into_owned(),
        }
    }

    #[must_use]
    pub fn response(&self) -> Response {
        match self {
            Self::Refused {
                status,
                code,
                message,
                retry_after,
            } => {
                let mut response = error_response(*status, code, message);
                if let Some(secs) = retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, (*secs).into());
                }
                response
            }
            Self::Inbox(e) => {
                if e.is_internal() {
                    tracing::error!("request failed: {e}");
                }
                let told = e.client(Action::Request);
                let status =
                    StatusCode::from_u16(told.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut response = error_response(status, told.code, &told.message);
                if matches!(e, InboxError::Auth(_)) {
                    response
                        .headers_mut()
                        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                }
                response
            }
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        Self::Inbox(e.into())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self::Inbox(e.into())
    }
}

impl Reply for ApiError {
    fn into_response(self) -> Response {
        self.response()
    }
}

#[must_use]
pub fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": message, "error_code": code});
    warp::reply::with_status(warp::reply::json(&body), status).into_response()
}
