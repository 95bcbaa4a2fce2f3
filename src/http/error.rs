//! The one place REST and handshake failures become HTTP answers: JSON `{"error", "error_code"}`
//! with the status that fits, never an HTML page. The user's text is not the log's text.

use std::time::Duration;

use serde_json::json;
use warp::http::{StatusCode, header};
use warp::reply::{Reply, Response};

use crate::auth::AuthError;
use crate::auth::passwords::PasswordError;
use crate::protocol::rules::InvalidMessage;
use crate::storage::StoreError;

/// Why a REST call or handshake was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A refusal with its status, code and text.
    #[error("{status} {code}: {message}")]
    Refused {
        /// HTTP status.
        status: StatusCode,
        /// Machine code.
        code: &'static str,
        /// User-facing text.
        message: String,
        /// Seconds to wait, for 429 and 503.
        retry_after: Option<u64>,
    },
    /// Not authenticated.
    #[error("authentication failed: {0}")]
    Auth(#[from] AuthError),
    /// The database failed or refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

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

    /// 403, for callers who are signed in but may not do this.
    #[must_use]
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            "You do not have permission to perform this action.",
        )
    }

    /// 404 with a code.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }
}

impl From<InvalidMessage> for ApiError {
    fn from(invalid: InvalidMessage) -> Self {
        Self::bad_request(invalid.code(), invalid.to_string())
    }
}

impl From<PasswordError> for ApiError {
    fn from(refused: PasswordError) -> Self {
        match refused {
            PasswordError::Store(e) => Self::Store(e),
            refused => Self::bad_request("WEAK_PASSWORD", refused.to_string()),
        }
    }
}

impl Reply for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Refused {
                status,
                code,
                message,
                retry_after,
            } => {
                let mut response = error_response(status, code, &message);
                if let Some(secs) = retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, secs.into());
                }
                response
            }
            Self::Auth(AuthError::Store(e)) | Self::Store(e @ StoreError::Sqlite(_)) => {
                tracing::error!("request failed: {e}");
                internal()
            }
            Self::Auth(e) => {
                let mut response = error_response(StatusCode::UNAUTHORIZED, e.code(), e.message());
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    warp::http::HeaderValue::from_static("Bearer"),
                );
                response
            }
            Self::Store(StoreError::NotFound(what)) => error_response(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                &format!("{what} not found"),
            ),
            Self::Store(StoreError::Full) => {
                tracing::error!("a write was refused: the database is full");
                error_response(
                    StatusCode::INSUFFICIENT_STORAGE,
                    "STORAGE_FULL",
                    "The server's storage is full; nothing was saved",
                )
            }
            Self::Store(StoreError::Conflict(text)) => {
                error_response(StatusCode::CONFLICT, "CONFLICT", &text)
            }
            Self::Store(e) => {
                tracing::error!("request failed: {e}");
                internal()
            }
        }
    }
}

fn internal() -> Response {
    error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
        "Internal server error",
    )
}

/// A JSON error answer.
#[must_use]
pub fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": message, "error_code": code});
    warp::reply::with_status(warp::reply::json(&body), status).into_response()
}
