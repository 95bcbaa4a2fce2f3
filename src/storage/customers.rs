//! The `customers` table and customer tags.

use super::sql::Cached;
use std::collections::HashMap;

use rusqlite::{Connection, Row, params, params_from_iter};

use super::tags::{TagRow, tags_of};
use super::{Entity, StoreError, StoreResult, found, optional};
use crate::clock;

/// Platforms a customer or conversation can come from.
pub const SOURCES: &[&str] = &["unknown", "telegram", "instagram", "api"];

/// Whether `source` is one of [`SOURCES`].
#[must_use]
pub fn is_source(source: &str) -> bool {
    SOURCES.contains(&source)
}

/// A stored customer with its tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRow {
    pub id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub username: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    pub phone_number: Option<String>,
    pub description: Option<String>,
    /// Picture URL or path.
    pub profile_picture: Option<String>,
    pub source: String,
    /// The customer's id on the platform.
    pub source_id: Option<String>,
    /// Free-form JSON object, as text.
    pub data: String,
    pub created_at: String,
    pub updated_at: String,
    /// Tags, by id.
    pub tags: Vec<TagRow>,
}

impl CustomerRow {
    /// The original's display string, used in default conversation titles (PROTOCOL §12).
    #[must_use]
    pub fn display(&self) -> String {
        let name = format!(
            "{} {}",
            self.first_name.as_deref().unwrap_or_default(),
            self.last_name.as_deref().unwrap_or_default()
        );
        let name = name.trim();
        match (
            name.is_empty(),
            self.username.as_deref().filter(|u| !u.is_empty()),
        ) {
            (false, Some(user)) => format!("{name} (@{user}) | {}", self.source),
            (false, None) => format!("{name} | {}", self.source),
            (true, Some(user)) => format!("@{user} | {}", self.source),
            (true, None) => format!("Customer {} | {}", self.id, self.source),
        }
    }
}

/// A customer about to be created.
#[derive(Debug, Clone, Default)]
pub struct NewCustomer {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub username: Option<String>,
    /// Platform; must be one of [`SOURCES`].
    pub source: String,
    /// The customer's id on the platform.
    pub source_id: Option<String>,
}

const COLUMNS: &str = "id, first_name, last_name, username, email, phone_number, description, \
                       profile_picture, source, source_id, data, created_at, updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<CustomerRow> {
    Ok(CustomerRow {
        id: row.get(0)?,
        first_name: row.get(1)?,
        last_name: row.get(2)?,
        username: row.get(3)?,
        email: row.get(4)?,
        phone_number: row.get(5)?,
        description: row.get(6)?,
        profile_picture: row.get(7)?,
        source: row.get(8)?,
        source_id: row.get(9)?,
        data: row.get(10)?,
        created_at: row.get(11)?,
        updated_at: row.get(12)?,
        tags: Vec::new(),
    })
}

pub fn insert(conn: &Connection, new: &NewCustomer) -> StoreResult<CustomerRow> {
    if !is_source(&new.source) {
        return Err(StoreError::Conflict(format!(
            "unknown source {:?}; expected one of {}",
            new.source,
            SOURCES.join(", ")
        )));
    }
    let now = clock::now_db();
    conn.exec(
        "INSERT INTO customers (first_name, last_name, username, source, source_id, created_at, \
         updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![
            new.first_name,
            new.last_name,
            new.username,
            new.source,
            new.source_id,
            now
        ],
    )?;
    get(conn, conn.last_insert_rowid())
}

/// The customer with this id, with its tags.
pub fn get(conn: &Connection, id: i64) -> StoreResult<CustomerRow> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE id = ?1");
    let mut customer = found(conn.row(&sql, [id], from_row), Entity::Customer)?;
    customer.tags = tags_of(conn, &[id])?.remove(&id).unwrap_or_default();
    Ok(customer)
}

