//! Saved replies on the wire (PROTOCOL §10.11): the body admins send and the object everyone
//! reads.

use serde::{Deserialize, Serialize};

use crate::storage::saved_replies::SavedReplyRow;

/// `POST` (both fields required) or `PATCH` (either) `/api/v1/saved-replies/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedReplyBody {
    #[serde(default)]
    pub shortcut: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
}

/// One saved reply.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SavedReplyView {
    pub id: i64,
    /// Without the `/` typed before it.
    pub shortcut: String,
    pub content: String,
    pub created_by: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&SavedReplyRow> for SavedReplyView {
    fn from(r: &SavedReplyRow) -> Self {
        Self {
            id: r.id,
            shortcut: r.shortcut.clone(),
            content: r.content.clone(),
            created_by: r.created_by,
            created_at: crate::clock::db_to_wire(&r.created_at),
            updated_at: crate::clock::db_to_wire(&r.updated_at),
        }
    }
}
