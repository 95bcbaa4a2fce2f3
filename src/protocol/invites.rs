//! Invites on the wire (`/api/v1/invites/`, PROTOCOL §10.13): what an admin sends to make one,
//! what the holder of a code sends to check and redeem it, and how an invite is shown. The code
//! itself appears once, in the answer that made it.

use serde::{Deserialize, Serialize};

use crate::storage::invites::{InviteKind, InviteRow};

/// `POST /api/v1/invites/`: `{"kind": "agent", "role"}` or `{"kind": "reset", "user_id"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewInviteBody {
    pub kind: String,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub user_id: Option<i64>,
}

/// `POST /api/v1/invites/check`.
#[derive(Debug, Deserialize)]
pub struct CodeBody {
    pub code: String,
}

/// `POST /api/v1/invites/redeem`: `username` is the new account's (agent invites only).
#[derive(Debug, Deserialize)]
pub struct RedeemBody {
    pub code: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub password: String,
}

/// A pending invite as the admin's list shows it (never its code).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InviteView {
    pub id: i64,
    /// `agent` or `reset`.
    pub kind: &'static str,
    /// The new account's role (agent invites).
    pub role: Option<&'static str>,
    /// Whose password it resets (reset invites).
    pub user_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: String,
    pub expires_at: String,
}

impl From<&InviteRow> for InviteView {
    fn from(row: &InviteRow) -> Self {
        let (role, user_id) = match row.kind {
            InviteKind::Agent(role) => (Some(role.as_str()), None),
            InviteKind::Reset(user) => (None, Some(user)),
        };
        Self {
            id: row.id,
            kind: row.kind.as_str(),
            role,
            user_id,
            created_by: row.created_by,
            created_at: row.created_at.clone(),
            expires_at: row.expires_at.clone(),
        }
    }
}

/// The answer that made an invite: the invite, its code, the link holding it and that link's
/// QR code (SVG). Shown once; the server keeps only the code's hash.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedInviteView {
    #[serde(flatten)]
    pub invite: InviteView,
    pub code: String,
    pub link: String,
    pub qr_svg: String,
}

/// What `check` tells the holder of a good code, so the page can say what they are joining.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InviteCheckView {
    pub kind: &'static str,
    pub role: Option<&'static str>,
    /// The account whose password a reset invite sets.
    pub username: Option<String>,
    /// The business's name, when the owner gave it.
    pub business_name: Option<String>,
    pub expires_at: String,
}
