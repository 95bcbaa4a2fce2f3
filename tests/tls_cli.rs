//! The built binary with TLS on: it logs `listening on https://`, `tls show` prints the
//! authority's fingerprint and the certificate's names, `tls renew` beside the running server
//! gets its new certificate served within seconds, and no key reaches the log.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::process::{Served, cli, command, free_port};
use crate::common::tls::{authority, served, trusting};

fn field<'a>(shown: &'a str, name: &str) -> &'a str {
    shown
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .unwrap_or_else(|| panic!("no {name} in\n{shown}"))
        .trim()
}

#[tokio::test]
async fn tls_show_and_renew_work_beside_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let env = [
        ("PILITO_BOX_TLS__MODE", "on"),
        ("PILITO_BOX_TLS__CHECK_SECS", "1"),
    ];
    let server = Served::start_with(dir.path(), port, &env, Stdio::piped());
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    // The port is bound before the workspace opens, so the certificate may come a moment later.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !dir.path().join("tls/server.crt").exists() {
        assert!(Instant::now() < deadline, "no certificate was made");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let trusted = trusting(&[authority(dir.path())]);

    let shown = cli(dir.path(), &["tls", "show"]);
    let fingerprint = pilito_box::tls::ca::fingerprint(authority(dir.path()).as_ref());
    assert_eq!(
        field(&shown, "fingerprint:"),
        format!("SHA-256 {fingerprint}")
    );
    let names = field(&shown, "names:");
    assert!(
        names.contains("localhost") && names.contains("127.0.0.1"),
        "{names}"
    );
    let serving = served(addr, "127.0.0.1", &trusted).await;
    assert_eq!(field(&shown, "serial:"), serving.serial);

    let renewed = cli(dir.path(), &["tls", "renew"]);
    assert!(
        renewed.starts_with("issued a new certificate for "),
        "{renewed}"
    );
    let serial = field(&cli(dir.path(), &["tls", "show"]), "serial:").to_owned();
    assert_ne!(serial, serving.serial);
    let deadline = Instant::now() + Duration::from_secs(10);
    while served(addr, "127.0.0.1", &trusted).await.serial != serial {
        assert!(
            Instant::now() < deadline,
            "the renewed certificate was not served"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let own = command(dir.path())
        .args(["tls", "renew"])
        .env("PILITO_BOX_TLS__CERT_FILE", dir.path().join("shop.pem"))
        .env("PILITO_BOX_TLS__KEY_FILE", dir.path().join("shop.key"))
        .output()
        .unwrap();
    assert_eq!(own.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&own.stderr).contains("tls.cert_file is set"));

    let mut said = String::from_utf8_lossy(&server.stop().stderr).into_owned();
    for log in std::fs::read_dir(dir.path().join("logs")).unwrap() {
        said.push_str(&std::fs::read_to_string(log.unwrap().path()).unwrap());
    }
    assert!(
        said.contains(&format!("listening on https://127.0.0.1:{port}")),
        "{said}"
    );
    assert!(
        said.contains("serving the certificate another process wrote"),
        "{said}"
    );
    for key in ["ca.key", "server.key"] {
        let pem = std::fs::read_to_string(dir.path().join("tls").join(key)).unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        assert!(!said.contains(&body[..40]), "a key reached the log");
    }
}
