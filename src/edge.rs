//! What the port serves around the inbox's own routes: the device set-up page, TLS with its
//! certificate upkeep and the plain-HTTP side, and the mDNS announcement; started with the
//! server and finished at its shutdown. Uses `tls`, `onboarding`, `listener` and `mdns`.

use std::net::SocketAddr;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::Response;

use crate::config::Config;
use crate::onboarding::{self, Onboarding};
use crate::tls::{Tls, TlsError};
use crate::{listener, mdns, web};

/// TLS for a server on `addr`, when `tls.mode` asks for it there.
pub fn tls_for(config: &Config, addr: SocketAddr) -> Result<Option<Tls>, TlsError> {
    if config.tls.enabled_for(addr.ip()) {
        Tls::start(config).map(Some)
    } else {
        Ok(None)
    }
}

/// The running extras of one server.
pub struct Edge {
    upkeep: Option<JoinHandle<()>>,
    announcement: Option<mdns::Announcement>,
}

/// What the listener is given.
pub struct Served {
    /// Every route, the set-up page first.
    pub routes: BoxedFilter<(Response,)>,
    /// TLS and the plain routes, when TLS is on.
    pub tls: Option<listener::Tls>,
}

impl Served {
    /// `https` or `http`.
    #[must_use]
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() { "https" } else { "http" }
    }
}

impl Edge {
    /// Starts the extras of a server on `addr` serving `inbox` routes, until `stop` turns true.
    pub fn start(
        config: &Config,
        addr: SocketAddr,
        tls: Option<Tls>,
        inbox: BoxedFilter<(Response,)>,
        stop: &watch::Receiver<bool>,
    ) -> (Self, Served) {
        let upkeep = tls.as_ref().map(|tls| tls.spawn_upkeep(stop.clone()));
        let secure = tls.is_some();
        let onboarding = Onboarding::new(tls.clone(), addr);
        let served = Served {
            routes: onboarding
                .routes()
                .map(web::with_security_headers)
                .or(inbox)
                .unify()
                .boxed(),
            tls: tls.map(|tls| listener::Tls {
                config: tls.server_config(),
                plain: onboarding::plain_routes(&onboarding)
                    .map(web::with_security_headers)
                    .boxed(),
            }),
        };
        if secure {
            tracing::info!(
                "plain http:// on the same port redirects to https://, except the device set-up page {}",
                onboarding::page_url(addr)
            );
        }
        let announcement = (config.mdns.enabled && !addr.ip().is_loopback())
            .then(|| mdns::Announcement::start(addr, secure))
            .and_then(|started| started.map_err(|e| tracing::warn!("{e}")).ok());
        let edge = Self {
            upkeep,
            announcement,
        };
        (edge, served)
    }

    /// Says goodbye on the network.
    pub fn unannounce(&mut self) {
        self.announcement = None;
    }

    /// Waits for the certificate upkeep to stop (after `stop` turned true).
    pub async fn finish(mut self) {
        self.unannounce();
        if let Some(upkeep) = self.upkeep.take() {
            let _ = upkeep.await;
        }
    }
}
