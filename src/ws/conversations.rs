//! The conversation list feed `/ws/conversations/` (PROTOCOL §5): its group and
//! requests; its frames come from [`crate::lists::conversations`].

use rusqlite::Connection;

use super::lists::ListKind;
use crate::inbox::publish;
use crate::lists;
use crate::lists::shared::{Pages, Shared};
use crate::protocol::Frame;
use crate::protocol::lists::{ConversationListRequest, ListRequest};
use crate::storage::StoreError;

pub struct Conversations;

impl From<ConversationListRequest> for ListRequest {
    fn from(r: ConversationListRequest) -> Self {
        r.0
    }
}

impl ListKind for Conversations {
    type Request = ConversationListRequest;
    const GROUP: &'static str = publish::CONVERSATIONS;
    const LOAD_FAILED: &'static str = "Failed to load conversations";
    const OPTIONS_FAILED: &'static str = "Failed to load conversation filter options";

    type Page = lists::conversations::Page;

    fn shared(pages: &Pages) -> &Shared<Self::Page> {
        &pages.conversations
    }

    fn options(conn: &Connection) -> Result<Frame, StoreError> {
        lists::conversations::options(conn)
    }

    fn after_snapshot(conn: &Connection, viewer: i64) -> Result<Option<Frame>, StoreError> {
        lists::conversations::online_users(conn, viewer).map(Some)
    }
}
