//! The `counts` object of conversation-list frames (PROTOCOL §5.2): what the inbox's Mine /
//! Unassigned / All tabs show.

use serde::Serialize;

use crate::storage::conversation_list::Counts;

/// Conversations not closed: the viewer's, nobody's, and everyone's.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct CountsView {
    pub mine: i64,
    pub unassigned: i64,
    pub all: i64,
}

impl From<Counts> for CountsView {
    fn from(c: Counts) -> Self {
        Self {
            mine: c.mine,
            unassigned: c.unassigned,
            all: c.all,
        }
    }
}
