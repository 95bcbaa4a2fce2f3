//! Data-folder faults and backups: a consistent backup while serving, a restore refused while a
//! server runs and round-tripping when it does not, automatic backups kept to a number, and a
//! corrupt, newer, unwritable or full database or a missing secret, each with a clear message.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::process::{BIN, Served, free_port, run as cli};
use crate::common::spawn_with;

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

async fn send(port: u16, token: &str, conv: &str, text: &str) -> u16 {
    let url = format!("http://127.0.0.1:{port}/api/v1/message/conversation/{conv}/send-message/");
    crate::common::http_client()
        .post(url)
        .bearer_auth(token)
        .json(&json!({"content": text}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn count(dir: &Path) -> i64 {
    rusqlite::Connection::open(dir.join("pilito-box.db"))
        .unwrap()
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap()
}

#[cfg(unix)]
#[tokio::test]
async fn backup_while_serving_then_restore_when_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("data");
    let port = free_port();
    let server = Served::start(&d, port, &[]);
    ok(&cli(
        &d,
        &["user", "add", "sara", "--password", "sara-secret-1"],
    ));
    let token = ok(&cli(&d, &["token", "issue", "sara"]));
    let conv = ok(&cli(
        &d,
        &["conversation", "add", "--customer", "Backed Up"],
    ));
    for i in 0..20 {
        assert_eq!(send(port, &token, &conv, &format!("before {i}")).await, 201);
    }
    let photo = "2026/12/abcdefghijkmnopqrstuvw.jpg";
    let in_data = d.join("media").join(photo);
    std::fs::create_dir_all(in_data.parent().unwrap()).unwrap();
    std::fs::write(&in_data, b"a customer's photo").unwrap();
    let file = dir.path().join("copy.db");
    let said = ok(&cli(&d, &["backup", file.to_str().unwrap()]));
    assert!(said.starts_with("backed up"), "{said}");
    assert!(said.contains("copied 1 new media files"), "{said}");
    let beside = dir.path().join("copy.db.media").join(photo);
    assert_eq!(std::fs::read(&beside).unwrap(), b"a customer's photo");
    for i in 0..5 {
        assert_eq!(send(port, &token, &conv, &format!("after {i}")).await, 201);
    }
    let refused = cli(&d, &["restore", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("already running on this data folder")
    );
    server.stop();
    assert_eq!(count(&d), 25);
    std::fs::remove_file(&in_data).unwrap();
    let restored = ok(&cli(&d, &["restore", file.to_str().unwrap()]));
    assert!(restored.contains("before-restore"), "{restored}");
    assert!(restored.contains("put back 1 media files"), "{restored}");
    assert_eq!(std::fs::read(&in_data).unwrap(), b"a customer's photo");
    assert_eq!(count(&d), 20, "the backup's state is back");
    let server = Served::start(&d, port, &[]);
    assert_eq!(
        send(port, &token, &conv, "after the restore").await,
        201,
        "tokens and data work as before"
    );
    server.stop();
}

#[tokio::test]
async fn automatic_backups_are_taken_and_only_the_newest_kept() {
    let app = spawn_with(|c| {
        c.backup.interval_secs = 1;
        c.backup.keep = 2;
    })
    .await;
    let photo = app
        .state
        .media
        .save_bytes("jpeg".into(), None, Some("image/jpeg"), None)
        .await
        .unwrap()
        .media_file;
    let folder = app.state.config.backup_dir();
    let started = Instant::now();
    loop {
        let taken = pilito_box::storage::backup::automatic_backups(&folder).len();
        if taken == 2 && started.elapsed() > Duration::from_millis(3500) {
            break;
        }
        assert!(taken <= 2, "more than keep = 2 backups");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no backups were taken"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for backup in pilito_box::storage::backup::automatic_backups(&folder) {
        pilito_box::storage::backup::verify(&backup).unwrap();
    }
    let mirrored = folder.join("media").join(&photo);
    assert_eq!(
        std::fs::read(mirrored).unwrap(),
        b"jpeg",
        "media files are backed up"
    );
}

#[test]
fn a_corrupt_or_newer_database_stops_the_start_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("pilito-box.db"),
        b"definitely not an SQLite database, just some bytes",
    )
    .unwrap();
    let out = cli(d, &["serve", "--bind", "127.0.0.1:0"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("cannot open the database") || said.contains("not a database"),
        "{said}"
    );
    assert!(!said.contains("panicked"), "{said}");

    std::fs::remove_file(d.join("pilito-box.db")).unwrap();
    ok(&cli(d, &["user", "list"]));
    rusqlite::Connection::open(d.join("pilito-box.db"))
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let out = cli(d, &["serve", "--bind", "127.0.0.1:0"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("schema version 99") && said.contains("upgrade pilito-box"),
        "{said}"
    );
}

#[cfg(unix)]
#[test]
fn an_unwritable_data_folder_stops_the_start_with_a_clear_message() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
    let as_nobody = [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        BIN,
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--data-dir",
    ];
    let out = Command::new("setpriv")
        .args(as_nobody)
        .arg(&data)
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("ermission denied") && !said.contains("panicked"),
        "{said}"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_missing_secret_is_replaced_and_old_sessions_end() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("data");
    ok(&cli(
        &d,
        &["user", "add", "sara", "--password", "sara-secret-1"],
    ));
    let token = ok(&cli(&d, &["token", "issue", "sara"]));
    std::fs::remove_file(d.join("secret.key")).unwrap();
    let server = Served::start_with(&d, free_port(), &[], Stdio::piped());
    let r = crate::common::http_client()
        .get(server.url("/api/v1/usr/profile"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        401,
        "a token signed with the lost secret is refused"
    );
    let out = server.stop();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("secret file") && said.contains("must sign in again"),
        "{said}"
    );
    assert!(d.join("secret.key").exists());
}

#[tokio::test]
async fn a_full_database_refuses_writes_clearly_and_keeps_everything() {
    let app = spawn_with(|c| {
        c.storage.max_database_mb = Some(1);
        c.limits.frames_per_second = 10_000;
        c.limits.frame_burst = 10_000;
    })
    .await;
    let (_, token) = app.agent("sara").await;
    let conv = app.conversation("Full").await;
    let mut c = app.chat(&conv, &token).await;
    let text = "z".repeat(1000);
    let mut stored = 0;
    let error = loop {
        c.send(json!({"content": format!("{stored} {text:.990}")}))
            .await;
        let frame = c.recv().await;
        if frame["type"] == "error" {
            break frame;
        }
        if frame["type"] == "chat_message" {
            stored += 1;
        }
        assert!(stored < 5000, "the cap never applied");
    };
    assert_eq!(
        error["error"],
        "Failed to save message: the server's storage is full"
    );
    let url = app.url(&format!(
        "/api/v1/message/conversation/{conv}/send-message/"
    ));
    let r = app
        .http
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"content": text}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 507);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error_code"],
        "STORAGE_FULL"
    );
    c.send(json!({"type": "get_messages", "filters": {"page_size": 500}}))
        .await;
    let history = c.recv_type("recent_messages").await;
    assert_eq!(
        history["count"], stored,
        "every acknowledged message is readable, nothing half-written"
    );
    c.send(json!({"type": "ping"})).await;
    assert_eq!(c.recv_type("pong").await["type"], "pong");
}
