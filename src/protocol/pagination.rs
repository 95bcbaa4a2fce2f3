//! Page parameters and the pagination object shared by every list-type reply (PROTOCOL §13).

use serde::Serialize;
use serde_json::{Map, Value};

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: i64 = 500;
/// Page size of list replies and history requests when the client names none.
pub const DEFAULT_PAGE_SIZE: i64 = 10;
/// Page size of the history snapshot sent on connect.
pub const CONNECT_PAGE_SIZE: i64 = 50;

pub use crate::storage::PageRequest;

impl PageRequest {
    /// Reads `page`, `page_size` (or `limit`) and `offset` from a `filters` object.
    #[must_use]
    pub fn from_filters(filters: &Map<String, Value>, default_size: i64) -> Self {
        let page_size = filters
            .get("page_size")
            .or_else(|| filters.get("limit"))
            .and_then(int_of)
            .filter(|n| *n > 0)
            .map_or(default_size, |n| n.min(MAX_PAGE_SIZE));
        let page = filters.get("page").and_then(int_of).unwrap_or(1).max(1);
        let offset = filters
            .get("offset")
            .and_then(int_of)
            .map_or_else(|| (page - 1).saturating_mul(page_size), |o| o.max(0));
        Self {
            page,
            page_size,
            offset,
        }
    }
}

/// An integer given as a JSON integer or as a string of digits; anything else is not one.
#[must_use]
pub fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The `pagination` object of list replies.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Pagination {
    /// Rows matching the request in total.
    pub count: i64,
    /// Rows in this reply.
    pub page_count: i64,
    /// Rows per page.
    pub page_size: i64,
    pub page: i64,
    /// Pages in total (1 when there are no rows).
    pub total_pages: i64,
    /// Whether rows follow this page.
    pub has_next: bool,
    /// Whether rows precede this page.
    pub has_previous: bool,
    /// First row of this page.
    pub offset: i64,
    /// Same as `page_size`.
    pub limit: i64,
}

impl Pagination {
    /// Metadata for a page of `page_count` rows out of `count`.
    #[must_use]
    pub fn new(req: PageRequest, count: i64, page_count: i64) -> Self {
        let total_pages = if count == 0 {
            1
        } else {
            (count + req.page_size - 1) / req.page_size
        };
        Self {
            count,
            page_count,
            page_size: req.page_size,
            page: req.page,
            total_pages,
            has_next: req.offset + req.page_size < count,
            has_previous: req.offset > 0,
            offset: req.offset,
            limit: req.page_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(v: &Value) -> PageRequest {
        PageRequest::from_filters(v.as_object().unwrap(), DEFAULT_PAGE_SIZE)
    }

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(req(&json!({})), PageRequest::first(10));
        assert_eq!(req(&json!({"page_size": 0})).page_size, 10);
        assert_eq!(req(&json!({"page_size": 501})).page_size, 500);
        assert_eq!(req(&json!({"page_size": "x"})).page_size, 10);
        assert_eq!(req(&json!({"limit": "25"})).page_size, 25);
        assert_eq!(req(&json!({"page": -3})).page, 1);
        assert_eq!(req(&json!({"page": 3, "page_size": 20})).offset, 40);
    }

    #[test]
    fn offset_wins_over_page_but_page_is_reported() {
        let r = req(&json!({"page": 3, "offset": 5}));
        assert_eq!((r.page, r.offset), (3, 5));
        assert_eq!(req(&json!({"offset": -5})).offset, 0);
    }

    #[test]
    fn metadata() {
        let p = Pagination::new(req(&json!({"page": 2})), 37, 10);
        assert_eq!(
            (p.total_pages, p.has_next, p.has_previous, p.offset),
            (4, true, true, 10)
        );
        let empty = Pagination::new(PageRequest::first(10), 0, 0);
        assert_eq!((empty.total_pages, empty.has_next), (1, false));
    }
}
