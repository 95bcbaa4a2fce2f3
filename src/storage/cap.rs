//! How large the database may grow. By default: what it holds now plus nine tenths of the free
//! space on its disk, decided at every start, so a filling disk turns into a clear "storage is
//! full" for agents (nothing half-written) while the machine keeps a tenth for itself; or what
//! `storage.max_database_mb` says (0: no cap).

use std::path::Path;

use rusqlite::Connection;

/// Share of the disk's free space the database may take, in tenths.
const FREE_TENTHS: u64 = 9;

/// The size limit a store opened with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeCap {
    /// `storage.max_database_mb`.
    Configured { bytes: u64 },
    /// Derived from the free space of the disk the database is on.
    Automatic { bytes: u64, free: u64 },
    /// `storage.max_database_mb = 0`, or the free space could not be read.
    None,
}

impl SizeCap {
    /// The cap for the database at `path`.
    #[must_use]
    pub fn decide(path: &Path, configured_mb: Option<u64>) -> Self {
        match configured_mb {
            Some(0) => Self::None,
            Some(mb) => Self::Configured {
                bytes: mb.saturating_mul(1_000_000),
            },
            None => {
                let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
                let Ok(free) = fs4::available_space(dir.unwrap_or(Path::new("."))) else {
                    return Self::None;
                };
                let held = std::fs::metadata(path).map_or(0, |m| m.len());
                Self::Automatic {
                    bytes: held.saturating_add(free / 10 * FREE_TENTHS),
                    free,
                }
            }
        }
    }

    #[must_use]
    pub fn bytes(self) -> Option<u64> {
        match self {
            Self::Configured { bytes } | Self::Automatic { bytes, .. } => Some(bytes),
            Self::None => None,
        }
    }

    /// Makes `SQLite` refuse to grow the database past the cap.
    pub(super) fn apply(self, conn: &Connection) -> rusqlite::Result<()> {
        let Some(bytes) = self.bytes() else {
            return Ok(());
        };
        let page: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
        let pages = i64::try_from(bytes).unwrap_or(i64::MAX) / page.max(512);
        conn.pragma_update(None, "max_page_count", pages.max(1))
    }
}

impl std::fmt::Display for SizeCap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let gb = |bytes: u64| {
            let tenths = bytes / 100_000_000;
            format!("{}.{} GB", tenths / 10, tenths % 10)
        };
        match *self {
            Self::Configured { bytes } => write!(
                f,
                "The database may grow to {} (storage.max_database_mb)",
                gb(bytes)
            ),
            Self::Automatic { bytes, free } => write!(
                f,
                "The database may grow to {}: nine tenths of the {} free on its disk \
                 (set storage.max_database_mb to choose)",
                gb(bytes),
                gb(free)
            ),
            Self::None => f.write_str("The database has no size cap (storage.max_database_mb = 0)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_leaves_a_tenth_of_the_free_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        std::fs::write(&path, vec![0; 4096]).unwrap();
        let SizeCap::Automatic { bytes, free } = SizeCap::decide(&path, None) else {
            panic!("the free space of a temporary folder is readable");
        };
        assert!(free > 0);
        assert_eq!(bytes, 4096 + free / 10 * 9);
        assert_eq!(
            SizeCap::decide(&path, Some(3)),
            SizeCap::Configured { bytes: 3_000_000 }
        );
        assert_eq!(SizeCap::decide(&path, Some(0)), SizeCap::None);
    }
}
