//! The installers, built through `installer/build.sh` and exercised: the `.deb` installed on this
//! (CI) machine, run headless, upgraded over itself with data kept, removed and purged; the musl
//! tarball installed and uninstalled; the Windows setup installed and uninstalled silently under
//! wine. Linux only, as root (it installs packages).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::system;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sh(program: &str, args: &[&str]) -> Output {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The Cargo profile the installers here are built with (`Cargo.toml` says why).
const PROFILE: &str = "installer-test";

fn build(what: &str) -> PathBuf {
    let out = Command::new(root().join("installer/build.sh"))
        .arg(what)
        .env("PILITO_BOX_PROFILE", PROFILE)
        .current_dir(root())
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "build.sh {what} failed:\n{log}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let built = log
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("built "))
        .expect("the artifact's path");
    PathBuf::from(built.trim())
}

fn wait_listening(port: u16) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the installed server did not listen"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A plain HTTP/1.0 GET (no client tools needed on the machine).
fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}

fn installed() -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", "pilito-box"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

#[cfg(target_os = "linux")]
#[test]
fn the_deb_installs_runs_upgrades_and_purges() {
    let deb = build("linux");
    if installed() {
        sh("dpkg", &["--purge", "pilito-box"]);
    }
    let state = Path::new("/var/lib/pilito-box");
    assert!(
        !state.exists(),
        "/var/lib/pilito-box exists already; this test needs a machine without pilito-box"
    );
    sh(
        "apt-get",
        &[
            "install",
            "-y",
            "--no-install-recommends",
            deb.to_str().unwrap(),
        ],
    );
    let listed = String::from_utf8(sh("dpkg", &["-L", "pilito-box"]).stdout).unwrap();
    for file in [
        "/usr/bin/pilito-box",
        "/usr/lib/systemd/system/pilito-box.service",
        "/usr/share/applications/pilito-box.desktop",
        "/etc/xdg/autostart/pilito-box.desktop",
        "/etc/pilito-box/config.toml",
        "/usr/share/icons/hicolor/128x128/apps/pilito-box.png",
        "/usr/share/doc/pilito-box/README.md",
    ] {
        assert!(
            listed.lines().any(|l| l == file),
            "{file} not in the package"
        );
        assert!(Path::new(file).exists(), "{file} not installed");
    }
    let depends =
        String::from_utf8(sh("dpkg-query", &["-W", "-f=${Depends}", "pilito-box"]).stdout).unwrap();
    assert!(
        depends.contains("libayatana-appindicator3-1") && depends.contains("libgtk-3-0"),
        "{depends}"
    );
    if Path::new("/usr/bin/systemd-analyze").exists() {
        sh(
            "systemd-analyze",
            &["verify", "/usr/lib/systemd/system/pilito-box.service"],
        );
    }
    if Path::new("/usr/bin/desktop-file-validate").exists() {
        sh(
            "desktop-file-validate",
            &[
                "/usr/share/applications/pilito-box.desktop",
                "/etc/xdg/autostart/pilito-box.desktop",
            ],
        );
    }

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let mut server = Command::new("/usr/bin/pilito-box")
        .args([
            "serve",
            "--data-dir",
            "/var/lib/pilito-box",
            "--config",
            "/etc/pilito-box/config.toml",
            "--bind",
            &bind,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_listening(port);
    assert!(http_get(&bind, "/api/v1/health").contains("\"status\":\"ok\""));
    sh(
        "/usr/bin/pilito-box",
        &[
            "--data-dir",
            "/var/lib/pilito-box",
            "user",
            "add",
            "kept",
            "--password",
            "kept-secret-1",
        ],
    );
    sh("kill", &["-TERM", &server.id().to_string()]);
    assert!(server.wait().unwrap().success());
    std::fs::write(
        "/etc/pilito-box/config.toml",
        "# changed by the owner\nbind = \"0.0.0.0:9999\"\n",
    )
    .unwrap();

    sh("dpkg", &["-i", deb.to_str().unwrap()]);
    let users = String::from_utf8(
        sh(
            "/usr/bin/pilito-box",
            &["--data-dir", "/var/lib/pilito-box", "user", "list"],
        )
        .stdout,
    )
    .unwrap();
    assert!(users.contains("kept"), "the upgrade kept the data: {users}");
    assert!(
        std::fs::read_to_string("/etc/pilito-box/config.toml")
            .unwrap()
            .contains("changed by the owner")
    );

    sh("dpkg", &["--remove", "pilito-box"]);
    assert!(!Path::new("/usr/bin/pilito-box").exists());
    assert!(
        state.join("pilito-box.db").exists(),
        "remove keeps the data"
    );
    assert!(
        Path::new("/etc/pilito-box/config.toml").exists(),
        "remove keeps the configuration"
    );
    sh("dpkg", &["--purge", "pilito-box"]);
    assert!(
        !state.exists() && !Path::new("/etc/pilito-box").exists(),
        "purge removes data and configuration"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn the_tarball_installs_and_uninstalls() {
    let tarball = build("tarball");
    let dir = tempfile::tempdir().unwrap();
    sh(
        "tar",
        &[
            "-xzf",
            tarball.to_str().unwrap(),
            "-C",
            dir.path().to_str().unwrap(),
        ],
    );
    let name = tarball
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .trim_end_matches(".tar.gz")
        .to_owned();
    let unpacked = dir.path().join(&name);
    let ldd = Command::new("ldd")
        .arg(unpacked.join("pilito-box"))
        .output()
        .unwrap();
    let ldd = format!(
        "{}{}",
        String::from_utf8_lossy(&ldd.stdout),
        String::from_utf8_lossy(&ldd.stderr)
    );
    assert!(
        ldd.contains("statically linked") || ldd.contains("not a dynamic executable"),
        "{ldd}"
    );
    let prefix = dir.path().join("prefix");
    let prefix = prefix.to_str().unwrap();
    sh(
        unpacked.join("install.sh").to_str().unwrap(),
        &["--prefix", prefix],
    );
    let version = sh(&format!("{prefix}/bin/pilito-box"), &["--version"]);
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("pilito-box "));
    for file in [
        "bin/pilito-box",
        "share/applications/pilito-box.desktop",
        "share/icons/hicolor/128x128/apps/pilito-box.png",
    ] {
        assert!(Path::new(prefix).join(file).exists(), "{file}");
    }
    sh(
        unpacked.join("install.sh").to_str().unwrap(),
        &["--prefix", prefix, "--uninstall"],
    );
    let left = String::from_utf8(sh("find", &[prefix, "-type", "f"]).stdout).unwrap();
    assert!(left.trim().is_empty(), "left behind: {left}");
}

#[cfg(target_os = "linux")]
#[test]
fn the_windows_setup_installs_and_uninstalls_under_wine() {
    let setup = build("windows");
    let exe = root().join(format!(
        "target/x86_64-pc-windows-gnu/{PROFILE}/pilito-box.exe"
    ));
    let bytes = std::fs::read(&exe).unwrap();
    let pe = u32::from_le_bytes(bytes[0x3c..0x40].try_into().unwrap()) as usize;
    assert_eq!(&bytes[pe..pe + 4], b"PE\0\0");
    let subsystem = u16::from_le_bytes(bytes[pe + 24 + 68..pe + 24 + 70].try_into().unwrap());
    assert_eq!(subsystem, 2, "a GUI program: no console window");
    assert_eq!(&std::fs::read(&setup).unwrap()[..2], b"MZ");

    system::ensure(&["/usr/bin/wine"], &["wine64", "wine"]);
    let prefix = tempfile::tempdir().unwrap();
    let wine = |args: &[&str]| -> String {
        let out = Command::new("wine")
            .args(args)
            .env("WINEPREFIX", prefix.path())
            .env("WINEDEBUG", "-all")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let drive = prefix.path().join("drive_c");
    wine(&[setup.to_str().unwrap(), "/S"]);
    let program = drive.join("Program Files/pilito-box");
    for file in [
        "pilito-box.exe",
        "pilito-box.ico",
        "uninstall.exe",
        "README.md",
        "LICENSE.txt",
    ] {
        assert!(program.join(file).exists(), "{file} not installed");
    }
    let menu = drive.join("ProgramData/Microsoft/Windows/Start Menu/Programs");
    assert!(
        menu.join("pilito-box/pilito-box.lnk").exists(),
        "Start-menu shortcut"
    );
    assert!(
        menu.join("pilito-box/Uninstall pilito-box.lnk").exists(),
        "uninstall shortcut"
    );
    assert!(
        menu.join("StartUp/pilito-box.lnk").exists(),
        "start at login"
    );
    let key = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\pilito-box";
    assert!(wine(&["reg", "query", key]).contains("QuietUninstallString"));

    let data = drive.join("users/root/AppData/Roaming/Pilito/pilito-box/data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("pilito-box.db"), "kept").unwrap();
    wine(&[r"C:\Program Files\pilito-box\uninstall.exe", "/S"]);
    let started = Instant::now();
    while program.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the uninstaller left {program:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(!menu.join("pilito-box").exists() && !menu.join("StartUp/pilito-box.lnk").exists());
    assert!(!wine(&["reg", "query", key]).contains("DisplayName"));
    assert!(
        data.join("pilito-box.db").exists(),
        "a silent uninstall keeps the data"
    );
}
