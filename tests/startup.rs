//! Start-up refusals: development mode on a network address, a port in use, a broken
//! configuration. Each exits non-zero at once, says why, and leaves no data folder, log folder,
//! configuration file or first admin behind.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::process::BIN;

/// `pilito-box serve ARGS` on a data folder and a configuration file that do not exist yet;
/// its output, or a panic when it has not exited within 10 s.
fn serve(root: &Path, args: &[&str], env: &[(&str, &str)]) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(root.join("data"))
        .arg("--config")
        .arg(root.join("config/config.toml"))
        .arg("serve")
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "still running after 10 s; it said {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (child.wait_with_output().unwrap(), started.elapsed())
}

fn created(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn development_mode_on_a_network_address_is_refused_at_once_creating_nothing() {
    let root = tempfile::tempdir().unwrap();
    let (out, took) = serve(root.path(), &["--bind", "0.0.0.0:0", "--dev"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!(
        "--dev on 0.0.0.0: exit {:?} after {took:?}",
        out.status.code()
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("development mode serves only on a loopback address, not 0.0.0.0:0"),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "no first admin: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(created(root.path()), Vec::<String>::new());
}

#[test]
fn a_taken_port_or_a_broken_configuration_creates_nothing() {
    let root = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    let (out, _) = serve(root.path(), &["--bind", &bind], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on {bind}")),
        "{stderr}"
    );
    assert_eq!(created(root.path()), Vec::<String>::new());

    let broken = [("PILITO_BOX_STORAGE__SYNCHRONOUS", "sometimes")];
    let (out, _) = serve(root.path(), &["--bind", "127.0.0.1:0"], &broken);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("PILITO_BOX_STORAGE__SYNCHRONOUS"),
        "{stderr}"
    );
    assert_eq!(created(root.path()), Vec::<String>::new());
}
