//! HTTPS on the server's one port, with real TLS clients that trust only the authority the
//! server made: REST and `wss://` feeds, cookies marked `Secure`, plain HTTP redirected except the
//! set-up page and the certificate downloads, the certificate's names, renewal and reloading
//! without a restart, a business's own certificate, and a client that does not trust it.

use std::time::{Duration, Instant};

use futures_util::SinkExt;
use pilito_box::config::{Config, TlsMode, ValidityDays};
use pilito_box::tls::names::Names;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use warp::http::Request;

use crate::common::tls::{self, authority, served, trusting};
use crate::common::{PASSWORD, TestApp, spawn_with};

fn on(config: &mut Config) {
    config.tls.mode = TlsMode::On;
}

/// Waits up to `secs` for `check` to hold, asking every 200 ms.
async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn sign_in(app: &TestApp, config: &std::sync::Arc<rustls::ClientConfig>) -> String {
    let body = json!({"email_or_username": "sara", "password": PASSWORD}).to_string();
    let request = Request::post("/api/v1/usr/login")
        .header("host", format!("localhost:{}", app.addr.port()))
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(body)
        .unwrap();
    let answer = tls::send(app.addr, "localhost", config, request).await;
    assert_eq!(answer.status(), 200);
    let cookie = answer.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("HTTP_ACCESS=") && cookie.ends_with("; Secure"),
        "{cookie}"
    );
    let signed: serde_json::Value = serde_json::from_slice(answer.body()).unwrap();
    signed["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn rest_and_wss_feeds_work_for_a_client_trusting_only_the_generated_authority() {
    let app = spawn_with(on).await;
    let trusted = trusting(&[authority(app.dir.path())]);
    for name in ["localhost", "127.0.0.1"] {
        let health = tls::get(app.addr, name, &trusted, "/api/v1/health").await;
        assert_eq!(health.status(), 200, "{name}");
    }
    app.agent("sara").await;
    let token = sign_in(&app, &trusted).await;
    let conv = app.conversation("Maryam").await;
    let path = format!("/ws/chat/{conv}/?token={token}");
    let mut chat = tls::wss(app.addr, "localhost", &trusted, &path).await;
    assert_eq!(
        tls::next_json(&mut chat).await["type"],
        "connection_established"
    );
    assert_eq!(tls::next_json(&mut chat).await["type"], "recent_messages");
    let list_path = format!("/ws/conversations/?token={token}");
    let mut list = tls::wss(app.addr, "localhost", &trusted, &list_path).await;
    chat.send(Message::text(json!({"content": "over TLS"}).to_string()))
        .await
        .unwrap();
    loop {
        let frame = tls::next_json(&mut chat).await;
        if frame["type"] == "chat_message" {
            assert_eq!(frame["message"]["content"], "over TLS");
            break;
        }
    }
    loop {
        if tls::next_json(&mut list).await["type"] == "conversation_updated" {
            break;
        }
    }
}

