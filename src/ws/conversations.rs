//! The conversation list feed `/ws/conversations/` (PROTOCOL §5, reference §5).

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::lists::{ListError, ListKind};
use crate::clock;
use crate::inbox::publish;
use crate::protocol::Frame;
use crate::protocol::filters;
use crate::protocol::lists::{ConversationListRequest, ListRequest, OnlineUser};
use crate::protocol::pagination::{DEFAULT_PAGE_SIZE, PageRequest, Pagination};
use crate::protocol::server::ServerFrame;
use crate::protocol::views::ConversationView;
use crate::storage::users;
use crate::storage::{StoreError, conversation_list};

/// The conversation list.
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

    fn page(
        conn: &Connection,
        viewer: i64,
        filters: &Map<String, Value>,
    ) -> Result<Frame, ListError> {
        let query = filters::conversations(filters, viewer)?;
        let page = PageRequest::from_filters(filters, DEFAULT_PAGE_SIZE);
        let (rows, count) = conversation_list::page(conn, &query, page)?;
        let conversations: Vec<ConversationView> =
            rows.iter().map(ConversationView::from).collect();
        let page_count = i64::try_from(conversations.len()).unwrap_or(i64::MAX);
        Ok(ServerFrame::ConversationsList {
            conversations,
            pagination: Pagination::new(page, count, page_count),
            filters: filters.clone(),
            count,
            page_count,
            timestamp: clock::now_wire(),
        }
        .encode())
    }

    fn options(conn: &Connection) -> Result<Frame, StoreError> {
        Ok(ServerFrame::ConversationFilterOptions {
            options: conversation_list::options(conn)?.into(),
            timestamp: clock::now_wire(),
        }
        .encode())
    }

    fn after_snapshot(conn: &Connection) -> Result<Option<Frame>, StoreError> {
        let users = users::list(conn)?;
        Ok(Some(
            ServerFrame::OnlineUsers {
                users: users
                    .iter()
                    .filter(|u| u.is_active)
                    .map(OnlineUser::from)
                    .collect(),
            }
            .encode(),
        ))
    }
}
