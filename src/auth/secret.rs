//! The workspace secret that signs tokens: generated at first start, kept in a 0600 file.

use std::io::Write;
use std::path::Path;

pub use crate::files::{private_dir, private_file};

/// File name of the secret inside the data folder.
pub const FILE: &str = "secret.key";

/// Bytes of randomness in a new secret (512 bits, the HS512 block's worth).
const LEN: usize = 64;

/// Reads the secret at `dir/secret.key`, creating it (mode 0600) if it does not exist.
pub fn load_or_create(dir: &Path) -> std::io::Result<Vec<u8>> {
    let path = dir.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            crate::files::make_private(&path);
            decode_hex(text.trim()).ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} is not a hex-encoded secret", path.display()),
                )
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            private_dir(dir)?;
            let secret = crate::ids::random_bytes(LEN);
            let mut file = private_file(&path)?;
            writeln!(file, "{}", encode_hex(&secret))?;
            file.sync_all()?;
            Ok(secret)
        }
        Err(e) => Err(e),
    }
}

fn encode_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || text.len() < 32 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(dir.path()).unwrap();
        assert_eq!(first.len(), LEN);
        assert_eq!(load_or_create(dir.path()).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_secret_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "zz").unwrap();
        assert!(load_or_create(dir.path()).is_err());
    }
}
