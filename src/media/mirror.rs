//! Copies of the media folder beside the database's backups. Stored files never change under a
//! name, so a mirror only ever gains the files it lacks: one mirror serves every backup taken
//! into a folder, and a restore puts back the files the data folder lacks without touching the
//! ones it has.

use std::io;
use std::path::Path;

use super::is_generated_name;
use crate::files;

/// Copies every stored file under `from` that `to` lacks (each through a temporary name, so a
/// mirror never holds half a file); returns how many were copied. A missing `from` copies none.
pub fn mirror(from: &Path, to: &Path) -> io::Result<usize> {
    let mut copied = 0;
    for year in entries(from, Kind::Folders)? {
        for month in entries(&year, Kind::Folders)? {
            for file in entries(&month, Kind::Files)? {
                let Ok(relative) = file.strip_prefix(from) else {
                    continue;
                };
                let name = relative.to_string_lossy().replace('\\', "/");
                if !is_generated_name(&name) {
                    continue;
                }
                let dest = to.join(relative);
                if dest.exists() {
                    continue;
                }
                if let Some(parent) = dest.parent() {
                    files::private_dir(parent)?;
                }
                let partial = dest.with_extension("partial");
                std::fs::copy(&file, &partial)?;
                files::make_private(&partial);
                std::fs::rename(&partial, &dest)?;
                copied += 1;
            }
        }
    }
    Ok(copied)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Folders,
    Files,
}

/// The folders or the files directly inside `dir` (anything else there is not a stored file's
/// place and is passed over), none when it does not exist.
fn entries(dir: &Path, kind: Kind) -> io::Result<Vec<std::path::PathBuf>> {
    let read = match std::fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(read
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_ok_and(|t| {
                if kind == Kind::Folders {
                    t.is_dir()
                } else {
                    t.is_file()
                }
            })
        })
        .map(|e| e.path())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mirror_gains_only_what_it_lacks() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("media"), dir.path().join("mirror"));
        let one = "2026/12/abcdefghijkmnopqrstuvw.jpg";
        let two = "2026/11/bbcdefghijkmnopqrstuvw.ogg";
        for name in [one, two] {
            let path = from.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, name).unwrap();
        }
        std::fs::create_dir_all(from.join(".incoming")).unwrap();
        std::fs::write(from.join(".incoming/half"), b"x").unwrap();
        std::fs::write(from.join("stray.txt"), b"x").unwrap();
        std::fs::write(from.join("2026/stray.txt"), b"x").unwrap();
        assert_eq!(mirror(&from, &to).unwrap(), 2);
        assert_eq!(std::fs::read_to_string(to.join(one)).unwrap(), one);
        assert!(!to.join(".incoming").exists());
        assert_eq!(mirror(&from, &to).unwrap(), 0);
        assert_eq!(mirror(&dir.path().join("none"), &to).unwrap(), 0);
    }
}
