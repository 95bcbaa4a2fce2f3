//! Wire types of the two list feeds: their requests (PROTOCOL §5.2, §6), the customer list's
//! own object shapes (PROTOCOL §12), and the filter-menu payloads (§5.3, §6).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::client::{DecodeError, Request, fields};
use crate::clock;
use crate::protocol::views::{CustomerView, LastMessageView};
use crate::storage::conversation_list::ConversationOptions;
use crate::storage::conversations::ConversationRow;
use crate::storage::customer_list::{CustomerEntry, CustomerOptions};
use crate::storage::messages::MessageRow;
use crate::storage::users::UserRow;

/// What a list socket asks for, whichever list it is.
#[derive(Debug, Clone, PartialEq)]
pub enum ListRequest {
    /// A page with these filters (`get_*`, `refresh_*`, `filter_*`).
    Page(Map<String, Value>),
    /// The legacy search form: filters become `{"search": term}`.
    Search(String),
    Options,
    /// Application-level ping.
    Ping,
}

#[derive(Deserialize)]
struct PageBody {
    #[serde(default)]
    filters: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct SearchBody {
    #[serde(default)]
    search_term: Option<String>,
}

fn page(body: Value) -> Result<ListRequest, DecodeError> {
    Ok(ListRequest::Page(
        fields::<PageBody>(body)?.filters.unwrap_or_default(),
    ))
}

fn search(body: Value) -> Result<ListRequest, DecodeError> {
    Ok(ListRequest::Search(
        fields::<SearchBody>(body)?.search_term.unwrap_or_default(),
    ))
}

/// Requests of `/ws/conversations/`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationListRequest(pub ListRequest);

impl Request for ConversationListRequest {
    const DEFAULT_TYPE: &'static str = "get_conversations";

    fn from_type(kind: &str, body: Value) -> Result<Option<Self>, DecodeError> {
        Ok(Some(Self(match kind {
            "get_conversations" | "refresh_conversations" | "filter_conversations" => page(body)?,
            "search_conversations" => search(body)?,
            "get_conversation_filter_options" => ListRequest::Options,
            "ping" => ListRequest::Ping,
            _ => return Ok(None),
        })))
    }
}

/// Requests of `/ws/customers/`.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerListRequest(pub ListRequest);

impl Request for CustomerListRequest {
    const DEFAULT_TYPE: &'static str = "get_customers";

    fn from_type(kind: &str, body: Value) -> Result<Option<Self>, DecodeError> {
        Ok(Some(Self(match kind {
            "get_customers" | "refresh_customers" | "filter_customers" => page(body)?,
            "search_customers" => search(body)?,
            "get_filter_options" => ListRequest::Options,
            "ping" => ListRequest::Ping,
            _ => return Ok(None),
        })))
    }
}

/// A tag inside `customers_list` (`{id, name}` only, under the plural key `tags`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TagRef {
    pub id: i64,
    pub name: String,
}

/// `last_message` inside a customer's conversation (it carries `is_ai_response`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CustomerLastMessage {
    /// The short form every list shows.
    #[serde(flatten)]
    pub message: LastMessageView,
    /// Whether an AI wrote it.
    pub is_ai_response: bool,
}

/// A conversation inside `customers_list` (times in the `+00:00` form).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CustomerConversation {
    pub id: String,
    pub title: Option<String>,
    pub status: String,
    pub source: String,
    pub priority: i64,
    pub is_active: bool,
    pub created_at: String,
    pub updated_at: String,
    pub last_message: Option<CustomerLastMessage>,
    /// Unanswered customer messages.
    pub unread_count: i64,
}

/// `CustomerWithConversations`: one entry of `customers_list`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CustomerListView {
    pub id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub username: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    pub phone_number: Option<String>,
    pub source: String,
    pub source_id: Option<String>,
    pub profile_picture: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Conversations, newest change first.
    pub conversations: Vec<CustomerConversation>,
    pub tags: Vec<TagRef>,
    /// Free-form object.
    pub data: Value,
}

impl From<(&ConversationRow, Option<&MessageRow>)> for CustomerConversation {
    fn from((c, last): (&ConversationRow, Option<&MessageRow>)) -> Self {
        Self {
            id: c.id.clone(),
            title: c.title.clone(),
            status: c.status.clone(),
            source: c.source.clone(),
            priority: c.priority,
            is_active: c.is_active,
            created_at: clock::db_to_wire(&c.created_at),
            updated_at: clock::db_to_wire(&c.updated_at),
            last_message: last.map(|m| CustomerLastMessage {
                message: LastMessageView::from(m),
                is_ai_response: m.is_ai_response,
            }),
            unread_count: c.unread_count,
        }
    }
}

