//! The conversation list feed `/ws/conversations/` (PROTOCOL §5, reference §5).

use serde_json::{Map, Value};

use super::lists::{ListError, ListKind};
use crate::clock;
use crate::notify;
use crate::protocol::Frame;
use crate::protocol::filters;
use crate::protocol::lists::{ConversationListRequest, ListRequest, OnlineUser};
use crate::protocol::pagination::{DEFAULT_PAGE_SIZE, PageRequest, Pagination};
use crate::protocol::server::ServerFrame;
use crate::protocol::views::ConversationView;
use crate::state::AppState;
use crate::storage::users::{self, UserRow};
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
    const GROUP: &'static str = notify::CONVERSATIONS;
    const LOAD_FAILED: &'static str = "Failed to load conversations";
    const OPTIONS_FAILED: &'static str = "Failed to load conversation filter options";

    async fn load(
        state: &AppState,
        viewer: &UserRow,
        filters: &Map<String, Value>,
    ) -> Result<Frame, ListError> {
        let query = filters::conversations(filters, viewer.id)?;
        let page = PageRequest::from_filters(filters, DEFAULT_PAGE_SIZE);
        let (rows, count) = state
            .store
            .read(move |c| conversation_list::page(c, &query, page))
            .await?;
        let conversations: Vec<ConversationView> =
            rows.iter().map(ConversationView::from).collect();
        let page_count = i64::try_from(conversations.len()).unwrap_or(i64::MAX);
        let pagination = Pagination::new(page, count, page_count);
        Ok(ServerFrame::ConversationsList {
            conversations,
            pagination,
            filters: filters.clone(),
            count,
            page_count,
            timestamp: clock::now_wire(),
        }
        .encode())
    }

    async fn options(state: &AppState) -> Result<Frame, StoreError> {
        let options = state.store.read(conversation_list::options).await?;
        Ok(ServerFrame::ConversationFilterOptions {
            options: options.into(),
            timestamp: clock::now_wire(),
        }
        .encode())
    }

    async fn after_snapshot(state: &AppState) -> Option<Frame> {
        match state.store.read(users::list).await {
            Ok(all) => Some(
                ServerFrame::OnlineUsers {
                    users: all
                        .iter()
                        .filter(|u| u.is_active)
                        .map(OnlineUser::from)
                        .collect(),
                }
                .encode(),
            ),
            Err(e) => {
                tracing::error!("could not list users for online_users: {e}");
                None
            }
        }
    }
}
