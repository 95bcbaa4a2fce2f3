//! Announcing the server on its network by multicast DNS, so agents can type a name instead of
//! an address: the host's `<host>.local` name and a `_https._tcp` service (`_http._tcp` with TLS
//! off) named "pilito-box on <host>", answered by `mdns-sd`'s own thread. Uses `tls::names`.

use std::net::SocketAddr;

use mdns_sd::{IfKind, ServiceDaemon, ServiceInfo};

use crate::tls::names::{self, Names};

/// Why the announcement could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot announce the server by multicast DNS: {0}")]
pub struct MdnsError(#[from] mdns_sd::Error);

/// The service type announced for a server speaking TLS or not.
#[must_use]
pub fn service_type(secure: bool) -> &'static str {
    if secure {
        "_https._tcp.local."
    } else {
        "_http._tcp.local."
    }
}

/// A running announcement; dropping it says goodbye on the network and stops its thread.
pub struct Announcement {
    daemon: ServiceDaemon,
    fullname: String,
}

impl Announcement {
    /// Announces a server listening on `listen`: on every interface with its addresses as they
    /// come and go when it listens on all of them, on that one address otherwise.
    pub fn start(listen: SocketAddr, secure: bool) -> Result<Self, MdnsError> {
        let host = names::host_label();
        let daemon = ServiceDaemon::new()?;
        let ips: Vec<_> = if listen.ip().is_unspecified() {
            Names::of_this_machine().lan_ips().collect()
        } else {
            daemon.disable_interface(IfKind::All)?;
            daemon.enable_interface(IfKind::Addr(listen.ip()))?;
            vec![listen.ip()]
        };
        let properties = [("path", "/"), ("connect", crate::onboarding::PAGE_PATH)];
        let mut info = ServiceInfo::new(
            service_type(secure),
            &format!("pilito-box on {host}"),
            &format!("{host}.local."),
            ips.as_slice(),
            listen.port(),
            &properties[..],
        )?;
        if listen.ip().is_unspecified() {
            info = info.enable_addr_auto();
        }
        let fullname = info.get_fullname().to_owned();
        daemon.register(info)?;
        tracing::info!(
            "announcing {host}.local and the service \"{fullname}\" by multicast DNS (mdns.enabled)"
        );
        Ok(Self { daemon, fullname })
    }
}

impl Drop for Announcement {
    fn drop(&mut self) {
        let _ = self.daemon.unregister(&self.fullname);
        let _ = self.daemon.shutdown();
    }
}
