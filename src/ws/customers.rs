//! The customer list feed `/ws/customers/` (PROTOCOL §6, reference §6).

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::lists::{ListError, ListKind};
use crate::clock;
use crate::inbox::publish;
use crate::protocol::Frame;
use crate::protocol::filters;
use crate::protocol::lists::{CustomerListRequest, CustomerListView, ListRequest};
use crate::protocol::pagination::{DEFAULT_PAGE_SIZE, PageRequest, Pagination};
use crate::protocol::server::ServerFrame;
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
    const GROUP: &'static str = publish::CUSTOMERS;
    const LOAD_FAILED: &'static str = "Failed to load customers";
    const OPTIONS_FAILED: &'static str = "Failed to load filter options";

    fn page(
        conn: &Connection,
        _viewer: i64,
        filters: &Map<String, Value>,
    ) -> Result<Frame, ListError> {
        let query = filters::customers(filters)?;
        let page = PageRequest::from_filters(filters, DEFAULT_PAGE_SIZE);
        let (rows, count) = customer_list::page(conn, &query, page)?;
        let customers: Vec<CustomerListView> = rows.iter().map(CustomerListView::from).collect();
        let page_count = i64::try_from(customers.len()).unwrap_or(i64::MAX);
        Ok(ServerFrame::CustomersList {
            customers,
            pagination: Pagination::new(page, count, page_count),
            filters: filters.clone(),
            count,
            page_count,
            timestamp: clock::now_wire(),
        }
        .encode())
    }

    fn options(conn: &Connection) -> Result<Frame, StoreError> {
        Ok(ServerFrame::FilterOptions {
            options: customer_list::options(conn)?.into(),
            timestamp: clock::now_wire(),
        }
        .encode())
    }

    fn after_snapshot(_conn: &Connection) -> Result<Option<Frame>, StoreError> {
        Ok(None)
    }
}