/// Several customers with their tags, keyed by id, in two queries.
pub fn by_ids(conn: &Connection, ids: &[i64]) -> StoreResult<HashMap<i64, CustomerRow>> {
    let mut found = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let marks = super::sql::marks(ids.len());
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE id IN ({marks})");
    let mut stmt = conn.prepare_cached(&sql)?;
    for customer in stmt.query_map(params_from_iter(ids), from_row)? {
        let customer = customer?;
        found.insert(customer.id, customer);
    }
    for (id, tags) in tags_of(conn, ids)? {
        if let Some(customer) = found.get_mut(&id) {
            customer.tags = tags;
        }
    }
    Ok(found)
}

/// The customer known on `source` by `source_id`, if any.
pub fn find_by_source(
    conn: &Connection,
    source: &str,
    source_id: &str,
) -> StoreResult<Option<CustomerRow>> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE source = ?1 AND source_id = ?2");
    let Some(customer) = optional(conn.row(&sql, [source, source_id], from_row))? else {
        return Ok(None);
    };
    get(conn, customer.id).map(Some)
}

/// The editable text fields of a customer.
pub const EDITABLE: &[&str] = &[
    "first_name",
    "last_name",
    "username",
    "email",
    "phone_number",
    "description",
];

/// Changes to a customer: each named field set to a value or cleared, and optionally new `data`.
#[derive(Debug, Clone, Default)]
pub struct CustomerChanges {
    /// (one of [`EDITABLE`], new value or `None` to clear).
    pub fields: Vec<(&'static str, Option<String>)>,
    /// A new `data` object, as JSON text.
    pub data: Option<String>,
    /// The customer's tags by name, replacing the ones attached.
    pub tags: Option<Vec<String>>,
}

/// Applies changes to a customer and returns it.
pub fn update(conn: &Connection, id: i64, changes: &CustomerChanges) -> StoreResult<CustomerRow> {
    for (field, value) in &changes.fields {
        if EDITABLE.contains(field) {
            conn.exec(
                &format!("UPDATE customers SET {field} = ?2 WHERE id = ?1"),
                params![id, value],
            )?;
        }
    }
    if let Some(data) = &changes.data {
        conn.exec(
            "UPDATE customers SET data = ?2 WHERE id = ?1",
            params![id, data],
        )?;
    }
    if let Some(names) = &changes.tags {
        get(conn, id)?;
        super::tags::set_tags(conn, id, names)?;
    }
    let n = conn.exec(
        "UPDATE customers SET updated_at = ?2 WHERE id = ?1",
        params![id, clock::now_db()],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(Entity::Customer));
    }
    get(conn, id)
}

/// Deletes a customer with its conversations; returns the ids of the conversations deleted.
pub fn delete(conn: &Connection, id: i64) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM conversations WHERE customer_id = ?1")?;
    let conversations = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    if conn.exec("DELETE FROM customers WHERE id = ?1", [id])? == 0 {
        return Err(StoreError::NotFound(Entity::Customer));
    }
    Ok(conversations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::test_db;

    fn new(first: &str, user: Option<&str>) -> NewCustomer {
        NewCustomer {
            first_name: Some(first.into()),
            username: user.map(Into::into),
            source: "telegram".into(),
            ..NewCustomer::default()
        }
    }

    #[test]
    fn display_follows_the_original_rules() {
        let db = test_db();
        assert_eq!(
            insert(&db, &new("John", Some("jd"))).unwrap().display(),
            "John (@jd) | telegram"
        );
        assert_eq!(
            insert(&db, &new("John", None)).unwrap().display(),
            "John | telegram"
        );
        let anon = insert(&db, &new("", None)).unwrap();
        assert_eq!(anon.display(), format!("Customer {} | telegram", anon.id));
    }

    #[test]
    fn tags_are_loaded_with_the_customer() {
        let db = test_db();
        let c = insert(&db, &new("John", None)).unwrap();
        crate::storage::tags::add_tag(&db, c.id, "VIP").unwrap();
        crate::storage::tags::add_tag(&db, c.id, "VIP").unwrap();
        let tags = get(&db, c.id).unwrap().tags;
        assert_eq!(tags.len(), 1);
        assert_eq!(tags[0].name, "VIP");
    }

    #[test]
    fn unknown_sources_are_refused() {
        let db = test_db();
        let mut c = new("x", None);
        c.source = "fax".into();
        assert!(matches!(insert(&db, &c), Err(StoreError::Conflict(_))));
    }
}
