//! The tray build under Xvfb with a tray host (trayer): the icon docks, its menu (driven with
//! xdotool) stops the server (sockets closed with 1001, port released), starts it again and quits
//! with exit code 0; without a display the same build runs headless and says why.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::Client;
use crate::common::client::Ended;
use crate::common::system;

const TOOLS: &[&str] = &[
    "/usr/bin/Xvfb",
    "/usr/bin/trayer",
    "/usr/bin/xdotool",
    "/usr/bin/import",
    "/usr/include/gtk-3.0/gtk/gtk.h",
    "/usr/include/libayatana-appindicator3-0.1/libayatana-appindicator/app-indicator.h",
];
const PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "trayer",
    "xdotool",
    "imagemagick",
    "x11-utils",
    "pkg-config",
    "libgtk-3-dev",
    "libayatana-appindicator3-dev",
];

/// Builds the tray-enabled binary the way the `.deb` of `tests/installer.rs` does (the same
/// profile and features), so the two tests share one build instead of making two.
fn tray_binary() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo = option_env!("CARGO").unwrap_or("cargo");
    let status = Command::new(cargo)
        .args([
            "build",
            "--locked",
            "--profile",
            "installer-test",
            "--features",
            "tray",
            "--bin",
            "pilito-box",
        ])
        .current_dir(root)
        .status()
        .expect("run cargo");
    assert!(status.success(), "the tray build failed");
    root.join("target/installer-test/pilito-box")
}

/// Kills the processes it holds when dropped.
struct Kill(Vec<Child>);

impl Drop for Kill {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn x(display: &str, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect(program);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait(what: &str, mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn listening(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Clicks the tray icon to open its menu.
fn open_menu(display: &str) {
    let id = x(
        display,
        "xdotool",
        &["search", "--class", "tray-icon tray app"],
    );
    let id = id
        .lines()
        .next()
        .expect("the tray icon's window")
        .to_owned();
    let geometry = x(display, "xdotool", &["getwindowgeometry", "--shell", &id]);
    let value = |key: &str| -> i64 {
        geometry
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let (cx, cy) = (
        value("X") + value("WIDTH") / 2,
        value("Y") + value("HEIGHT") / 2,
    );
    x(
        display,
        "xdotool",
        &["mousemove", &cx.to_string(), &cy.to_string(), "click", "1"],
    );
    std::thread::sleep(Duration::from_millis(800));
}

fn free_display() -> String {
    (90..140)
        .map(|n| format!(":{n}"))
        .find(|d| !Path::new(&format!("/tmp/.X11-unix/X{}", &d[1..])).exists())
        .expect("a free display")
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn the_tray_stops_starts_and_quits_the_server() {
    system::ensure(TOOLS, PACKAGES);
    let bin = tokio::task::spawn_blocking(tray_binary).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cli = |args: &[&str]| -> String {
        let out = Command::new(&bin)
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };

    let headless = Command::new(&bin)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .env("PILITO_BOX_BIND", format!("127.0.0.1:{port}"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut guard = Kill(vec![headless]);
    wait("the headless server", || listening(port));
    let pid = guard.0[0].id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let out = guard.0.remove(0).wait_with_output().unwrap();
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("no tray icon: neither DISPLAY nor WAYLAND_DISPLAY is set; running headless"),
        "{said}"
    );

    let display = free_display();
    guard.0.push(
        Command::new("Xvfb")
            .args([&display, "-screen", "0", "800x400x24", "-nolisten", "tcp"])
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait("Xvfb", || {
        Path::new(&format!("/tmp/.X11-unix/X{}", &display[1..])).exists()
    });
    guard.0.push(
        Command::new("trayer")
            .args([
                "--edge",
                "top",
                "--align",
                "right",
                "--widthtype",
                "request",
                "--height",
                "40",
                "--transparent",
                "false",
                "--tint",
                "0x404040",
                "--SetDockType",
                "true",
            ])
            .env("DISPLAY", &display)
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let tray = Command::new(&bin)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .env("PILITO_BOX_BIND", format!("127.0.0.1:{port}"))
        .env("PILITO_BOX_NO_BROWSER", "1")
        .env("DISPLAY", &display)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    guard.0.push(tray);
    wait("the server", || listening(port));
    wait("the icon docked", || {
        x(&display, "xwininfo", &["-root", "-tree"]).contains("tray-icon tray app")
    });

    let token = cli(&["token", "issue", "admin"]);
    let conv = cli(&["conversation", "add", "--customer", "Tray Test"]);
    let mut socket = Client::connect(&format!(
        "ws://127.0.0.1:{port}/ws/chat/{conv}/?token={token}"
    ))
    .await
    .unwrap();
    socket.recv().await;
    socket.recv().await;

    open_menu(&display);
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    x(
        &display,
        "import",
        &[
            "-window",
            "root",
            shots.join("tray-menu.png").to_str().unwrap(),
        ],
    );
    x(&display, "xdotool", &["key", "Down", "Return"]);
    let (ended, _) = socket.until_closed().await;
    assert_eq!(ended, Ended::Closed(1001, "server shutting down".into()));
    wait("the port released", || !listening(port));

    open_menu(&display);
    x(&display, "xdotool", &["key", "Down", "Return"]);
    wait("the server again", || listening(port));

    open_menu(&display);
    x(&display, "xdotool", &["key", "Up", "Return"]);
    let tray = guard.0.last_mut().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = tray.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "Quit did not exit"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status:?}");
    assert!(!listening(port));
}
