//! The built binary, driven the way a person would: serve, user add, token issue, conversation
//! add, user disable while serving, SIGTERM. Its logs never hold a token or a password.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::common::Client;
use crate::common::client::Ended;

const BIN: &str = env!("CARGO_BIN_EXE_pilito-box");

fn cli(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .arg("--config")
        .arg(dir.join("absent.toml"))
        .args(args)
        .output()
        .expect("run pilito-box");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

#[cfg(unix)]
#[tokio::test]
async fn the_binary_serves_and_the_cli_works_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = tokio::process::Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .arg("--config")
        .arg(dir.path().join("absent.toml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(server.stdout.take().unwrap()).lines();
    let mut stderr = BufReader::new(server.stderr.take().unwrap()).lines();
    let addr = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            if let Some(rest) = line.split("listening on http://").nth(1) {
                return rest.trim().to_owned();
            }
        }
        panic!("the server exited before listening");
    })
    .await
    .expect("listening in time");
    let first = stdout.next_line().await.unwrap().unwrap();
    let admin_password = first.rsplit(' ').next().unwrap().to_owned();
    assert!(first.contains("\"admin\""), "{first}");
    tokio::spawn(async move { while let Ok(Some(_)) = stderr.next_line().await {} });

    let login: serde_json::Value = reqwest::Client::new()
        .post(format!("http://{addr}/api/v1/usr/login"))
        .json(&json!({"email_or_username": "admin", "password": admin_password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(login["access_token"].is_string(), "{login}");

    assert!(
        cli(
            dir.path(),
            &["user", "add", "sara", "--password", "sara-secret-1"]
        )
        .contains("agent sara")
    );
    assert!(cli(dir.path(), &["user", "list"]).contains("sara"));
    let token = cli(dir.path(), &["token", "issue", "sara"]);
    assert_eq!(token.split('.').count(), 3, "{token}");
    let conv = cli(
        dir.path(),
        &[
            "conversation",
            "add",
            "--customer",
            "Ali Rezaei",
            "--source",
            "telegram",
            "--assign",
            "sara",
        ],
    );
    assert_eq!(conv.len(), 10, "{conv}");

    let mut kept = Client::connect(&format!("ws://{addr}/ws/chat/{conv}/?token={token}"))
        .await
        .unwrap();
    assert_eq!(kept.recv().await["type"], "connection_established");
    let recent = kept.recv().await;
    assert_eq!(recent["type"], "recent_messages");
    kept.send(json!({"content": "from the binary"})).await;
    assert_eq!(
        kept.recv_type("chat_message").await["message"]["customer"]["last_name"],
        "Rezaei"
    );

    cli(
        dir.path(),
        &["user", "add", "reza", "--password", "reza-secret-1"],
    );
    let reza = cli(dir.path(), &["token", "issue", "reza"]);
    let mut survivor = Client::connect(&format!("ws://{addr}/ws/chat/{conv}/?token={reza}"))
        .await
        .unwrap();
    survivor.recv().await;
    survivor.recv().await;

    let disabled_at = Instant::now();
    assert!(cli(dir.path(), &["user", "disable", "sara"]).contains("disabled sara"));
    let (ended, frames) = kept.until_closed().await;
    assert!(
        disabled_at.elapsed() < Duration::from_secs(1),
        "{:?}",
        disabled_at.elapsed()
    );
    assert_eq!(frames.last().unwrap()["error_code"], "AUTH_REQUIRED");
    assert!(matches!(ended, Ended::Closed(4001, _)), "{ended:?}");

    assert!(
        cli(
            dir.path(),
            &["blacklist", "add", "10.9.9.9", "--reason", "test"]
        )
        .contains("blacklisted")
    );
    assert!(cli(dir.path(), &["blacklist", "list"]).contains("10.9.9.9"));
    assert!(cli(dir.path(), &["blacklist", "remove", "10.9.9.9"]).contains("removed"));

    let pid = server.id().unwrap().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let (ended, _) = survivor.until_closed().await;
    assert_eq!(ended, Ended::Closed(1001, "server shutting down".into()));
    let status = tokio::time::timeout(Duration::from_secs(15), server.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");

    let logs: String = std::fs::read_dir(dir.path().join("logs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(logs.contains("listening on http://"), "{logs}");
    assert!(logs.contains("sara connected to chat"), "{logs}");
    for secret in [
        token.as_str(),
        reza.as_str(),
        admin_password.as_str(),
        "sara-secret-1",
    ] {
        assert!(!logs.contains(secret), "a secret reached the log");
    }
    assert!(!logs.contains("token="), "a query string reached the log");
}

#[test]
fn demo_fills_an_empty_workspace_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path(), &["demo"]);
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("conversation "))
            .count(),
        3,
        "{out}"
    );
    assert!(out.contains("agent sara password "), "{out}");
    let again = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .arg("demo")
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has customers"));
}
