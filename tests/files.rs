//! What another account on a shared PC can read: nothing. Every folder the server or the
//! command line makes is 0700 and every file 0600 (database, WAL and SHM, backups automatic and
//! by hand, the restore's copy, logs, the secret, the keys, the instance files, the
//! configuration), and a data folder found open to others is tightened with a log line (its
//! files of pilito-box's too, and nothing else in it).

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::common::process::{Served, cli, free_port};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every folder under `dir` (itself included) and every file, with its mode.
fn walk(dir: &Path) -> Vec<(PathBuf, u32)> {
    let mut found = vec![(dir.to_owned(), mode(dir))];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push((path.clone(), mode(&path)));
        }
    }
    found
}

/// The paths under `dir` whose mode lets anyone but the owner in.
fn open_to_others(dir: &Path) -> Vec<String> {
    walk(dir)
        .into_iter()
        .filter(|(path, mode)| *mode != if path.is_dir() { 0o700 } else { 0o600 })
        .map(|(path, mode)| format!("{} {mode:o}", path.display()))
        .collect()
}

#[test]
fn every_file_the_server_and_the_command_line_write_is_private() {
    let root = tempfile::tempdir().unwrap();
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let d = &root.path().join("data");
    let server = Served::start(d, free_port(), &[("PILITO_BOX_BACKUP__INTERVAL_SECS", "1")]);
    cli(d, &["user", "add", "sara", "--password", "sara-secret-1"]);
    cli(d, &["conversation", "add", "--customer", "Private Files"]);
    cli(d, &["integration-key"]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let outside = root.path().join("by-hand.db");
    cli(d, &["backup", outside.to_str().unwrap()]);
    let names: Vec<String> = walk(d)
        .iter()
        .filter_map(|(p, _)| Some(p.file_name()?.to_str()?.to_owned()))
        .collect();
    for expected in [
        "pilito-box.db",
        "pilito-box.db-wal",
        "pilito-box.db-shm",
        "secret.key",
        "instance.json",
        "absent.toml",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "no {expected} in {names:?}"
        );
    }
    assert!(
        names.iter().any(|n| n.starts_with("pilito-box.2")),
        "no log in {names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("pilito-box-2")),
        "no backup in {names:?}"
    );
    let running = open_to_others(d);
    drop(server);
    cli(d, &["restore", outside.to_str().unwrap()]);
    let after = open_to_others(d);
    eprintln!(
        "{} paths in the data folder, open to others: while serving {running:?}, after a restore {after:?}",
        names.len()
    );
    assert!(
        running.is_empty(),
        "open to other accounts while serving: {running:?}"
    );
    assert!(
        after.is_empty(),
        "open to other accounts after a restore: {after:?}"
    );
    assert_eq!(mode(&outside), 0o600, "backup FILE");
}

#[test]
fn a_data_folder_open_to_others_is_made_private_with_a_log_line() {
    let root = tempfile::tempdir().unwrap();
    let d = &root.path().join("data");
    cli(d, &["user", "add", "sara", "--password", "sara-secret-1"]);
    for (path, _) in walk(d) {
        let loose = if path.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(loose)).unwrap();
    }
    let theirs = d.join("notes.txt");
    std::fs::write(&theirs, "the owner's own file").unwrap();
    std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o644)).unwrap();
    let server = Served::start_with(d, free_port(), &[], Stdio::piped());
    let open: Vec<String> = open_to_others(d)
        .into_iter()
        .filter(|p| !p.contains("notes.txt"))
        .collect();
    assert_eq!(
        mode(&theirs),
        0o644,
        "a file pilito-box did not make is left alone"
    );
    let log = String::from_utf8_lossy(&server.stop().stderr).into_owned();
    assert!(open.is_empty(), "still open to other accounts: {open:?}");
    assert!(
        log.contains(&format!(
            "{} could be opened by other accounts (mode 755); it is now 0700",
            d.display()
        )),
        "{log}"
    );
}
