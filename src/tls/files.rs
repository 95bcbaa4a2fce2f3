//! Reading and writing the TLS folder's files: whole-file replacement (a reader never sees half
//! a certificate), keys readable by their owner only, and a stamp that says when a file changed.

use std::io::Write as _;
use std::path::Path;
use std::time::SystemTime;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;

use super::TlsError;

/// When a file last changed, and its size: a different stamp means a different file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    modified: SystemTime,
    len: u64,
}

/// The stamp of `path` now, `None` when it cannot be read.
#[must_use]
pub fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        modified: meta.modified().ok()?,
        len: meta.len(),
    })
}

/// Creates `dir` (owner only) when missing.
pub fn private_dir(dir: &Path) -> Result<(), TlsError> {
    crate::auth::secret::private_dir(dir).map_err(|e| TlsError::io(dir, e))
}

/// Replaces `path` with `bytes`, readable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), TlsError> {
    replace(path, bytes, true)
}

/// Replaces `path` with `bytes`.
pub fn write_public(path: &Path, bytes: &[u8]) -> Result<(), TlsError> {
    replace(path, bytes, false)
}

/// Writes a temporary file beside `path`, then renames it over `path`.
fn replace(path: &Path, bytes: &[u8], private: bool) -> Result<(), TlsError> {
    let temp = path.with_extension(format!("new-{}", crate::ids::random_string(8)));
    let written = (|| {
        let mut file = if private {
            crate::auth::secret::private_file(&temp)?
        } else {
            std::fs::File::create_new(&temp)?
        };
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written.map_err(|e| TlsError::io(path, e))
}

/// The text of `path`.
pub fn read_text(path: &Path) -> Result<String, TlsError> {
    std::fs::read_to_string(path).map_err(|e| TlsError::io(path, e))
}

/// The certificates of a PEM text, in order (anything else in it is skipped).
#[must_use]
pub fn pem_certs(pem: &str) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .filter_map(Result::ok)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_file_gets_a_new_stamp_and_a_private_one_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.key");
        assert_eq!(stamp(&path), None);
        write_private(&path, b"one").unwrap();
        let first = stamp(&path).unwrap();
        write_private(&path, b"other").unwrap();
        assert_ne!(stamp(&path), Some(first));
        assert_eq!(read_text(&path).unwrap(), "other");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
