//! Who may come in at all: the IP blacklist, the `Host`s the server answers for, browser
//! origins, client addresses behind trusted proxies, per-address rate limits for handshakes and
//! sign-ins, and per-user limits for REST writes.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use warp::http::HeaderMap;

use crate::config::Config;

/// Sign-in attempts allowed per address per minute (each costs an argon2 hash).
const LOGINS_PER_MINUTE: u32 = 10;

/// The gatekeeper shared by the socket and REST routes.
#[derive(Clone)]
pub struct Gate {
    inner: Arc<Inner>,
}

struct Inner {
    /// Std lock: read on every handshake, replaced wholesale when the table changes.
    blacklist: RwLock<HashSet<IpAddr>>,
    /// The blacklist table as the last read found it (the start's read at first).
    table: Mutex<HashSet<IpAddr>>,
    handshakes: DefaultKeyedRateLimiter<IpAddr>,
    logins: DefaultKeyedRateLimiter<IpAddr>,
    writes: DefaultKeyedRateLimiter<i64>,
    allowed_origins: Vec<String>,
    trusted_proxies: Vec<IpAddr>,
    /// Lower-case names besides IP addresses: the configured ones, `localhost`, the machine's
    /// host name and `<host>.local`.
    hosts: HashSet<String>,
}

impl Gate {
    /// A gate configured by `config`, starting with `blacklist`.
    #[must_use]
    pub fn new(config: &Config, blacklist: HashSet<IpAddr>) -> Self {
        let limits = &config.limits;
        let per_minute =
            NonZeroU32::new(limits.handshakes_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(limits.handshake_burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let logins = NonZeroU32::new(LOGINS_PER_MINUTE).unwrap_or(NonZeroU32::MIN);
        let writes =
            NonZeroU32::new(limits.rest_writes_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let write_burst =
            NonZeroU32::new(limits.rest_write_burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let machine = gethostname::gethostname()
            .to_string_lossy()
            .to_ascii_lowercase();
        let mut hosts: HashSet<String> = config
            .allowed_hosts
            .iter()
            .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
            .collect();
        hosts.insert("localhost".to_owned());
        if !machine.is_empty() {
            hosts.insert(format!("{machine}.local"));
            hosts.insert(machine);
        }
        Self {
            inner: Arc::new(Inner {
                table: Mutex::new(blacklist.clone()),
                blacklist: RwLock::new(blacklist),
                handshakes: RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst)),
                logins: RateLimiter::keyed(Quota::per_minute(logins)),
                writes: RateLimiter::keyed(Quota::per_second(writes).allow_burst(write_burst)),
                allowed_origins: config
                    .allowed_origins
                    .iter()
                    .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
                    .collect(),
                trusted_proxies: config.trusted_proxies.clone(),
                hosts,
            }),
        }
    }

    /// The caller's address: the peer, or the last untrusted `X-Forwarded-For` hop when the
    /// peer is a trusted proxy.
    #[must_use]
    pub fn client_ip(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> IpAddr {
        let peer = peer.map_or(IpAddr::from([0, 0, 0, 0]), |p| p.ip());
        if !self.inner.trusted_proxies.contains(&peer) {
            return peer;
        }
        let hops: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|hop| hop.trim().parse().ok())
            .collect();
        hops.into_iter()
            .rev()
            .find(|ip| !self.inner.trusted_proxies.contains(ip))
            .unwrap_or(peer)
    }

    /// Whether `ip` is blacklisted.
    #[must_use]
    pub fn is_blacklisted(&self, ip: IpAddr) -> bool {
        self.inner
            .blacklist
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&ip)
    }

    /// Adds an address to the blacklist (this server's own change, already stored).
    pub fn block(&self, ip: IpAddr) {
        self.inner
            .blacklist
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(ip);
    }

    /// Takes an address off the blacklist (this server's own change, already stored).
    pub fn unblock(&self, ip: IpAddr) {
        self.inner
            .blacklist
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&ip);
    }

    /// The blacklist table as just re-read: it replaces the blacklist only when it changed
    /// since the last read (another process, the CLI, changed it). A read that began before
    /// this server's own change committed finds the table unchanged and does not undo it.
    pub fn table_read(&self, ips: HashSet<IpAddr>) {
        let mut table = self
            .inner
            .table
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if *table == ips {
            return;
        }
        table.clone_from(&ips);
        *self
            .inner
            .blacklist
            .write()
            .unwrap_or_else(PoisonError::into_inner) = ips;
    }

    /// Whether a browser page of this `Origin` may open sockets: no `Origin` (not a browser),
    /// the server's own origin, or one of `allowed_origins`.
    #[must_use]
    pub fn origin_allowed(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get("origin") else {
            return true;
        };
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let origin = origin.trim_end_matches('/').to_ascii_lowercase();
        if self.inner.allowed_origins.contains(&origin) {
            return true;
        }
        let host = headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .map(str::to_ascii_lowercase);
        let authority = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        matches!((authority, host), (Some(a), Some(h)) if a == h)
    }

