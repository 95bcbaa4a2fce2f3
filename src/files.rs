//! Files and folders only their owner may open: the data folder holds every customer message,
//! the password hashes and the signing secret, and on a shared PC any other account could read
//! what is left at the usual 0644/0755. Folders are 0700 and files 0600; one of ours found
//! looser is tightened, and a folder's tightening logged. Only paths pilito-box made are
//! touched, never a whole tree: a data folder may have been pointed at a folder holding other
//! things. (On Windows the per-user folders already restrict access and these modes do not
//! apply.)

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates `dir` (and missing parents) private, or makes an existing one private, saying so.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        if let Some(was) = tighten_or_warn(dir, 0o700) {
            tracing::warn!(
                "{} could be opened by other accounts (mode {was:o}); it is now 0700",
                dir.display()
            );
        }
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates a new file readable and writable by its owner only.
pub fn private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    restrict(&mut options);
    options.open(path)
}

/// Opens `path` for appending, creating it private, or making an existing one private.
pub fn append_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    restrict(&mut options);
    let file = options.open(path)?;
    tighten_or_warn(path, 0o600);
    Ok(file)
}

/// Writes `contents` to `path` (replacing it), the file private.
pub fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let mut options = OpenOptions::new();
    options.create(true).write(true).truncate(true);
    restrict(&mut options);
    let mut file = options.open(path)?;
    tighten_or_warn(path, 0o600);
    file.write_all(contents)
}

/// Makes an existing file private; a missing one is fine.
pub fn make_private(path: &Path) {
    if path.exists() {
        tighten_or_warn(path, 0o600);
    }
}

/// [`tighten`], a failure (a folder of another account's, say) only logged: what cannot be made
/// private is still used, and anything that cannot be used fails where it is used.
fn tighten_or_warn(path: &Path, mode: u32) -> Option<u32> {
    tighten(path, mode).unwrap_or_else(|e| {
        tracing::warn!("cannot make {} private: {e}", path.display());
        None
    })
}

#[cfg(unix)]
fn restrict(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(0o600);
}

#[cfg(not(unix))]
fn restrict(_options: &mut OpenOptions) {}

/// Takes group and other permissions off `path`, leaving at most `mode`; the old mode when it
/// changed anything.
#[cfg(unix)]
fn tighten(path: &Path, mode: u32) -> io::Result<Option<u32>> {
    use std::os::unix::fs::PermissionsExt;
    let was = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if was & !mode == 0 {
        return Ok(None);
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(was & mode))?;
    Ok(Some(was))
}

#[cfg(not(unix))]
fn tighten(path: &Path, _mode: u32) -> io::Result<Option<u32>> {
    std::fs::metadata(path).map(|_| None)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_folders_and_files_are_private_and_loose_ones_are_tightened() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("a/b");
        private_dir(&data).unwrap();
        assert_eq!((mode(&dir.path().join("a")), mode(&data)), (0o700, 0o700));
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&data).unwrap();
        assert_eq!(mode(&data), 0o700);

        let file = data.join("f");
        std::fs::write(&file, "x").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        append_private(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        write_private(&data.join("g"), b"y").unwrap();
        assert_eq!(mode(&data.join("g")), 0o600);
        private_file(&data.join("h")).unwrap();
        assert_eq!(mode(&data.join("h")), 0o600);
        make_private(&data.join("missing"));

        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
        make_private(&file);
        assert_eq!(mode(&file), 0o600);
    }
}
