//! The customer list feed `/ws/customers/` (PROTOCOL §6): its group and
//! requests; its frames come from [`crate::lists::customers`].

use rusqlite::Connection;

use super::lists::ListKind;
use crate::inbox::publish;
use crate::lists;
use crate::lists::shared::{Pages, Shared};
use crate::protocol::Frame;
use crate::protocol::lists::{CustomerListRequest, ListRequest};
use crate::storage::StoreError;

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

    type Page = lists::customers::Page;

    fn shared(pages: &Pages) -> &Shared<Self::Page> {
        &pages.customers
    }

    fn options(conn: &Connection) -> Result<Frame, StoreError> {
        lists::customers::options(conn)
    }

    fn after_snapshot(_conn: &Connection, _viewer: i64) -> Result<Option<Frame>, StoreError> {
        Ok(None)
    }
}
