//! Customer tags: the `tags` and `customer_tags` tables.

use super::sql::Cached;
use std::collections::HashMap;

use rusqlite::{Connection, params, params_from_iter};

use super::{Entity, StoreResult, found, optional};
use crate::clock;

/// A tag attached to customers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRow {
    pub id: i64,
    pub name: String,
    /// The user who made it.
    pub created_by: Option<i64>,
    pub created_at: Option<String>,
}

/// Tags of several customers in one query, keyed by customer id, each list ordered by tag id.
pub fn tags_of(conn: &Connection, customer_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<TagRow>>> {
    let mut by_customer: HashMap<i64, Vec<TagRow>> = HashMap::new();
    if customer_ids.is_empty() {
        return Ok(by_customer);
    }
    let marks = super::sql::marks(customer_ids.len());
    let sql = format!(
        "SELECT ct.customer_id, t.id, t.name, t.created_by, t.created_at \
         FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id \
         WHERE ct.customer_id IN ({marks}) ORDER BY ct.customer_id, t.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(customer_ids))?;
    while let Some(row) = rows.next()? {
        by_customer.entry(row.get(0)?).or_default().push(TagRow {
            id: row.get(1)?,
            name: row.get(2)?,
            created_by: row.get(3)?,
            created_at: row.get(4)?,
        });
    }
    Ok(by_customer)
}

/// Makes `names` the customer's tags: the others are detached, new names created.
pub fn set_tags(conn: &Connection, customer_id: i64, names: &[String]) -> StoreResult<()> {
    conn.exec(
        "DELETE FROM customer_tags WHERE customer_id = ?1",
        [customer_id],
    )?;
    for name in names {
        add_tag(conn, customer_id, name)?;
    }
    Ok(())
}

/// Attaches a tag named `name` to a customer, creating the tag if needed.
pub fn add_tag(conn: &Connection, customer_id: i64, name: &str) -> StoreResult<TagRow> {
    let existing = optional(conn.row(
        "SELECT id FROM tags WHERE name = ?1 ORDER BY id LIMIT 1",
        [name],
        |r| r.get::<_, i64>(0),
    ))?;
    let tag_id = if let Some(id) = existing {
        id
    } else {
        conn.exec(
            "INSERT INTO tags (name, created_at) VALUES (?1, ?2)",
            params![name, clock::now_db()],
        )?;
        conn.last_insert_rowid()
    };
    conn.exec(
        "INSERT OR IGNORE INTO customer_tags (customer_id, tag_id) VALUES (?1, ?2)",
        [customer_id, tag_id],
    )?;
    found(
        conn.row(
            "SELECT id, name, created_by, created_at FROM tags WHERE id = ?1",
            [tag_id],
            |r| {
                Ok(TagRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created_by: r.get(2)?,
                    created_at: r.get(3)?,
                })
            },
        ),
        Entity::Tag,
    )
}
