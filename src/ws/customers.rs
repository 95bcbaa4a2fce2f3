//! The customer list feed `/ws/customers/` (PROTOCOL §6, reference §6).

use serde_json::{Map, Value};

use super::lists::{ListError, ListKind};
use crate::clock;
use crate::notify;
use crate::protocol::Frame;
use crate::protocol::filters;
use crate::protocol::lists::{CustomerListRequest, CustomerListView, ListRequest};
use crate::protocol::pagination::{DEFAULT_PAGE_SIZE, PageRequest, Pagination};
use crate::protocol::server::ServerFrame;
use crate::state::AppState;
use crate::storage::users::UserRow;
use crate::storage::{StoreError, customer_list};

/// The customer list.
pub struct Customers;

impl From<CustomerListRequest> for ListRequest {
    fn from(r: CustomerListRequest) -> Self {
        r.0
    }
}

impl ListKind for Customers {
    type Request = CustomerListRequest;
    const GROUP: &'static str = notify::CUSTOMERS;
    const LOAD_FAILED: &'static str = "Failed to load customers";
    const OPTIONS_FAILED: &'static str = "Failed to load filter options";

    async fn load(
        state: &AppState,
        _viewer: &UserRow,
        filters: &Map<String, Value>,
    ) -> Result<Frame, ListError> {
        let query = filters::customers(filters)?;
        let page = PageRequest::from_filters(filters, DEFAULT_PAGE_SIZE);
        let (rows, count) = state
            .store
            .read(move |c| customer_list::page(c, &query, page))
            .await?;
        let customers: Vec<CustomerListView> = rows.iter().map(CustomerListView::from).collect();
        let page_count = i64::try_from(customers.len()).unwrap_or(i64::MAX);
        let pagination = Pagination::new(page, count, page_count);
        Ok(ServerFrame::CustomersList {
            customers,
            pagination,
            filters: filters.clone(),
            count,
            page_count,
            timestamp: clock::now_wire(),
        }
        .encode())
    }

    async fn options(state: &AppState) -> Result<Frame, StoreError> {
        let options = state.store.read(customer_list::options).await?;
        Ok(ServerFrame::FilterOptions {
            options: options.into(),
            timestamp: clock::now_wire(),
        }
        .encode())
    }

    async fn after_snapshot(_state: &AppState) -> Option<Frame> {
        None
    }
}
