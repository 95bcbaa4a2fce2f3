//! Debian packages the tests need, installed with apt when missing and running as root (CI and a
//! fresh machine); anywhere else a missing package is a clear failure, never a skipped test.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

/// Makes sure every file in `needs` exists, installing `packages` once if one is missing.
pub fn ensure(needs: &[&str], packages: &[&str]) {
    static APT: Mutex<()> = Mutex::new(());
    let _one_at_a_time = APT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if needs.iter().all(|f| Path::new(f).exists()) {
        return;
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    assert!(
        root,
        "these tests need the Debian packages {packages:?}: apt-get install {}",
        packages.join(" ")
    );
    let apt = |args: &[&str]| {
        let status = Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status();
        assert!(status.is_ok_and(|s| s.success()), "apt-get {args:?} failed");
    };
    apt(&["update"]);
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend_from_slice(packages);
    apt(&install);
    for f in needs {
        assert!(
            Path::new(f).exists(),
            "{f} is still missing after installing {packages:?}"
        );
    }
}
