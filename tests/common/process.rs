//! The built binary as a child process: workspace commands, and a server on a chosen port that
//! is killed when the test lets go of it. Every run gets `--config <data>/absent.toml`, so no test
//! reads or writes the configuration of the person running the tests.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The `pilito-box` binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_pilito-box");

/// `pilito-box --data-dir DIR --config DIR/absent.toml`, ready for more arguments.
pub fn command(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--data-dir")
        .arg(dir)
        .arg("--config")
        .arg(dir.join("absent.toml"));
    command
}

/// Runs a workspace command on `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    command(dir).args(args).output().expect("run pilito-box")
}

/// Runs a workspace command that must succeed; returns its standard output, trimmed.
pub fn cli(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Whether a server on `port` answers a request: the port accepts connections from the moment it
/// is bound, before the data folder is opened, so a connect alone proves too little.
fn answers(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut byte = [0u8; 1];
    stream
        .write_all(b"GET /api/v1/health HTTP/1.0\r\n\r\n")
        .is_ok()
        && matches!(stream.read(&mut byte), Ok(1))
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// SIGTERM to a server started with tokio, then its exit status (within 15 s).
pub async fn terminate(server: &mut tokio::process::Child) -> std::process::ExitStatus {
    let pid = server.id().expect("running").to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status();
    assert!(sent.expect("kill -TERM").success());
    tokio::time::timeout(Duration::from_secs(15), server.wait())
        .await
        .expect("the server did not stop within 15 s of SIGTERM")
        .expect("wait")
}

/// `pilito-box serve` on 127.0.0.1:`port`, killed on drop.
pub struct Served {
    child: Option<Child>,
    /// The port it listens on.
    pub port: u16,
}

impl Served {
    /// Starts the server with extra environment (`PILITO_BOX_SECTION__KEY` overrides) and waits
    /// until it accepts connections.
    pub fn start(dir: &Path, port: u16, env: &[(&str, &str)]) -> Self {
        Self::start_with(dir, port, env, Stdio::null())
    }

    /// As [`Served::start`], with the server's standard error going to `stderr`.
    pub fn start_with(dir: &Path, port: u16, env: &[(&str, &str)], stderr: Stdio) -> Self {
        let mut command = command(dir);
        command
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(stderr);
        let mut child = command.spawn().expect("start pilito-box serve");
        let started = Instant::now();
        while !answers(port) {
            if let Some(status) = child.try_wait().expect("wait") {
                panic!("the server exited before listening: {status}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Self {
            child: Some(child),
            port,
        }
    }

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// `ws://127.0.0.1:PORT/path?token=…`.
    pub fn ws_url(&self, path: &str, token: &str) -> String {
        format!("ws://127.0.0.1:{}{path}?token={token}", self.port)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// SIGKILL: a crash or a power cut, as far as the database can tell.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("kill");
            child.wait().expect("wait");
        }
    }

    /// SIGTERM, then waits; returns what the server wrote to a piped standard error.
    pub fn stop(mut self) -> Output {
        let child = self.child.take().expect("running");
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill -TERM");
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "exit after SIGTERM: {}", out.status);
        out
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
