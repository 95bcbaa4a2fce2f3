//! The customer list (PROTOCOL §6): filters → [`CustomerQuery`] → a page of
//! [`CustomerEntry`] rows (each customer with its conversations) → the `customers_list` frame,
//! or REST's `CustomerListView`s; and the filter menus.

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::shared::{self, Shown};
use super::{ListError, Loaded, count_of, page_of};
use crate::clock;
use crate::protocol::Frame;
use crate::protocol::filters::{self, FilterError};
use crate::protocol::lists::CustomerListView;
use crate::protocol::pagination::{PageRequest, Pagination};
use crate::protocol::server::ServerFrame;
use crate::storage::StoreResult;
use crate::storage::customer_list::{self, CustomerEntry, CustomerQuery};

/// Which customers, and which page of them, a request asks for, checked.
#[derive(Debug, Clone)]
pub struct Selection {
    query: CustomerQuery,
    page: PageRequest,
}

impl Selection {
    /// Checks `filters` (a socket request's, or REST's query parameters).
    pub fn new(filters: &Map<String, Value>) -> Result<Self, FilterError> {
        Ok(Self {
            query: filters::customers(filters)?,
            page: page_of(filters),
        })
    }

    /// Runs the page and count queries, and loads the page's conversations.
    pub fn load(&self, conn: &Connection) -> StoreResult<Loaded<CustomerEntry>> {
        let (rows, count) = customer_list::page(conn, &self.query, self.page)?;
        Ok(Loaded {
            rows,
            count,
            page: self.page,
        })
    }
}

/// The `customers_list` frame for `filters`: what a list socket sends (every agent sees the
/// same customers).
pub fn page(conn: &Connection, filters: &Map<String, Value>) -> Result<Frame, ListError> {
    let loaded = Selection::new(filters)?.load(conn)?;
    Ok(frame(&loaded, filters))
}

/// A customer list page: the same frame for every viewer.
pub struct Page(Shown);

impl shared::Page for Page {
    fn key(_viewer: i64, filters: &Map<String, Value>) -> String {
        serde_json::to_string(filters).unwrap_or_default()
    }

    fn build(
        conn: &Connection,
        _viewer: i64,
        filters: &Map<String, Value>,
    ) -> Result<Self, ListError> {
        page(conn, filters).map(|frame| Self(Shown::new(frame)))
    }

    fn shown(&self, _viewer: i64) -> Shown {
        self.0.clone()
    }
}

/// The `customers_list` frame of a loaded page, echoing the `filters` it was asked with.
pub fn frame(loaded: &Loaded<CustomerEntry>, filters: &Map<String, Value>) -> Frame {
    let customers: Vec<CustomerListView> = loaded.views();
    let page_count = count_of(&customers);
    ServerFrame::CustomersList {
        customers,
        pagination: Pagination::new(loaded.page, loaded.count, page_count),
        filters: filters.clone(),
        count: loaded.count,
        page_count,
        timestamp: clock::now_wire(),
    }
    .encode()
}

/// The `filter_options` frame: the values in use, for the customer list's filter menus.
pub fn options(conn: &Connection) -> StoreResult<Frame> {
    Ok(ServerFrame::FilterOptions {
        options: customer_list::options(conn)?.into(),
        timestamp: clock::now_wire(),
    }
    .encode())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::lists::fixture::{filters, json, workspace};

    #[test]
    fn a_page_carries_each_customer_with_its_conversations() {
        let conn = workspace();
        let asked = filters(&json!({"page_size": 2}));
        let frame = json(&page(&conn, &asked).unwrap());
        assert_eq!(frame["type"], "customers_list");
        let customers = frame["customers"].as_array().unwrap();
        assert_eq!((customers.len(), frame["count"].clone()), (2, json!(3)));
        assert!(
            customers
                .iter()
                .all(|c| c["conversations"].as_array().unwrap().len() == 1)
        );
        assert_eq!(frame["filters"], json!({"page_size": 2}));
        assert_eq!(frame["pagination"]["page_count"], 2);
    }

    #[test]
    fn filters_narrow_the_page_and_its_count() {
        let conn = workspace();
        let unread = json(&page(&conn, &filters(&json!({"has_unread": true}))).unwrap());
        assert_eq!(unread["count"], 1);
        assert_eq!(unread["customers"][0]["first_name"], "C2");
        let found = json(&page(&conn, &filters(&json!({"search": "C1"}))).unwrap());
        assert_eq!(found["count"], 1);
        assert_eq!(found["customers"][0]["first_name"], "C1");
    }

    #[test]
    fn a_bad_filter_is_refused_and_rest_sees_what_the_socket_sees() {
        let conn = workspace();
        let bad = filters(&json!({"source": "fax"}));
        assert_eq!(Selection::new(&bad).unwrap_err().filter, "source");
        assert!(matches!(page(&conn, &bad), Err(ListError::Filter(_))));
        let all = Map::new();
        let loaded = Selection::new(&all).unwrap().load(&conn).unwrap();
        let rest: Vec<CustomerListView> = loaded.views();
        let socket = json(&page(&conn, &all).unwrap());
        assert_eq!(json!(rest), socket["customers"]);
    }

    #[test]
    fn the_menus_come_from_the_database() {
        let menus = json(&options(&workspace()).unwrap());
        assert_eq!(menus["type"], "filter_options");
    }
}