    /// Takes one handshake from `ip`'s allowance; `Err` says how long to wait.
    pub fn allow_handshake(&self, ip: IpAddr) -> Result<(), Duration> {
        check(&self.inner.handshakes, &ip)
    }

    /// Takes one sign-in attempt from `ip`'s allowance; `Err` says how long to wait.
    pub fn allow_login(&self, ip: IpAddr) -> Result<(), Duration> {
        check(&self.inner.logins, &ip)
    }

    /// Takes one REST write from `user`'s allowance; `Err` says how long to wait.
    pub fn allow_write(&self, user: i64) -> Result<(), Duration> {
        check(&self.inner.writes, &user)
    }

    /// Whether a request's `Host` is one this server answers for: an IP address, one of the
    /// machine's names, or a configured one. A request without `Host` (HTTP/1.0) passes; a page
    /// loaded under a stranger's name (DNS rebinding) does not.
    #[must_use]
    pub fn host_allowed(&self, headers: &HeaderMap) -> bool {
        let Some(host) = headers.get("host") else {
            return true;
        };
        let Ok(host) = host.to_str() else {
            return false;
        };
        let name = match host.strip_prefix('[') {
            Some(v6) => {
                return v6
                    .split(']')
                    .next()
                    .is_some_and(|a| a.parse::<std::net::Ipv6Addr>().is_ok());
            }
            None => host.rsplit_once(':').map_or(host, |(name, _port)| name),
        };
        name.parse::<IpAddr>().is_ok()
            || self
                .inner
                .hosts
                .contains(&name.trim_end_matches('.').to_ascii_lowercase())
    }

    /// Forgets addresses whose allowance is full again, so the limiters do not grow forever.
    pub fn forget_idle(&self) {
        self.inner.handshakes.retain_recent();
        self.inner.logins.retain_recent();
        self.inner.writes.retain_recent();
    }
}

fn check<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), Duration> {
    limiter
        .check_key(key)
        .map_err(|not_until| not_until.wait_time_from(governor::clock::Clock::now(limiter.clock())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use warp::http::HeaderValue;

    fn gate(config: &Config) -> Gate {
        Gate::new(config, HashSet::new())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn origins() {
        let g = gate(&Config {
            allowed_origins: vec!["https://app.example.com/".into()],
            ..Config::default()
        });
        assert!(g.origin_allowed(&headers(&[])));
        assert!(g.origin_allowed(&headers(&[
            ("origin", "http://box:8765"),
            ("host", "box:8765")
        ])));
        assert!(g.origin_allowed(&headers(&[
            ("origin", "https://app.example.com"),
            ("host", "box")
        ])));
        assert!(!g.origin_allowed(&headers(&[
            ("origin", "http://evil.test"),
            ("host", "box:8765")
        ])));
        assert!(!g.origin_allowed(&headers(&[("origin", "null"), ("host", "box:8765")])));
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        let g = gate(&Config {
            trusted_proxies: vec![proxy.ip()],
            ..Config::default()
        });
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 192.168.1.23")]);
        assert_eq!(
            g.client_ip(Some(proxy), &h),
            "192.168.1.23".parse::<IpAddr>().unwrap()
        );
        let stranger: SocketAddr = "10.0.0.2:5000".parse().unwrap();
        assert_eq!(g.client_ip(Some(stranger), &h), stranger.ip());
    }

    #[test]
    fn handshakes_are_limited_per_address() {
        let g = gate(&Config::default());
        let (a, b): (IpAddr, IpAddr) = ("1.1.1.1".parse().unwrap(), "2.2.2.2".parse().unwrap());
        for _ in 0..10 {
            g.allow_handshake(a).unwrap();
        }
        assert!(g.allow_handshake(a).is_err());
        assert!(g.allow_handshake(b).is_ok());
    }

    #[test]
    fn hosts_are_addresses_the_machines_names_or_configured() {
        let g = gate(&Config {
            allowed_hosts: vec!["Inbox.Office.lan".into()],
            ..Config::default()
        });
        let machine = gethostname::gethostname().to_string_lossy().into_owned();
        for host in [
            "192.168.1.20:8765",
            "[fe80::1]:8765",
            "localhost:8765",
            "inbox.office.lan",
            &format!("{machine}.local:8765"),
            &machine,
        ] {
            assert!(g.host_allowed(&headers(&[("host", host)])), "{host}");
        }
        for host in ["evil.test:8765", "192.168.1.20.evil.test", "[nope]:1"] {
            assert!(!g.host_allowed(&headers(&[("host", host)])), "{host}");
        }
        assert!(g.host_allowed(&headers(&[])));
    }

    #[test]
    fn rest_writes_are_limited_per_user() {
        let g = gate(&Config::default());
        for _ in 0..40 {
            g.allow_write(1).unwrap();
        }
        assert!(g.allow_write(1).is_err());
        assert!(g.allow_write(2).is_ok());
    }
}
