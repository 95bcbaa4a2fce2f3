//! One running server per data folder: an exclusive lock on `instance.lock` for as long as the
//! server runs, and `instance.json` saying where it listens, so a second start can say (and open)
//! where the first one is instead of failing on the port.

use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const LOCK: &str = "instance.lock";
const INFO: &str = "instance.json";

/// Where a running instance is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Running {
    pub pid: u32,
    /// The agent page's address.
    pub url: String,
}

/// Why the folder could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum InstanceError {
    /// Another process serves this folder.
    #[error("pilito-box is already running on this data folder{}", match .0 {
        Some(r) => format!(" at {} (process {})", r.url, r.pid),
        None => String::new(),
    })]
    Taken(Option<Running>),
    /// The lock file could not be used.
    #[error("cannot lock {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The lock on a data folder; released when dropped.
#[derive(Debug)]
pub struct Instance {
    _lock: File,
    info: PathBuf,
}

impl Instance {
    /// Takes the data folder, or says who has it.
    pub fn acquire(data_dir: &Path) -> Result<Self, InstanceError> {
        let path = data_dir.join(LOCK);
        let io = |source| InstanceError::Io {
            path: path.clone(),
            source,
        };
        let lock = crate::files::append_private(&path).map_err(io)?;
        match lock.try_lock() {
            Ok(()) => Ok(Self {
                _lock: lock,
                info: data_dir.join(INFO),
            }),
            Err(std::fs::TryLockError::WouldBlock) => Err(InstanceError::Taken(running(data_dir))),
            Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
        }
    }

    /// Records where this instance listens.
    pub fn record(&self, url: &str) -> std::io::Result<()> {
        let running = Running {
            pid: std::process::id(),
            url: url.to_owned(),
        };
        crate::files::write_private(&self.info, &serde_json::to_vec(&running)?)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.info);
    }
}

/// Where the instance holding `data_dir` said it listens, if it said.
#[must_use]
pub fn running(data_dir: &Path) -> Option<Running> {
    let text = std::fs::read(data_dir.join(INFO)).ok()?;
    serde_json::from_slice(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_instance_learns_where_the_first_is() {
        let dir = tempfile::tempdir().unwrap();
        let first = Instance::acquire(dir.path()).unwrap();
        first.record("http://192.168.1.23:8765/").unwrap();
        match Instance::acquire(dir.path()) {
            Err(InstanceError::Taken(Some(r))) => assert_eq!(r.url, "http://192.168.1.23:8765/"),
            other => panic!("{other:?}"),
        }
        drop(first);
        assert!(running(dir.path()).is_none());
        Instance::acquire(dir.path()).unwrap();
    }
}
