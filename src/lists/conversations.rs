//! The conversation list (PROTOCOL §5): filters → [`ConversationQuery`] → a page
//! of [`ConversationSummary`] rows → the `conversations_list` frame, or REST's
//! `ConversationView`s; and the frames around it, the filter menus and `online_users`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::shared::{self, Page as _, Shown};
use super::{ListError, Loaded, count_of, page_of};
use crate::clock;
use crate::protocol::Frame;
use crate::protocol::counts::CountsView;
use crate::protocol::filters::{self, FilterError};
use crate::protocol::lists::OnlineUser;
use crate::protocol::pagination::{PageRequest, Pagination};
use crate::protocol::server::ServerFrame;
use crate::protocol::views::ConversationView;
use crate::storage::conversation_list::{self, ConversationQuery, Counts, OpenCounts};
use crate::storage::summary::ConversationSummary;
use crate::storage::{StoreResult, users};

/// Which conversations, and which page of them, a request asks for, checked.
#[derive(Debug, Clone)]
pub struct Selection {
    query: ConversationQuery,
    page: PageRequest,
}

impl Selection {
    /// Checks `filters` (a socket request's, or REST's query parameters) as `viewer` asks
    /// them: `assigned: me` means `viewer`'s conversations.
    pub fn new(filters: &Map<String, Value>, viewer: i64) -> Result<Self, FilterError> {
        Ok(Self {
            query: filters::conversations(filters, viewer)?,
            page: page_of(filters),
        })
    }

    /// Runs the page and count queries.
    pub fn load(&self, conn: &Connection) -> StoreResult<Loaded<ConversationSummary>> {
        let (rows, count) = conversation_list::page(conn, &self.query, self.page)?;
        Ok(Loaded {
            rows,
            count,
            page: self.page,
        })
    }
}

/// The `conversations_list` frame for `filters` as `viewer` sees it: what a list socket sends.
pub fn page(
    conn: &Connection,
    viewer: i64,
    filters: &Map<String, Value>,
) -> Result<Frame, ListError> {
    Ok(Page::build(conn, viewer, filters)?.shown(viewer).frame)
}

/// The `conversations_list` frame of a loaded page, echoing the `filters` it was asked with.
pub fn frame(
    loaded: &Loaded<ConversationSummary>,
    filters: &Map<String, Value>,
    counts: Counts,
) -> Frame {
    let conversations: Vec<ConversationView> = loaded.views();
    let page_count = count_of(&conversations);
    ServerFrame::ConversationsList {
        conversations,
        pagination: Pagination::new(loaded.page, loaded.count, page_count),
        filters: filters.clone(),
        count: loaded.count,
        page_count,
        counts: CountsView::from(counts),
        timestamp: clock::now_wire(),
    }
    .encode()
}

/// A loaded page of the conversation list, shown to each viewer with their own Mine count:
/// the frame is encoded once per different count.
pub struct Page {
    loaded: Loaded<ConversationSummary>,
    filters: Map<String, Value>,
    counts: OpenCounts,
    frames: Mutex<HashMap<i64, Shown>>,
}

impl shared::Page for Page {
    /// The filters as asked, and the viewer too when they ask for `assigned: me`.
    fn key(viewer: i64, filters: &Map<String, Value>) -> String {
        let asked = serde_json::to_string(filters).unwrap_or_default();
        if filters.get("assigned").and_then(Value::as_str) == Some("me") {
            format!("{viewer}:{asked}")
        } else {
            asked
        }
    }

    fn build(
        conn: &Connection,
        viewer: i64,
        filters: &Map<String, Value>,
    ) -> Result<Self, ListError> {
        Ok(Self {
            loaded: Selection::new(filters, viewer)?.load(conn)?,
            filters: filters.clone(),
            counts: conversation_list::open_counts(conn)?,
            frames: Mutex::default(),
        })
    }

    fn shown(&self, viewer: i64) -> Shown {
        let counts = self.counts.seen_by(viewer);
        let mut frames = self.frames.lock().unwrap_or_else(PoisonError::into_inner);
        frames
            .entry(counts.mine)
            .or_insert_with(|| Shown::new(frame(&self.loaded, &self.filters, counts)))
            .clone()
    }
}

