//! Reading list filters from a client's `filters` object (PROTOCOL §5.4, §6.4). Values are read
//! leniently where the original was lenient, but a value that cannot mean anything is an error
//! naming the filter, not a silently empty list (PROTOCOL §17 D21).

use serde_json::{Map, Value};

use super::pagination::int_of;
use crate::clock;
use crate::storage::conversation_list::{self, Assigned, ConversationQuery};
use crate::storage::conversations::STATUSES;
use crate::storage::customer_list::{self, CustomerQuery};
use crate::storage::customers::SOURCES;

/// A filter with a value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid filter '{filter}': {reason}")]
pub struct FilterError {
    pub filter: String,
    pub reason: String,
}

type Filters = Map<String, Value>;

fn bad(filter: &str, reason: impl Into<String>) -> FilterError {
    FilterError {
        filter: filter.to_owned(),
        reason: reason.into(),
    }
}

/// A text filter: absent, null, empty and `all` mean "no filter".
fn text(f: &Filters, key: &str) -> Result<Option<String>, FilterError> {
    match f.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let s = s.trim();
            Ok((!s.is_empty() && !s.eq_ignore_ascii_case("all")).then(|| s.to_owned()))
        }
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(bad(key, "expected a string")),
    }
}

/// A text filter whose value must be one of `allowed`.
fn one_of(f: &Filters, key: &str, allowed: &[&str]) -> Result<Option<String>, FilterError> {
    match text(f, key)? {
        Some(v) if !allowed.contains(&v.as_str()) => {
            Err(bad(key, format!("expected one of {}", allowed.join(", "))))
        }
        other => Ok(other),
    }
}

/// An integer filter: absent, null, empty and `all` mean "no filter".
fn integer(f: &Filters, key: &str) -> Result<Option<i64>, FilterError> {
    match text(f, key)? {
        None => Ok(None),
        Some(_) => f
            .get(key)
            .and_then(int_of)
            .map(Some)
            .ok_or_else(|| bad(key, "expected an integer")),
    }
}

/// A yes/no filter: `true`/`1` and `false`/`0` (any case, as JSON or text); absent, null,
/// empty and `all` mean "no filter".
fn flag(f: &Filters, key: &str) -> Result<Option<bool>, FilterError> {
    let v = match f.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Bool(b)) => return Ok(Some(*b)),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.trim().to_ascii_lowercase(),
        Some(_) => return Err(bad(key, "expected true or false")),
    };
    match v.as_str() {
        "" | "all" => Ok(None),
        "true" | "1" | "yes" => Ok(Some(true)),
        "false" | "0" | "no" => Ok(Some(false)),
        _ => Err(bad(key, "expected true, false or all")),
    }
}

/// A list of names: an array of strings, or one string.
fn names(f: &Filters, key: &str) -> Result<Vec<String>, FilterError> {
    match f.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.trim().to_owned()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.trim().to_owned()),
                _ => Err(bad(key, "expected a list of names")),
            })
            .collect(),
        Some(_) => Err(bad(key, "expected a list of names")),
    }
}

/// A list of ids: an array of integers, or one.
fn ids(f: &Filters, key: &str) -> Result<Vec<i64>, FilterError> {
    match f.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| int_of(v).ok_or_else(|| bad(key, "expected a list of ids")))
            .collect(),
        Some(v) => int_of(v)
            .map(|id| vec![id])
            .ok_or_else(|| bad(key, "expected a list of ids")),
    }
}

/// A date or date-time bound in the stored form; a bare date as an upper bound means the end of
/// that day, so `date_to: 2025-01-15` includes the 15th.
fn date(f: &Filters, key: &str, upper: bool) -> Result<Option<String>, FilterError> {
    let Some(raw) = text(f, key)? else {
        return Ok(None);
    };
    let parsed = clock::parse(&raw)
        .ok_or_else(|| bad(key, "expected a date (YYYY-MM-DD) or an ISO 8601 date-time"))?;
    let bare_date = raw.len() == 10;
    let bound = if upper && bare_date {
        parsed + chrono::Duration::microseconds(86_400_000_000 - 1)
    } else {
        parsed
    };
    Ok(Some(clock::to_db(bound)))
}

