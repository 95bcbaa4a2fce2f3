//! The built binary, driven the way a person would: serve, user add, token issue, conversation
//! add, user disable and passwd while serving, SIGTERM. Its logs never hold a token or password.

use std::io::Write as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

use crate::common::Client;
use crate::common::client::Ended;
use crate::common::process::{BIN, cli, command, free_port, terminate};

/// Starts `pilito-box serve` on a free port; returns the child, its address and the first
/// admin's password from its standard output, which is read to its end from then on (a reader
/// that goes away would make the server's later writes fail).
async fn serve(dir: &Path) -> (Child, String, String) {
    let mut server = spawn_serve(dir);
    let addr = listening(&mut server).await;
    let mut stdout = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = stdout.next_line().await.unwrap().unwrap();
    assert!(first.contains("\"admin\""), "{first}");
    let password = first.rsplit(' ').next().unwrap().to_owned();
    let mut cap = String::new();
    while !cap.starts_with("The database") {
        cap = stdout
            .next_line()
            .await
            .unwrap()
            .expect("the first-run notice");
    }
    assert!(
        cap.starts_with("The database may grow to ") && cap.contains("free on its disk"),
        "the first-run output says how large the database may grow: {cap}"
    );
    tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });
    (server, addr, password)
}

/// Spawns `pilito-box serve` on a free port with piped output.
fn spawn_serve(dir: &Path) -> Child {
    tokio::process::Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .arg("--config")
        .arg(dir.join("absent.toml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// Waits until the server says where it listens and returns that address; its standard error is
/// drained from then on.
async fn listening(server: &mut Child) -> String {
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
    tokio::spawn(async move { while let Ok(Some(_)) = stderr.next_line().await {} });
    addr
}

/// Every log file of the data folder, concatenated.
fn logs(dir: &Path) -> String {
    std::fs::read_dir(dir.join("logs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect()
}

async fn login(addr: &str, name: &str, password: &str) -> reqwest::Response {
    crate::common::http_client()
        .post(format!("http://{addr}/api/v1/usr/login"))
        .json(&json!({"email_or_username": name, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn chat(addr: &str, conv: &str, token: &str) -> Client {
    let mut c = Client::connect(&format!("ws://{addr}/ws/chat/{conv}/?token={token}"))
        .await
        .unwrap();
    assert_eq!(c.recv().await["type"], "connection_established");
    assert_eq!(c.recv().await["type"], "recent_messages");
    c
}

/// Reads the socket to its end and returns the `error_code` of its last frame and the close.
async fn auth_close(c: &mut Client) -> (Value, Ended) {
    let (ended, frames) = c.until_closed().await;
    (frames.last().unwrap()["error_code"].clone(), ended)
}

#[cfg(unix)]
#[tokio::test]
async fn the_binary_serves_and_the_cli_works_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (mut server, addr, admin_password) = serve(d).await;
    assert_eq!(login(&addr, "admin", &admin_password).await.status(), 200);

    let added = cli(d, &["user", "add", "sara", "--password", "sara-secret-1"]);
    assert!(added.contains("agent sara"), "{added}");
    assert!(cli(d, &["user", "list"]).contains("sara"));
    let sara = cli(d, &["token", "issue", "sara"]);
    assert_eq!(sara.split('.').count(), 3, "{sara}");
    let args = [
        "conversation",
        "add",
        "--customer",
        "Ali Rezaei",
        "--source",
        "telegram",
    ];
    let conv = cli(d, &[&args[..], &["--assign", "sara"]].concat());
    assert_eq!(conv.len(), 10, "{conv}");

    let mut kept = chat(&addr, &conv, &sara).await;
    kept.send(json!({"content": "from the binary"})).await;
    let echoed = kept.recv_type("chat_message").await;
    assert_eq!(echoed["message"]["customer"]["last_name"], "Rezaei");

    assert!(cli(d, &["user", "disable", "sara"]).contains("disabled sara"));
    let committed = Instant::now();
    let (code, ended) = auth_close(&mut kept).await;
    let took = kept.closed_after(committed);
    assert!(
        took < Duration::from_secs(1),
        "the disabled user's socket closed {took:?} after the CLI returned (PROTOCOL §3.3: within 1 s)"
    );
    assert_eq!(code, "AUTH_REQUIRED");
    assert!(matches!(ended, Ended::Closed(4001, _)), "{ended:?}");

    cli(d, &["user", "add", "reza", "--password", "reza-secret-1"]);
    let reza = cli(d, &["token", "issue", "reza"]);
    let (status, _) =
        Client::refused(&format!("ws://{addr}/ws/chat/NoSuchOne/?token={reza}")).await;
    assert_eq!(status, 404);
    let mut before_passwd = chat(&addr, &conv, &reza).await;
    let mut passwd = command(d)
        .args(["user", "passwd", "reza"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    passwd
        .stdin
        .take()
        .unwrap()
        .write_all(b"reza-secret-2\n")
        .unwrap();
    assert!(passwd.wait().unwrap().success());
    let (code, ended) = auth_close(&mut before_passwd).await;
    assert_eq!(code, "INVALID_TOKEN");
    assert!(matches!(ended, Ended::Closed(4001, _)), "{ended:?}");
    assert_eq!(login(&addr, "reza", "reza-secret-1").await.status(), 400);
    let relogin: Value = login(&addr, "reza", "reza-secret-2")
        .await
        .json()
        .await
        .unwrap();
    let reza = relogin["access_token"].as_str().unwrap().to_owned();
    let mut survivor = chat(&addr, &conv, &reza).await;

    let listed = cli(d, &["blacklist", "add", "10.9.9.9", "--reason", "test"]);
    assert!(listed.contains("blacklisted"), "{listed}");
    assert!(cli(d, &["blacklist", "list"]).contains("10.9.9.9"));
    assert!(cli(d, &["blacklist", "remove", "10.9.9.9"]).contains("removed"));

    let (status, (ended, _)) = tokio::join!(terminate(&mut server), survivor.until_closed());
    assert_eq!(ended, Ended::Closed(1001, "server shutting down".into()));
    assert!(status.success(), "{status:?}");

    let logs = logs(d);
    for expected in [
        "listening on http://",
        "sara connected to chat",
        "refused a connection from 127.0.0.1 to /ws/chat/NoSuchOne/: Conversation not found",
        "closed 1 sockets whose token was revoked (disabled)",
        "stopped",
    ] {
        assert!(logs.contains(expected), "{expected:?} missing from\n{logs}");
    }
    for secret in [
        &sara,
        &reza,
        &admin_password,
        "sara-secret-1",
        "reza-secret-2",
    ] {
        assert!(!logs.contains(secret), "a secret reached the log");
    }
    assert!(!logs.contains("token="), "a query string reached the log");
}

#[cfg(unix)]
#[tokio::test]
async fn a_closed_standard_output_does_not_stop_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = spawn_serve(dir.path());
    drop(server.stdout.take());
    let addr = listening(&mut server).await;
    let health = reqwest::get(format!("http://{addr}/api/v1/health"))
        .await
        .expect("the server still answers");
    assert_eq!(health.status(), 200);
    let added = cli(
        dir.path(),
        &["user", "passwd", "admin", "--password", "admin-secret-1"],
    );
    assert!(added.contains("admin"), "{added}");
    assert_eq!(login(&addr, "admin", "admin-secret-1").await.status(), 200);
    let status = terminate(&mut server).await;
    assert!(status.success(), "{status:?}");
    let logs = logs(dir.path());
    assert!(
        logs.contains("could not show the first admin's password"),
        "{logs}"
    );
    assert!(logs.contains("pilito-box user passwd admin"), "{logs}");
}

#[cfg(unix)]
#[tokio::test]
async fn a_stderr_nobody_reads_does_not_stop_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = tokio::process::Command::new(BIN)
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(dir.path())
        .arg("--config")
        .arg(dir.path().join("absent.toml"))
        .env("PILITO_BOX_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/api/v1/health");
    let http = crate::common::http_client();
    while http.get(&url).send().await.is_err() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let requests = 4000;
    for _ in 0..requests {
        let answered = tokio::time::timeout(Duration::from_secs(5), http.get(&url).send())
            .await
            .expect("the server stopped answering once its stderr pipe was full");
        assert_eq!(answered.unwrap().status(), 200);
    }
    let status = terminate(&mut server).await;
    assert!(status.success(), "{status:?}");
    let logged = logs(dir.path())
        .matches("GET /api/v1/health -> 200")
        .count();
    assert!(
        logged > requests,
        "the log file has {logged} of the requests"
    );
}

#[test]
fn demo_fills_an_empty_workspace_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path(), &["demo"]);
    let conversations = out
        .lines()
        .filter(|l| l.starts_with("conversation "))
        .count();
    assert_eq!(conversations, 3, "{out}");
    assert!(out.contains("agent sara password "), "{out}");
    let again = command(dir.path()).arg("demo").output().unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has customers"));
}
