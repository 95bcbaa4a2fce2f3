//! The names this machine is reached by on its network: its host name (as a DNS label), that
//! name under `.local`, `localhost`, and its addresses in the private and loopback ranges. Uses
//! `if-addrs` and `gethostname`, nothing of the server.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What a server certificate must name for this machine now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// The host name as one lowercase DNS label (`office-pc`).
    pub host: String,
    /// Loopback and every private-range address of an interface that is up.
    pub ips: BTreeSet<IpAddr>,
}

impl Names {
    /// The names of this machine as its interfaces are now.
    #[must_use]
    pub fn of_this_machine() -> Self {
        let mut ips: BTreeSet<IpAddr> = [
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ]
        .into();
        match if_addrs::get_if_addrs() {
            Ok(interfaces) => ips.extend(
                interfaces
                    .iter()
                    .map(if_addrs::Interface::ip)
                    .filter(|ip| is_lan(*ip)),
            ),
            Err(e) => tracing::warn!("cannot list this machine's network addresses: {e}"),
        }
        Self {
            host: host_label(),
            ips,
        }
    }

    /// The DNS names, in the order a certificate lists them.
    #[must_use]
    pub fn dns(&self) -> Vec<String> {
        let mut names = vec![self.host.clone(), format!("{}.local", self.host)];
        if self.host != "localhost" {
            names.push("localhost".to_owned());
        }
        names
    }

    /// The addresses other machines can use (not loopback), IPv4 first.
    pub fn lan_ips(&self) -> impl Iterator<Item = IpAddr> + '_ {
        let v4 = self.ips.iter().filter(|ip| ip.is_ipv4());
        let v6 = self.ips.iter().filter(|ip| ip.is_ipv6());
        v4.chain(v6).copied().filter(|ip| !ip.is_loopback())
    }
}

/// The address this machine uses on its network, as its routing table picks it: a UDP
/// "connect" chooses the route and sends nothing.
#[must_use]
pub fn routed_ip() -> Option<IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    socket
        .local_addr()
        .ok()
        .map(|a| a.ip())
        .filter(|ip| !ip.is_unspecified())
}

/// This machine's host name as a DNS label: lowercase letters, digits and `-` (anything else
/// becomes `-`), at most 63 characters, `pilito-box` when there is none.
#[must_use]
pub fn host_label() -> String {
    label(&gethostname::gethostname().to_string_lossy())
}

fn label(raw: &str) -> String {
    let first = raw.split('.').next().unwrap_or("");
    let mapped: String = first
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(63)
        .collect();
    let trimmed = mapped.trim_matches('-');
    if trimmed.is_empty() {
        "pilito-box".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Whether `ip` is one a LAN uses: loopback, the IPv4 private ranges, the shared range (100.64/10,
/// used by carrier NAT and VPN meshes) or IPv6 unique-local. Public and link-local addresses
/// are left out: the first are not the office network's, the second change at every boot.
#[must_use]
pub fn is_lan(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback() || v4.is_private() || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_become_dns_labels() {
        assert_eq!(label("OFFICE-PC"), "office-pc");
        assert_eq!(label("Sara's MacBook.lan"), "sara-s-macbook");
        assert_eq!(label("--"), "pilito-box");
        assert_eq!(label(&"x".repeat(80)).len(), 63);
    }

    #[test]
    fn only_lan_addresses_count() {
        for lan in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.5",
            "100.100.1.1",
            "fd00::1",
            "::1",
        ] {
            assert!(is_lan(lan.parse().unwrap()), "{lan}");
        }
        for other in [
            "8.8.8.8",
            "169.254.3.4",
            "2001:db8::1",
            "fe80::1",
            "100.128.0.1",
        ] {
            assert!(!is_lan(other.parse().unwrap()), "{other}");
        }
        let names = Names::of_this_machine();
        assert!(names.ips.contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert!(names.lan_ips().all(|ip| !ip.is_loopback()));
        assert!(names.dns().contains(&"localhost".to_owned()));
    }
}