/// The `order_by` key if it is one of `orders`; anything else means the default.
fn order(f: &Filters, orders: &'static [(&'static str, &'static str)]) -> Option<&'static str> {
    let asked = f.get("order_by").and_then(Value::as_str)?;
    orders.iter().map(|(k, _)| *k).find(|k| *k == asked)
}

/// A conversation list request as seen by `viewer`.
pub fn conversations(f: &Filters, viewer: i64) -> Result<ConversationQuery, FilterError> {
    let assigned = match text(f, "assigned")?.as_deref() {
        None | Some("any") => Assigned::Any,
        Some("me") => Assigned::Me,
        Some("unassigned") => Assigned::Unassigned,
        Some(_) => return Err(bad("assigned", "expected me, unassigned or any")),
    };
    Ok(ConversationQuery {
        search: text(f, "search")?,
        status: one_of(f, "status", STATUSES)?,
        source: one_of(f, "source", SOURCES)?,
        priority: integer(f, "priority")?,
        tags: names(f, "tags")?,
        created_from: date(f, "date_from", false)?,
        created_to: date(f, "date_to", true)?,
        unread_only: flag(f, "unread_only")?.unwrap_or(false),
        assigned,
        assigned_to: integer(f, "assigned_to")?,
        order_by: order(f, conversation_list::ORDERS),
        viewer,
    })
}

pub fn customers(f: &Filters) -> Result<CustomerQuery, FilterError> {
    Ok(CustomerQuery {
        search: text(f, "search")?,
        source: one_of(f, "source", SOURCES)?,
        tags: names(f, "tags")?,
        tag_ids: ids(f, "tag_ids")?,
        has_email: flag(f, "has_email")?,
        has_phone: flag(f, "has_phone")?,
        conversation_status: one_of(f, "conversation_status", STATUSES)?,
        has_unread: flag(f, "has_unread")?,
        created_from: date(f, "date_from", false)?,
        created_to: date(f, "date_to", true)?,
        active_from: date(f, "last_activity_from", false)?,
        active_to: date(f, "last_activity_to", true)?,
        order_by: order(f, customer_list::ORDERS),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn conv(v: &Value) -> Result<ConversationQuery, FilterError> {
        conversations(v.as_object().unwrap(), 7)
    }

    #[test]
    fn all_and_empty_values_mean_no_filter() {
        let q =
            conv(&json!({"status": "all", "source": "", "priority": "all", "tags": []})).unwrap();
        assert!(
            q.status.is_none() && q.source.is_none() && q.priority.is_none() && q.tags.is_empty()
        );
    }

    #[test]
    fn unread_only_false_means_no_filter() {
        assert!(!conv(&json!({"unread_only": "false"})).unwrap().unread_only);
        assert!(conv(&json!({"unread_only": "true"})).unwrap().unread_only);
        assert!(conv(&json!({"unread_only": 1})).unwrap().unread_only);
    }

    #[test]
    fn bad_values_name_their_filter() {
        for (filters, key) in [
            (json!({"priority": "high"}), "priority"),
            (json!({"status": "open"}), "status"),
            (json!({"date_from": "yesterday"}), "date_from"),
            (json!({"unread_only": "maybe"}), "unread_only"),
            (json!({"assigned": "them"}), "assigned"),
            (json!({"tags": [1]}), "tags"),
        ] {
            assert_eq!(conv(&filters).unwrap_err().filter, key);
        }
    }

    #[test]
    fn a_bare_upper_date_includes_the_whole_day() {
        let q = conv(&json!({"date_from": "2025-01-15", "date_to": "2025-01-15"})).unwrap();
        assert_eq!(
            q.created_from.as_deref(),
            Some("2025-01-15T00:00:00.000000Z")
        );
        assert_eq!(q.created_to.as_deref(), Some("2025-01-15T23:59:59.999999Z"));
    }

    #[test]
    fn unknown_orderings_fall_back_to_the_default() {
        assert_eq!(
            conv(&json!({"order_by": "-priority"})).unwrap().order_by,
            Some("-priority")
        );
        assert_eq!(
            conv(&json!({"order_by": "random()"})).unwrap().order_by,
            None
        );
    }

    #[test]
    fn customer_flags_and_ids() {
        let f =
            json!({"has_email": "True", "has_phone": 0, "tag_ids": ["3", 4], "has_unread": "all"});
        let q = customers(f.as_object().unwrap()).unwrap();
        assert_eq!(
            (q.has_email, q.has_phone, q.has_unread),
            (Some(true), Some(false), None)
        );
        assert_eq!(q.tag_ids, [3, 4]);
    }
}
