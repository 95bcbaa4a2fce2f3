//! The appliance around the server, driven through the built (default, tray-less) binary:
//! running with no command, the configuration file, one instance per data folder, and the
//! failures an owner can meet (port in use, folder unusable, broken configuration).

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};

use crate::common::process::{BIN, free_port, terminate};

fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .args(args)
        .envs(env.iter().copied())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap()
}

/// Starts the binary with no command and waits until it listens; returns the child and the
/// lines it logged so far.
async fn start(dir: &Path, port: u16) -> (tokio::process::Child, Vec<String>) {
    let mut child = tokio::process::Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .env("PILITO_BOX_BIND", format!("127.0.0.1:{port}"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let done = line.contains("listening on http://");
            seen.push(line);
            if done {
                return;
            }
        }
        panic!("exited before listening: {seen:?}");
    })
    .await
    .expect("listening in time");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, seen)
}

#[cfg(unix)]
#[tokio::test]
async fn no_command_runs_headless_and_says_why_and_one_instance_per_folder() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let (mut child, lines) = start(dir.path(), port).await;
    assert!(
        lines
            .iter()
            .any(|l| l.contains("no tray icon") && l.contains("running headless")),
        "{lines:?}"
    );
    let template = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(
        template.starts_with("# pilito-box configuration"),
        "the config file is created with comments"
    );

    let other = free_port();
    let second = run(
        dir.path(),
        &[("PILITO_BOX_BIND", &format!("127.0.0.1:{other}"))],
        &["serve"],
    );
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "already running on this data folder at http://127.0.0.1:{port}/"
        )),
        "{stderr}"
    );

    let status = terminate(&mut child).await;
    assert!(status.success());
    let third = free_port();
    let mut again = tokio::process::Command::new(BIN)
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{third}"),
            "--data-dir",
        ])
        .arg(dir.path().join("data"))
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", third)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the folder was not released"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    again.kill().await.unwrap();
}

#[test]
fn a_taken_port_and_an_unusable_folder_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = run(
        dir.path(),
        &[],
        &["serve", "--bind", &format!("127.0.0.1:{port}")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );

    std::fs::write(dir.path().join("a-file"), "not a folder").unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("a-file/data"))
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot create the data folder"), "{stderr}");
}

#[test]
fn a_broken_configuration_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "[limits]\nmax_conections = 5\n").unwrap();
    let out = run(dir.path(), &[], &["config", "check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("max_conections"), "{stderr}");
    let out = run(dir.path(), &[], &["serve", "--bind", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("max_conections"));

    std::fs::write(&file, "bind = \"127.0.0.1:0\"\n").unwrap();
    let out = run(
        dir.path(),
        &[("PILITO_BOX_STORAGE__SYNCHRONOUS", "sometimes")],
        &["config", "check"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("PILITO_BOX_STORAGE__SYNCHRONOUS"),
        "{stderr}"
    );
    let out = run(dir.path(), &[], &["config", "check"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).ends_with(": ok\n"));
}
