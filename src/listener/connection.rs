//! One accepted connection: with TLS on, its first byte says which it speaks (0x16 opens a TLS
//! handshake), each wait with its deadline (the first byte has the head's, the handshake its
//! own); then HTTP/1.1 over it with the head and body deadlines, every request tagged with its
//! peer and upgrade claim, and over TLS every cookie it sets marked `Secure`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower_service::Service as _;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, header};
use warp::hyper::Request;
use warp::hyper::body::Incoming;
use warp::hyper::server::conn::http1;
use warp::hyper::service::service_fn;
use warp::hyper::upgrade::OnUpgrade;
use warp::reply::Response;

use super::slots::Counted;
use super::{ConnectionLimits, Peer, UpgradeClaim, body, stopped, too_slow};

/// The first byte of a TLS handshake record.
const TLS_HANDSHAKE: u8 = 0x16;

/// What every connection is served with.
pub(super) struct Serving {
    /// The routes of a connection that is secure (TLS, or every connection when TLS is off).
    pub routes: BoxedFilter<(Response,)>,
    pub tls: Option<Tls>,
    pub builder: http1::Builder,
    pub limits: ConnectionLimits,
}

/// TLS on the listener's port.
pub(super) struct Tls {
    pub acceptor: TlsAcceptor,
    /// The routes of a plain HTTP connection while TLS is on.
    pub plain: BoxedFilter<(Response,)>,
}

/// Serves one connection until it ends or `stop` turns true.
pub(super) async fn serve(
    stream: Counted,
    peer: SocketAddr,
    serving: Arc<Serving>,
    mut stop: watch::Receiver<bool>,
) {
    let Some(tls) = &serving.tls else {
        return http(stream, peer, &serving, &serving.routes, false, stop).await;
    };
    let limits = &serving.limits;
    let first = tokio::select! {
        first = tokio::time::timeout(limits.head, stream.first_byte()) => first,
        () = stopped(&mut stop) => return,
    };
    match first {
        Ok(Ok(Some(TLS_HANDSHAKE))) => {}
        Ok(Ok(Some(_))) => return http(stream, peer, &serving, &tls.plain, false, stop).await,
        Ok(Ok(None)) => return,
        Ok(Err(e)) => return tracing::debug!("connection from {peer} failed: {e}"),
        Err(_) => return tracing::debug!("connection from {peer} sent nothing in time"),
    }
    let handshake = tokio::select! {
        done = tokio::time::timeout(limits.handshake, tls.acceptor.accept(stream)) => done,
        () = stopped(&mut stop) => return,
    };
    match handshake {
        Ok(Ok(secure)) => http(secure, peer, &serving, &serving.routes, true, stop).await,
        Ok(Err(e)) => tracing::debug!("TLS handshake from {peer} failed: {e}"),
        Err(_) => tracing::debug!("TLS handshake from {peer} did not finish in time"),
    }
}

/// HTTP/1.1 over `io` with `routes`; `secure` marks the cookies it sets.
async fn http<I>(
    io: I,
    peer: SocketAddr,
    serving: &Serving,
    routes: &BoxedFilter<(Response,)>,
    secure: bool,
    mut stop: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let service = warp::service(routes.clone());
    let body_limits = serving.limits.body;
    let handler = service_fn(move |mut request: Request<Incoming>| {
        let extensions = request.extensions_mut();
        extensions.insert(Peer(peer));
        if let Some(upgrade) = extensions.remove::<OnUpgrade>() {
            extensions.insert(UpgradeClaim(Arc::new(Mutex::new(Some(upgrade)))));
        }
        let expired = Arc::new(AtomicBool::new(false));
        let request = request.map(|b| body::Deadline::new(b, body_limits, expired.clone()));
        let answer = service.clone().call(request);
        async move {
            let mut response = answer.await?;
            if expired.load(Ordering::Relaxed) {
                return Ok::<_, Infallible>(too_slow());
            }
            if secure {
                mark_cookies_secure(&mut response);
            }
            Ok(response)
        }
    });
    let connection = serving
        .builder
        .serve_connection(TokioIo::new(io), handler)
        .with_upgrades();
    tokio::pin!(connection);
    let ended = tokio::select! {
        ended = connection.as_mut() => ended,
        () = stopped(&mut stop) => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(e) = ended {
        tracing::debug!("connection from {peer} ended: {e}");
    }
}

/// Adds `Secure` to every cookie the response sets: over TLS a cookie must never travel back
/// over plain HTTP.
fn mark_cookies_secure(response: &mut Response) {
    let headers = response.headers_mut();
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    if cookies.is_empty() {
        return;
    }
    headers.remove(header::SET_COOKIE);
    for cookie in cookies {
        let secured = match cookie.to_str() {
            Ok(text) if !has_secure(text) => {
                HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(cookie)
            }
            _ => cookie,
        };
        headers.append(header::SET_COOKIE, secured);
    }
}

fn has_secure(cookie: &str) -> bool {
    cookie
        .split(';')
        .skip(1)
        .any(|attribute| attribute.trim().eq_ignore_ascii_case("secure"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_set_over_tls_are_marked_secure_once() {
        let mut response = warp::reply::Reply::into_response(warp::reply());
        let headers = response.headers_mut();
        for cookie in [
            "a=\"x\"; HttpOnly; Path=/",
            "b=1; Secure",
            "c=2; path=/secure",
        ] {
            headers.append(header::SET_COOKIE, HeaderValue::from_static(cookie));
        }
        mark_cookies_secure(&mut response);
        let set: Vec<&str> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(
            set,
            [
                "a=\"x\"; HttpOnly; Path=/; Secure",
                "b=1; Secure",
                "c=2; path=/secure; Secure"
            ]
        );
    }
}