#[tokio::test]
async fn plain_http_is_redirected_except_the_setup_page_and_the_authority() {
    let app = spawn_with(on).await;
    let plain = crate::common::http_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let port = app.addr.port();
    let moved = plain
        .get(app.url("/api/v1/health?probe=1"))
        .header("host", format!("192.168.1.5:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 307);
    assert_eq!(
        moved.headers()["location"],
        format!("https://192.168.1.5:{port}/api/v1/health?probe=1").as_str()
    );
    let page = plain.get(app.url("/connect")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("https://127.0.0.1:") && html.contains("/ca.crt"),
        "{html}"
    );
    let der = plain.get(app.url("/ca.crt")).send().await.unwrap();
    assert_eq!(der.headers()["content-type"], "application/x-x509-ca-cert");
    assert_eq!(
        der.bytes().await.unwrap().as_ref(),
        authority(app.dir.path()).as_ref()
    );
    let pem = plain
        .get(app.url("/ca.pem"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    let profile = plain
        .get(app.url("/pilito-box.mobileconfig"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        profile.headers()["content-type"],
        "application/x-apple-aspen-config"
    );
    let qr = plain.get(app.url("/connect/qr.svg")).send().await.unwrap();
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    let trusted = trusting(&[authority(app.dir.path())]);
    let secure_page = tls::get(app.addr, "localhost", &trusted, "/connect").await;
    assert_eq!(secure_page.status(), 200);
}

#[tokio::test]
async fn the_certificate_names_the_machine_and_lasts_at_most_397_days() {
    let app = spawn_with(on).await;
    let trusted = trusting(&[authority(app.dir.path())]);
    let cert = served(app.addr, "127.0.0.1", &trusted).await;
    let names = Names::of_this_machine();
    for dns in [
        names.host.clone(),
        format!("{}.local", names.host),
        "localhost".into(),
    ] {
        assert!(cert.dns.contains(&dns), "{dns} missing from {:?}", cert.dns);
    }
    assert_eq!(cert.ips, names.ips, "every LAN address and loopback");
    assert!(cert.ips.contains(&"127.0.0.1".parse().unwrap()));
    let days = (cert.not_after - chrono::Utc::now()).num_days();
    assert!((390..397).contains(&days), "{days} days");
    for name in names
        .lan_ips()
        .map(|ip| ip.to_string())
        .chain([names.host.clone()])
    {
        let health = tls::get(app.addr, &name, &trusted, "/api/v1/health").await;
        assert_eq!(health.status(), 200, "{name}");
    }
}

#[tokio::test]
async fn an_expiring_certificate_is_replaced_without_a_restart() {
    let steady = spawn_with(|c| {
        on(c);
        c.tls.check_secs = 1;
    })
    .await;
    let expiring = spawn_with(|c| {
        on(c);
        c.tls.check_secs = 1;
        c.tls.validity_days = ValidityDays::try_from(1).unwrap();
        c.tls.renew_days_before = 2;
    })
    .await;
    let steady_ca = trusting(&[authority(steady.dir.path())]);
    let expiring_ca = trusting(&[authority(expiring.dir.path())]);
    let kept = served(steady.addr, "localhost", &steady_ca).await;
    let first = served(expiring.addr, "localhost", &expiring_ca).await;
    assert!((first.not_after - chrono::Utc::now()).num_hours() < 24);
    eventually(10, "a renewed certificate", || async {
        served(expiring.addr, "localhost", &expiring_ca)
            .await
            .serial
            != first.serial
    })
    .await;
    let health = tls::get(expiring.addr, "localhost", &expiring_ca, "/api/v1/health").await;
    assert_eq!(health.status(), 200);
    assert_eq!(
        served(steady.addr, "localhost", &steady_ca).await.serial,
        kept.serial
    );

    let config = steady.state.config.as_ref().clone();
    let renewed = tokio::task::spawn_blocking(move || pilito_box::tls::renew(&config))
        .await
        .unwrap()
        .unwrap();
    assert_ne!(renewed.serial, kept.serial);
    eventually(10, "the certificate `tls renew` wrote", || async {
        served(steady.addr, "localhost", &steady_ca).await.serial == renewed.serial
    })
    .await;
}

#[tokio::test]
async fn a_configured_certificate_replaces_the_generated_one_and_reloads_when_it_changes() {
    let business = tempfile::tempdir().unwrap();
    let issue = |cn: &str| {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, cn);
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        let cert = params.signed_by(&key, &ca).unwrap();
        (ca.der().clone(), cert.pem(), key.serialize_pem())
    };
    let (cert_file, key_file) = (
        business.path().join("shop.pem"),
        business.path().join("shop.key"),
    );
    let (root, cert, key) = issue("Shop root");
    std::fs::write(&cert_file, cert).unwrap();
    std::fs::write(&key_file, key).unwrap();
    let app = spawn_with(|c| {
        on(c);
        c.tls.check_secs = 1;
        c.tls.cert_file = Some(cert_file.clone());
        c.tls.key_file = Some(key_file.clone());
    })
    .await;
    assert!(!app.dir.path().join("tls").exists(), "no authority is made");
    let shop = trusting(&[root]);
    let first = served(app.addr, "localhost", &shop).await;
    assert_eq!(first.dns, ["localhost"]);
    let no_ca = tls::get(app.addr, "localhost", &shop, "/ca.crt").await;
    assert_eq!(no_ca.status(), 404);
    let page = tls::get(app.addr, "localhost", &shop, "/connect").await;
    let page = String::from_utf8_lossy(page.body()).into_owned();
    let address = format!("https://localhost:{}/", app.addr.port());
    assert!(
        page.contains(&address) && !page.contains("/ca.crt"),
        "{page}"
    );

    let (new_root, cert, key) = issue("Shop root 2027");
    std::fs::write(&key_file, key).unwrap();
    std::fs::write(&cert_file, cert).unwrap();
    let renewed = trusting(&[new_root]);
    eventually(10, "the reloaded certificate", || async {
        tls::connect(app.addr, "localhost", &renewed).await.is_ok()
    })
    .await;
    assert!(tls::connect(app.addr, "localhost", &shop).await.is_err());
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_authority_fails_the_handshake() {
    let app = spawn_with(on).await;
    let other = spawn_with(on).await;
    let strangers = trusting(&[authority(other.dir.path())]);
    let refused = tls::connect(app.addr, "localhost", &strangers)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("UnknownIssuer"), "{refused}");
    let nobody = trusting(&[]);
    assert!(tls::connect(app.addr, "localhost", &nobody).await.is_err());
    let trusted = trusting(&[authority(app.dir.path())]);
    let wrong_name = tls::connect(app.addr, "example.com", &trusted)
        .await
        .unwrap_err();
    assert!(
        wrong_name.to_string().contains("not valid for name"),
        "{wrong_name}"
    );
}