/// The `conversation_filter_options` frame: the values in use, for the filter menus.
pub fn options(conn: &Connection) -> StoreResult<Frame> {
    Ok(ServerFrame::ConversationFilterOptions {
        options: conversation_list::options(conn)?.into(),
        timestamp: clock::now_wire(),
    }
    .encode())
}

/// The `online_users` frame the conversation list gets after its first page: every active
/// user, with whether they are online. The `viewer` is, whether or not the presence task has
/// recorded their first socket yet.
pub fn online_users(conn: &Connection, viewer: i64) -> StoreResult<Frame> {
    let users = users::list(conn)?;
    Ok(ServerFrame::OnlineUsers {
        users: users
            .iter()
            .filter(|u| u.is_active)
            .map(|u| OnlineUser {
                is_online: u.is_online || u.id == viewer,
                ..OnlineUser::from(u)
            })
            .collect(),
    }
    .encode())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::lists::fixture::{VIEWER, filters, json, workspace};
    use crate::protocol::views::ConversationView;

    #[test]
    fn a_page_carries_its_rows_the_count_and_the_filters_it_was_asked_with() {
        let conn = workspace();
        let asked = filters(&json!({"page_size": 2}));
        let frame = json(&page(&conn, VIEWER, &asked).unwrap());
        assert_eq!(frame["type"], "conversations_list");
        assert_eq!(frame["conversations"].as_array().unwrap().len(), 2);
        assert_eq!(
            (frame["count"].clone(), frame["page_count"].clone()),
            (json!(3), json!(2))
        );
        assert_eq!(frame["filters"], json!({"page_size": 2}));
        assert_eq!(frame["pagination"]["total_pages"], 2);
        assert_eq!(frame["pagination"]["has_next"], true);
    }

    #[test]
    fn filters_narrow_the_page_and_its_count() {
        let conn = workspace();
        let unread = json(&page(&conn, VIEWER, &filters(&json!({"unread_only": true}))).unwrap());
        assert_eq!(unread["count"], 1);
        assert_eq!(unread["conversations"][0]["last_message"]["content"], "hi");
        let mine = json(&page(&conn, VIEWER, &filters(&json!({"assigned": "me"}))).unwrap());
        assert_eq!(mine["count"], 1);
        assert_eq!(mine["conversations"][0]["customer"]["first_name"], "C0");
        let others = json(&page(&conn, 2, &filters(&json!({"assigned": "me"}))).unwrap());
        assert_eq!(others["count"], 0);
    }

    #[test]
    fn a_bad_filter_is_refused_before_any_query() {
        let asked = filters(&json!({"status": "lost"}));
        let refused = Selection::new(&asked, VIEWER).unwrap_err();
        assert_eq!(refused.filter, "status");
        let conn = workspace();
        assert!(matches!(
            page(&conn, VIEWER, &asked),
            Err(ListError::Filter(e)) if e.filter == "status"
        ));
    }

    #[test]
    fn rest_gets_the_same_rows_in_the_same_order_as_the_socket() {
        let conn = workspace();
        let asked = filters(&json!({"order_by": "-created_at"}));
        let loaded = Selection::new(&asked, VIEWER).unwrap().load(&conn).unwrap();
        let details: Vec<ConversationView> = loaded.views();
        let rest: Vec<Value> = details.iter().map(|d| json!(d.id)).collect();
        let socket = json(&page(&conn, VIEWER, &asked).unwrap());
        let ids: Vec<Value> = socket["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].clone())
            .collect();
        assert_eq!((rest, loaded.count), (ids, 3));
        assert_eq!(
            details
                .iter()
                .filter(|d| d.assigned_to == Some(VIEWER))
                .count(),
            1
        );
    }

    #[test]
    fn the_menus_and_online_users_come_from_the_database() {
        let conn = workspace();
        let menus = json(&options(&conn).unwrap());
        assert_eq!(menus["type"], "conversation_filter_options");
        let users = json(&online_users(&conn, VIEWER + 100).unwrap());
        assert_eq!(users["type"], "online_users");
        assert_eq!(
            users["users"].as_array().unwrap().len(),
            1,
            "only active users: {users}"
        );
        assert_eq!(users["users"][0]["user_id"], VIEWER);
        assert_eq!(users["users"][0]["is_online"], false);
        let seen_by_them = json(&online_users(&conn, VIEWER).unwrap());
        assert_eq!(
            seen_by_them["users"][0]["is_online"], true,
            "the viewer is online: they are the one connecting"
        );
    }
}
