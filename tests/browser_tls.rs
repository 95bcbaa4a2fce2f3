//! HTTPS in a real headless Chromium: with the server's authority imported into the browser's
//! NSS database (`certutil`, as a Linux user would), the agent page at `https://<host>.local`
//! is a secure context that exposes `Notification` (permission still to ask), the clipboard and
//! service workers, signs in and runs its feeds over `wss://`; the same server over plain HTTP
//! is not (notifications denied, no clipboard, no service worker); a browser without the
//! authority refuses the certificate. The set-up page renders under its strict CSP, at desktop and phone width
//! (screenshots in `target/screenshots/`).

use std::path::Path;
use std::process::Command;

use pilito_box::config::TlsMode;
use pilito_box::storage::users::Role;
use pilito_box::tls::names::host_label;

use crate::common::browser::{Browser, Launch};
use crate::common::tls::authority;
use crate::common::{PASSWORD, TestApp, spawn_with};

const CERTUTIL: &str = "/usr/bin/certutil";

/// A `HOME` whose NSS database trusts the server's authority for websites.
fn home_trusting(app: &TestApp) -> tempfile::TempDir {
    crate::common::system::ensure(&[CERTUTIL], &["libnss3-tools"]);
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join(".pki/nssdb");
    std::fs::create_dir_all(&db).unwrap();
    let ca = home.path().join("pilito-box-ca.crt");
    std::fs::write(&ca, authority(app.dir.path()).as_ref()).unwrap();
    let db = format!("sql:{}", db.display());
    certutil(&["-N", "-d", &db, "--empty-password"]);
    let ca = ca.to_str().unwrap();
    certutil(&["-A", "-d", &db, "-t", "C,,", "-n", "pilito-box", "-i", ca]);
    home
}

fn certutil(args: &[&str]) {
    let out = Command::new(CERTUTIL)
        .args(args)
        .output()
        .expect("certutil");
    assert!(
        out.status.success(),
        "certutil {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Switches that send `<host>.local` to the test server on loopback, and keep plain HTTP
/// plain (no automatic upgrade), with `HOME` at `home`.
fn resolving_local(home: Option<&Path>) -> Launch {
    Launch {
        home: home.map(Path::to_path_buf),
        args: vec![
            format!("--host-resolver-rules=MAP {}.local 127.0.0.1", host_label()),
            "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable".into(),
        ],
        ..Launch::default()
    }
}

#[tokio::test]
async fn with_the_authority_trusted_the_agent_page_is_a_secure_context_over_https() {
    let app = spawn_with(|c| c.tls.mode = TlsMode::On).await;
    app.user("sara", Role::Agent).await;
    let home = home_trusting(&app);
    let local = format!("{}.local:{}", host_label(), app.addr.port());
    let browser = Browser::launch(1280, 800, resolving_local(Some(home.path()))).await;

    browser
        .client
        .goto(&format!("http://{local}/connect"))
        .await
        .unwrap();
    browser.find("figure img").await;
    assert_eq!(
        browser.eval("window.isSecureContext").await,
        false,
        "plain HTTP is not secure"
    );
    assert_eq!(browser.eval("'serviceWorker' in navigator").await, false);
    // What the browser withholds from a page that is not secure.
    assert_eq!(browser.eval("Notification.permission").await, "denied");
    assert_eq!(
        browser.eval("typeof navigator.clipboard").await,
        "undefined"
    );

    browser
        .sign_in(&format!("https://{local}/"), "sara", PASSWORD)
        .await;
    assert_eq!(browser.eval("window.isSecureContext").await, true);
    assert_eq!(browser.eval("typeof Notification").await, "function");
    assert_eq!(browser.eval("'serviceWorker' in navigator").await, true);
    eprintln!(
        "over HTTPS: Notification.permission = {}",
        browser.eval("Notification.permission").await
    );
    assert_eq!(browser.eval("location.protocol").await, "https:");
    browser
        .until(
            "the live list over wss://",
            "document.querySelector('#conversation-list')",
        )
        .await;
    browser.screenshot("agent-page-https").await;
    browser.quit().await;
}

#[tokio::test]
async fn a_browser_without_the_authority_refuses_the_certificate() {
    let app = spawn_with(|c| c.tls.mode = TlsMode::On).await;
    let local = format!("{}.local:{}", host_label(), app.addr.port());
    let browser = Browser::launch(1024, 700, resolving_local(None)).await;
    let _ = browser.client.goto(&format!("https://{local}/")).await;
    let page = browser.client.source().await.unwrap_or_default();
    assert!(
        page.contains("ERR_CERT_AUTHORITY_INVALID") || page.contains("not private"),
        "{}",
        &page[..page.len().min(2000)]
    );
    browser.screenshot("https-untrusted").await;
    browser.quit().await;
}

#[tokio::test]
async fn the_setup_page_renders_under_its_policy_at_desktop_and_phone_width() {
    let app = spawn_with(|c| c.tls.mode = TlsMode::On).await;
    let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                  (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    let phone = Launch {
        phone: Some((390, 1900, iphone)),
        ..Launch::default()
    };
    for (name, launch) in [
        ("connect-desktop", Launch::default()),
        ("connect-phone", phone),
    ] {
        let browser = Browser::launch(1280, 1400, launch).await;
        browser.client.goto(&app.url("/connect")).await.unwrap();
        browser.find("figure img").await;
        browser
            .until(
                "the QR code",
                "document.querySelector('figure img').naturalWidth > 0",
            )
            .await;
        browser
            .until(
                "the stylesheet, allowed by the CSP",
                "getComputedStyle(document.querySelector('.card')).borderRadius === '12px'",
            )
            .await;
        let width_fits = browser
            .eval("document.documentElement.scrollWidth <= window.innerWidth")
            .await;
        assert_eq!(
            width_fits, true,
            "{name}: the page is wider than the window"
        );
        browser.screenshot(name).await;
        browser.quit().await;
    }
}
