//! The owner's first visit on the wire (`/api/v1/setup/owner`, PROTOCOL §10.12).

use serde::{Deserialize, Serialize};

/// `POST /api/v1/setup/owner`: the owner's password, and the name the team sees.
#[derive(Debug, Deserialize)]
pub struct OwnerBody {
    pub password: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// `GET /api/v1/setup/owner`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OwnerStatusView {
    /// Whether the owner may still choose their password here.
    pub needed: bool,
    /// Whether this request came from the pilito-box computer itself.
    pub here: bool,
    /// The first admin's sign-in name.
    pub username: String,
}
