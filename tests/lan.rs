//! The server on an office network of its own: each test re-runs itself inside a fresh network
//! namespace (`unshare --net`) holding a veth pair, 10.77.0.2 on the server's side, so nothing
//! leaves the machine. There the server listens on all interfaces (TLS on by `auto`), its
//! certificate follows an address added while it runs, a plain client to the LAN address is
//! redirected, and a real mDNS browser (mdns-sd's own daemon) finds its `_https._tcp` service and
//! its `.local` name, unless `mdns.enabled` is off.

use std::net::{IpAddr, SocketAddr};
use std::process::Command;
use std::time::{Duration, Instant};

use mdns_sd::{HostnameResolutionEvent, ServiceDaemon, ServiceEvent};
use pilito_box::tls::names::host_label;

use crate::common::tls::{self, authority, served, trusting};
use crate::common::{TestApp, start_at};

/// Set in the re-run inside the namespace.
const INSIDE: &str = "PILITO_BOX_TEST_IN_NAMESPACE";
pub const SERVER_IP: &str = "10.77.0.2";

/// In the test process: re-runs `test` inside a new network namespace, checks it passed there
/// and returns false. Inside: sets the namespace's network up and returns true.
pub fn inside_a_namespace(test: &str) -> bool {
    if std::env::var_os(INSIDE).is_some() {
        for args in [
            "link set lo up",
            "link add lan0 type veth peer name lan1",
            "addr add 10.77.0.2/24 dev lan0",
            "link set lan0 up",
            "link set lan1 up",
        ] {
            let ok = Command::new("ip").args(args.split(' ')).status();
            assert!(ok.is_ok_and(|s| s.success()), "ip {args} failed");
        }
        return true;
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let mut unshare = Command::new("unshare");
    unshare.arg("--net");
    if !root {
        unshare.arg("--map-root-user");
    }
    let name = test.trim_start_matches("integration::");
    let out = unshare
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads", "1"])
        .env(INSIDE, "1")
        .output()
        .expect("unshare (util-linux)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.contains("1 passed"),
        "inside the namespace:\n{said}"
    );
    false
}

pub async fn on_all_interfaces(tweak: impl FnOnce(&mut pilito_box::config::Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    start_at(dir, ([0, 0, 0, 0], 0).into(), |c| {
        c.tls.check_secs = 1;
        tweak(c);
    })
    .await
}

fn lan(port: u16) -> SocketAddr {
    SocketAddr::new(SERVER_IP.parse().unwrap(), port)
}

#[tokio::test]
async fn on_a_lan_the_certificate_follows_the_addresses_and_plain_http_is_redirected() {
    if !inside_a_namespace(&format!(
        "{}::on_a_lan_the_certificate_follows_the_addresses_and_plain_http_is_redirected",
        module_path!()
    )) {
        return;
    }
    let app = on_all_interfaces(|_| {}).await;
    let port = app.addr.port();
    let trusted = trusting(&[authority(app.dir.path())]);
    let first = served(lan(port), SERVER_IP, &trusted).await;
    assert!(
        first.ips.contains(&SERVER_IP.parse::<IpAddr>().unwrap()),
        "{first:?}"
    );
    let health = tls::get(lan(port), SERVER_IP, &trusted, "/api/v1/health").await;
    assert_eq!(health.status(), 200);

    let plain = crate::common::http_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let moved = plain
        .get(format!("http://{SERVER_IP}:{port}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 307);
    assert_eq!(
        moved.headers()["location"],
        format!("https://{SERVER_IP}:{port}/").as_str()
    );
    let page = plain
        .get(format!("http://{SERVER_IP}:{port}/connect"))
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("https://{SERVER_IP}:{port}/")),
        "{html}"
    );
    assert!(!html.contains("listens on this computer only"));

    let added: IpAddr = "10.77.0.9".parse().unwrap();
    let ok = Command::new("ip")
        .args(["addr", "add", "10.77.0.9/24", "dev", "lan0"])
        .status();
    assert!(ok.is_ok_and(|s| s.success()));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = served(lan(port), SERVER_IP, &trusted).await;
        if now.ips.contains(&added) {
            assert_ne!(now.serial, first.serial);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new address never reached the certificate"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let via_new = SocketAddr::new(added, port);
    let health = tls::get(via_new, "10.77.0.9", &trusted, "/api/v1/health").await;
    assert_eq!(health.status(), 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_lan_an_mdns_browser_finds_the_service_and_the_local_name() {
    if !inside_a_namespace(&format!(
        "{}::on_a_lan_an_mdns_browser_finds_the_service_and_the_local_name",
        module_path!()
    )) {
        return;
    }
    let browser = ServiceDaemon::new().unwrap();
    let silent = on_all_interfaces(|c| c.mdns.enabled = false).await;
    let found = browser.browse("_https._tcp.local.").unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    while let Ok(event) = found.recv_deadline(deadline) {
        assert!(
            !matches!(event, ServiceEvent::ServiceResolved(_)),
            "announced with mdns off: {event:?}"
        );
    }
    browser.stop_browse("_https._tcp.local.").unwrap();
    silent.stop().await;

    let app = on_all_interfaces(|_| {}).await;
    let host = format!("{}.local.", host_label());
    let found = browser.browse("_https._tcp.local.").unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    // Answers come per interface and address family (loopback too); the service is complete
    // once one holds the server's LAN address.
    let server_ip: IpAddr = SERVER_IP.parse().unwrap();
    let service = loop {
        match found.recv_deadline(deadline) {
            Ok(ServiceEvent::ServiceResolved(service))
                if service.port == app.addr.port()
                    && service
                        .addresses
                        .iter()
                        .any(|ip| ip.to_ip_addr() == server_ip) =>
            {
                break service;
            }
            Ok(_) => {}
            Err(e) => panic!("the service was not found with {SERVER_IP}: {e}"),
        }
    };
    assert_eq!(
        service.fullname,
        format!("pilito-box on {}._https._tcp.local.", host_label())
    );
    assert_eq!(service.host, host);
    assert_eq!(
        service.txt_properties.get_property_val_str("connect"),
        Some("/connect")
    );

    let resolved = browser.resolve_hostname(&host, Some(5000)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match resolved.recv_deadline(deadline) {
            Ok(HostnameResolutionEvent::AddressesFound(_, found)) => {
                let ips: Vec<IpAddr> = found.iter().map(mdns_sd::ScopedIp::to_ip_addr).collect();
                if ips.contains(&SERVER_IP.parse().unwrap()) {
                    break;
                }
            }
            Ok(_) => {}
            Err(e) => panic!("{host} did not resolve: {e}"),
        }
    }
    let _ = browser.shutdown();
    app.stop().await;
}
