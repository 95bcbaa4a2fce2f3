//! Bodies REST clients send (PROTOCOL §10), decoded by `http` and validated by `inbox` into the
//! typed values it stores.

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::Value;

/// `POST …/conversation/<id>/send-message/`.
#[derive(Debug, Deserialize)]
pub struct SendBody {
    #[serde(default)]
    pub content: Option<String>,
    /// `support` (default), `marketing` or `note`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub client_msg_id: Option<String>,
}

/// `PATCH …/conversation/<id>/status/`.
#[derive(Debug, Deserialize)]
pub struct StatusBody {
    #[serde(default)]
    pub status: Option<String>,
}

/// `PATCH …/conversation/<id>/assign/`: an agent's id, or `null` for nobody.
#[derive(Debug, Deserialize)]
pub struct AssignBody {
    pub user_id: Option<i64>,
}

/// `POST /api/v1/message/inbound`: a customer message from an integration.
#[derive(Debug, Deserialize)]
pub struct InboundBody {
    pub source: String,
    /// A string or a number.
    pub source_id: Value,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub client_msg_id: Option<String>,
}

/// `POST /api/v1/usr/login`.
#[derive(Debug, Deserialize)]
pub struct LoginBody {
    #[serde(alias = "username", alias = "email")]
    pub email_or_username: String,
    pub password: String,
}

/// `POST /api/v1/usr/refresh` and `refresh-access`.
#[derive(Debug, Deserialize)]
pub struct RefreshBody {
    pub refresh: String,
}

/// `GET|POST /api/v1/usr/logout`: the refresh token to revoke besides the access token.
#[derive(Debug, Deserialize, Default)]
pub struct LogoutBody {
    #[serde(default)]
    pub refresh: Option<String>,
}

/// `POST /api/v1/usr/users`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

/// `PATCH /api/v1/usr/users/<id>`: only the keys given change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserChangesBody {
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub is_active: Option<bool>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

/// `POST /api/v1/usr/blacklist`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlacklistBody {
    pub ip: IpAddr,
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /api/v1/usr/me/password`: a user's own new password.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnPasswordBody {
    pub current_password: String,
    pub new_password: String,
}
