//! The accept loop: HTTP/1.1 only, one connection per TCP connection, with a deadline for every
//! phase a client could stall in (the first byte, the request head and an idle kept-alive
//! connection share the head deadline; the TLS handshake has its own; the body has a rate and a
//! total), and a cap on the TCP connections one address holds. With TLS on, one port answers
//! both: a connection opening with a TLS handshake gets the routes over TLS, any other the plain
//! routes it was given. Each request is tagged with its peer address and, when it asks for an
//! upgrade, a claim on its connection, so the socket routes can finish the WebSocket upgrade
//! themselves with their own buffer sizes. Stops accepting when told, then lets the requests in
//! flight finish. Uses `tokio-rustls` for the handshake and knows nothing of certificates.

mod body;
mod connection;
mod slots;

pub use body::{BodyError, BodyLimits};
pub use slots::Slots;

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hyper_util::rt::TokioTimer;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{StatusCode, header};
use warp::hyper::server::conn::http1;
use warp::hyper::upgrade::OnUpgrade;
use warp::reply::Response;

use crate::config::Config;

/// Every deadline and cap a connection is held to.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// From the connection's start, or the end of its previous response, to the end of a
    /// request head.
    pub head: Duration,
    /// From the first byte of a TLS connection to the end of its handshake.
    pub handshake: Duration,
    /// How a request body must arrive.
    pub body: BodyLimits,
    /// TCP connections one address may hold open (0: no cap).
    pub per_address: usize,
    /// Addresses never refused by the cap (trusted proxies carry many clients).
    pub exempt: Vec<IpAddr>,
}

impl From<&Config> for ConnectionLimits {
    fn from(config: &Config) -> Self {
        let limits = &config.limits;
        Self {
            head: Duration::from_secs(limits.request_head_secs.max(1)),
            handshake: config.tls.handshake_timeout(),
            body: BodyLimits {
                total: Duration::from_secs(limits.request_body_secs.max(1)),
                min_bytes_per_sec: limits.request_body_min_bytes_per_sec,
            },
            per_address: limits.max_connections_per_address,
            exempt: config.trusted_proxies.clone(),
        }
    }
}

/// TLS on the listener's port.
pub struct Tls {
    /// What every handshake is answered with.
    pub config: Arc<rustls::ServerConfig>,
    /// What a connection that speaks plain HTTP gets instead of the routes.
    pub plain: BoxedFilter<(Response,)>,
}

/// The TCP peer of a request.
#[derive(Debug, Clone, Copy)]
struct Peer(SocketAddr);

/// The right to take over a request's connection once its response switches protocols.
#[derive(Clone)]
pub struct UpgradeClaim(Arc<Mutex<Option<OnUpgrade>>>);

impl UpgradeClaim {
    /// Takes the connection's upgrade (once).
    #[must_use]
    pub fn take(&self) -> Option<OnUpgrade> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// The request's TCP peer.
pub fn peer() -> impl Filter<Extract = (Option<SocketAddr>,), Error = Infallible> + Clone {
    warp::ext::optional::<Peer>().map(|p: Option<Peer>| p.map(|p| p.0))
}

/// The request's upgrade claim, when it asked for an upgrade.
pub fn upgrade_claim() -> impl Filter<Extract = (Option<UpgradeClaim>,), Error = Infallible> + Clone
{
    warp::ext::optional::<UpgradeClaim>()
}

/// Serves `routes` on `listener` (over TLS when `tls` is given, plain HTTP getting its `plain`
/// routes) until `stop` turns true (or its sender goes), then waits for the plain HTTP requests
/// in flight. Upgraded sockets are not waited for: the hub closes them. HTTP/2 is not offered:
/// its preface is answered as a malformed HTTP/1 request.
pub async fn run(
    listener: TcpListener,
    routes: BoxedFilter<(Response,)>,
    mut stop: watch::Receiver<bool>,
    limits: ConnectionLimits,
    tls: Option<Tls>,
) {
    let slots = Slots::new(limits.per_address, &limits.exempt);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.head);
    let serving = Arc::new(connection::Serving {
        routes,
        tls: tls.map(|tls| connection::Tls {
            acceptor: tokio_rustls::TlsAcceptor::from(tls.config),
            plain: tls.plain,
        }),
        builder,
        limits: limits.clone(),
    });
    // Every connection task holds a sender; when the last one is gone, all have finished.
    let (finished_tx, mut finished) = mpsc::channel::<()>(1);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!("cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = stopped(&mut stop) => break,
        };
        let slot = match slots.take(peer.ip()) {
            Ok(slot) => slot,
            Err(slots::Refused::Full { warn }) => {
                if warn {
                    tracing::warn!(
                        "refused connections from {}: it already has {} open (limits.max_connections_per_address)",
                        peer.ip(),
                        limits.per_address
                    );
                }
                drop(stream);
                continue;
            }
        };
        // Frames are small and each should leave at once, not wait for the previous one's ACK.
        let _ = stream.set_nodelay(true);
        let stream = slots::Counted::new(stream, slot);
        let (serving, stop, finished) = (serving.clone(), stop.clone(), finished_tx.clone());
        tokio::spawn(async move {
            let _finished = finished;
            connection::serve(stream, peer, serving, stop).await;
        });
    }
    drop(finished_tx);
    let _ = finished.recv().await;
}

/// The answer to a request whose body came too slowly; the connection closes after it.
fn too_slow() -> Response {
    let mut response = crate::http::error::error_response(
        StatusCode::REQUEST_TIMEOUT,
        "REQUEST_TIMEOUT",
        "The request body did not arrive in time",
    );
    response.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    response
}

/// Completes once `stop` is true or its sender is gone.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    while !*stop.borrow_and_update() {
        if stop.changed().await.is_err() {
            return;
        }
    }
}
