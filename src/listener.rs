//! The accept loop: one HTTP/1.1 connection per TCP connection (with a deadline for the request
//! head, against clients that trickle it), each request tagged with its peer address and, when it
//! asks for an upgrade, a claim on its connection, so the socket routes can finish the WebSocket
//! upgrade themselves with their own buffer sizes. Stops accepting when told, then lets the
//! requests in flight finish.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_service::Service as _;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::hyper::Request;
use warp::hyper::body::Incoming;
use warp::hyper::service::service_fn;
use warp::hyper::upgrade::OnUpgrade;
use warp::reply::Response;

/// How long a client has to send its request head.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

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

/// Serves `routes` on `listener` until `stop` turns true (or its sender goes), then waits for
/// the plain HTTP requests in flight. Upgraded sockets are not waited for: the hub closes them.
pub async fn run(
    listener: TcpListener,
    routes: BoxedFilter<(Response,)>,
    mut stop: watch::Receiver<bool>,
) {
    let service = warp::service(routes);
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let builder = builder.http1_only();
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
        // Frames are small and each should leave at once, not wait for the previous one's ACK.
        let _ = stream.set_nodelay(true);
        let service = service.clone();
        let handler = service_fn(move |mut request: Request<Incoming>| {
            let extensions = request.extensions_mut();
            extensions.insert(Peer(peer));
            if let Some(upgrade) = extensions.remove::<OnUpgrade>() {
                extensions.insert(UpgradeClaim(Arc::new(Mutex::new(Some(upgrade)))));
            }
            service.clone().call(request)
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), handler);
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection from {peer} ended: {e}");
            }
        });
    }
    graceful.shutdown().await;
}

/// Completes once `stop` is true or its sender is gone.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    while !*stop.borrow_and_update() {
        if stop.changed().await.is_err() {
            return;
        }
    }
}
