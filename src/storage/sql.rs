//! Small helpers for queries assembled from optional filters: a WHERE clause with its
//! parameters in order, and qualified column lists for joins.

use rusqlite::types::Value;

/// A conjunction of conditions and the values their `?` placeholders take, in order.
#[derive(Debug, Default)]
pub struct Where {
    clauses: Vec<String>,
    params: Vec<Value>,
}

impl Where {
    /// Adds a condition whose `?`s take `params` in order.
    pub fn and(&mut self, clause: impl Into<String>, params: impl IntoIterator<Item = Value>) {
        self.clauses.push(clause.into());
        self.params.extend(params);
    }

    /// `WHERE a AND b`, or nothing.
    #[must_use]
    pub fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// The parameters, with `extra` appended (for LIMIT and OFFSET).
    #[must_use]
    pub fn params(&self, extra: &[i64]) -> Vec<Value> {
        let mut all = self.params.clone();
        all.extend(extra.iter().map(|n| Value::Integer(*n)));
        all
    }
}

/// `?, ?, ?` for `n` values.
#[must_use]
pub fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// A comma-separated column list with each column prefixed by `alias.`.
#[must_use]
pub fn qualified(columns: &str, alias: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[must_use]
pub fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

/// Statements each connection keeps parsed: every distinct hot query fits (rusqlite's
/// default of 16 does not, and an evicted statement is parsed again on its next use).
pub const STATEMENT_CACHE: usize = 128;

/// Running a statement through the connection's statement cache, so a hot query is parsed
/// once per connection instead of once per call (`Connection::execute` and `query_row`
/// prepare from scratch every time).
pub trait Cached {
    /// `execute`, with the statement cached.
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;

    /// `query_row`, with the statement cached.
    fn row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>;
}

impl Cached for rusqlite::Connection {
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_clauses_and_params_line_up() {
        let mut w = Where::default();
        assert_eq!(w.sql(), "");
        w.and("a = ?", [Value::Integer(1)]);
        w.and("b = ?", [Value::Text("50%_off".into())]);
        assert_eq!(w.sql(), "WHERE a = ? AND b = ?");
        let p = w.params(&[10, 0]);
        assert_eq!(p[1], Value::Text("50%_off".into()));
        assert_eq!(p.len(), 4);
        assert_eq!(qualified("id, name", "c"), "c.id, c.name");
        assert_eq!(marks(3), "?, ?, ?");
    }
}