impl From<&CustomerEntry> for CustomerListView {
    fn from(e: &CustomerEntry) -> Self {
        let c = CustomerView::from(&e.customer);
        Self {
            id: c.id,
            first_name: c.first_name,
            last_name: c.last_name,
            username: c.username,
            email: c.email,
            phone_number: c.phone_number,
            source: c.source,
            source_id: c.source_id,
            profile_picture: c.profile_picture,
            created_at: c.created_at,
            updated_at: c.updated_at,
            conversations: e
                .conversations
                .iter()
                .map(|(conv, last)| CustomerConversation::from((conv, last.as_ref())))
                .collect(),
            tags: c
                .tag
                .into_iter()
                .map(|t| TagRef {
                    id: t.id,
                    name: t.name,
                })
                .collect(),
            data: c.data,
        }
    }
}

/// One entry of a menu: a value and its label.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct MenuItem {
    pub value: &'static str,
    pub label: &'static str,
}

const fn item(value: &'static str, label: &'static str) -> MenuItem {
    MenuItem { value, label }
}

const CONVERSATION_ORDERS: [MenuItem; 7] = [
    item("-updated_at", "Recently Updated"),
    item("-created_at", "Recently Created"),
    item("created_at", "Oldest First"),
    item("title", "Title A-Z"),
    item("-title", "Title Z-A"),
    item("status", "Status A-Z"),
    item("priority", "Priority A-Z"),
];

const CUSTOMER_ORDERS: [MenuItem; 5] = [
    item("-updated_at", "Recently Updated"),
    item("-created_at", "Recently Created"),
    item("created_at", "Oldest First"),
    item("first_name", "Name A-Z"),
    item("-first_name", "Name Z-A"),
];

const fn yes_no(yes: &'static str, no: &'static str) -> [MenuItem; 3] {
    [item("true", yes), item("false", no), item("all", "All")]
}

/// `conversation_filter_options.options`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ConversationMenus {
    statuses: Vec<String>,
    sources: Vec<String>,
    priorities: Vec<i64>,
    tags: Vec<String>,
    order_options: [MenuItem; 7],
}

impl From<ConversationOptions> for ConversationMenus {
    fn from(o: ConversationOptions) -> Self {
        Self {
            statuses: o.statuses,
            sources: o.sources,
            priorities: o.priorities,
            tags: o.tags,
            order_options: CONVERSATION_ORDERS,
        }
    }
}

/// `filter_options.options` of the customer list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CustomerMenus {
    sources: Vec<String>,
    tags: Vec<String>,
    conversation_statuses: Vec<String>,
    has_email_options: [MenuItem; 3],
    has_phone_options: [MenuItem; 3],
    has_unread_options: [MenuItem; 3],
    order_options: [MenuItem; 5],
}

impl From<CustomerOptions> for CustomerMenus {
    fn from(o: CustomerOptions) -> Self {
        Self {
            sources: o.sources,
            tags: o.tags,
            conversation_statuses: o.conversation_statuses,
            has_email_options: yes_no("Has Email", "No Email"),
            has_phone_options: yes_no("Has Phone", "No Phone"),
            has_unread_options: yes_no("Has Unread Messages", "No Unread Messages"),
            order_options: CUSTOMER_ORDERS,
        }
    }
}

/// One user in `online_users`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OnlineUser {
    pub user_id: i64,
    pub username: String,
    pub is_online: bool,
    pub last_seen: Option<String>,
}

impl From<&UserRow> for OnlineUser {
    fn from(u: &UserRow) -> Self {
        Self {
            user_id: u.id,
            username: u.display_name(),
            is_online: u.is_online,
            last_seen: u.last_seen_at.as_deref().map(clock::db_to_wire),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::client::decode;

    #[test]
    fn list_requests_and_their_defaults() {
        let r: ConversationListRequest = decode(r#"{"filters": {"status": "active"}}"#).unwrap();
        assert!(matches!(r.0, ListRequest::Page(f) if f["status"] == "active"));
        let r: ConversationListRequest =
            decode(r#"{"type": "search_conversations", "search_term": "ali"}"#).unwrap();
        assert_eq!(r.0, ListRequest::Search("ali".into()));
        let r: CustomerListRequest =
            decode(r#"{"type": "refresh_customers", "filters": null}"#).unwrap();
        assert_eq!(r.0, ListRequest::Page(Map::new()));
        let r: CustomerListRequest = decode(r#"{"type": "get_filter_options"}"#).unwrap();
        assert_eq!(r.0, ListRequest::Options);
        assert!(decode::<CustomerListRequest>(r#"{"type": "get_conversations"}"#).is_err());
        assert!(decode::<ConversationListRequest>(r#"{"filters": [1]}"#).is_err());
    }
}
