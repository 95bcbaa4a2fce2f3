//! The `ip_blacklist` table: addresses refused before any handshake (PROTOCOL §3.1).

use super::sql::Cached;
use std::collections::HashSet;
use std::net::IpAddr;

use rusqlite::{Connection, params};

use super::StoreResult;
use crate::clock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlacklistEntry {
    pub ip: IpAddr,
    /// Why it was added.
    pub reason: Option<String>,
    pub created_at: String,
}

/// Adds an address; returns false if it was already listed.
pub fn add(conn: &Connection, ip: IpAddr, reason: Option<&str>) -> StoreResult<bool> {
    Ok(conn.exec(
        "INSERT OR IGNORE INTO ip_blacklist (ip, reason, created_at) VALUES (?1, ?2, ?3)",
        params![ip.to_string(), reason, clock::now_db()],
    )? > 0)
}

/// Removes an address; returns false if it was not listed.
pub fn remove(conn: &Connection, ip: IpAddr) -> StoreResult<bool> {
    Ok(conn.exec("DELETE FROM ip_blacklist WHERE ip = ?1", [ip.to_string()])? > 0)
}

/// Every entry, oldest first.
pub fn list(conn: &Connection) -> StoreResult<Vec<BlacklistEntry>> {
    let mut stmt =
        conn.prepare("SELECT ip, reason, created_at FROM ip_blacklist ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))?;
    let mut entries = Vec::new();
    for row in rows {
        let (ip, reason, created_at) = row?;
        if let Ok(ip) = ip.parse() {
            entries.push(BlacklistEntry {
                ip,
                reason,
                created_at,
            });
        }
    }
    Ok(entries)
}

/// The set of listed addresses.
pub fn addresses(conn: &Connection) -> StoreResult<HashSet<IpAddr>> {
    Ok(list(conn)?.into_iter().map(|e| e.ip).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::test_db;

    #[test]
    fn add_remove_list() {
        let db = test_db();
        let ip: IpAddr = "10.0.0.9".parse().unwrap();
        assert!(add(&db, ip, Some("abuse")).unwrap());
        assert!(!add(&db, ip, None).unwrap());
        assert!(addresses(&db).unwrap().contains(&ip));
        assert!(remove(&db, ip).unwrap());
        assert!(list(&db).unwrap().is_empty());
    }
}
