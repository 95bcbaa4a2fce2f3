//! Real TLS clients for the tests: rustls on ring trusting only the roots a test gives it (the
//! generated authority, or another), HTTP/1.1 over it with hyper, `wss://` with tungstenite, and
//! the certificate a server presents.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use futures_util::StreamExt;
use http_body_util::BodyExt;
use pilito_box::tls::certs::{self, CertInfo};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use warp::http::{Request, Response};
use warp::hyper::body::Bytes;

/// The authority a server generated in its data folder `dir`, DER.
pub fn authority(dir: &Path) -> CertificateDer<'static> {
    CertificateDer::from_pem_file(dir.join("tls/ca.crt")).expect("the authority's certificate")
}

/// A client configuration trusting `roots` and nothing else. It never resumes a session, so
/// every connection verifies the certificate served at that moment.
pub fn trusting(roots: &[CertificateDer<'static>]) -> Arc<rustls::ClientConfig> {
    let mut store = rustls::RootCertStore::empty();
    for root in roots {
        store.add(root.clone()).expect("a root");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(store)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config.resumption = rustls::client::Resumption::disabled();
    Arc::new(config)
}

/// A TLS connection to `addr` for the name `name` (a DNS name or an IP address).
pub async fn connect(
    addr: SocketAddr,
    name: &str,
    config: &Arc<rustls::ClientConfig>,
) -> std::io::Result<TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from(name.to_owned()).expect("a server name");
    TlsConnector::from(config.clone()).connect(name, tcp).await
}

/// What the certificate `addr` presents for `name` says.
pub async fn served(addr: SocketAddr, name: &str, config: &Arc<rustls::ClientConfig>) -> CertInfo {
    let tls = connect(addr, name, config).await.expect("handshake");
    let (_, session) = tls.get_ref();
    let leaf = session.peer_certificates().expect("a certificate")[0].clone();
    certs::info(&leaf).expect("a readable certificate")
}

/// Sends `request` over a new TLS connection and reads the whole answer.
pub async fn send(
    addr: SocketAddr,
    name: &str,
    config: &Arc<rustls::ClientConfig>,
    request: Request<String>,
) -> Response<Bytes> {
    let tls = connect(addr, name, config).await.expect("handshake");
    let io = hyper_util::rt::TokioIo::new(tls);
    let (mut sender, connection) = warp::hyper::client::conn::http1::handshake(io)
        .await
        .expect("HTTP over TLS");
    tokio::spawn(connection);
    let response = sender.send_request(request).await.expect("an answer");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("the body").to_bytes();
    Response::from_parts(parts, body)
}

/// `GET path` over TLS.
pub async fn get(
    addr: SocketAddr,
    name: &str,
    config: &Arc<rustls::ClientConfig>,
    path: &str,
) -> Response<Bytes> {
    let request = Request::get(path)
        .header("host", format!("{name}:{}", addr.port()))
        .body(String::new())
        .unwrap();
    send(addr, name, config, request).await
}

/// A `wss://` socket to `path_and_query`.
pub async fn wss(
    addr: SocketAddr,
    name: &str,
    config: &Arc<rustls::ClientConfig>,
    path_and_query: &str,
) -> WebSocketStream<TlsStream<TcpStream>> {
    let tls = connect(addr, name, config).await.expect("handshake");
    let url = format!("wss://{name}:{}{path_and_query}", addr.port());
    let (ws, _) = tokio_tungstenite::client_async(url, tls)
        .await
        .expect("a WebSocket over TLS");
    ws
}

/// The next text frame of a socket as JSON.
pub async fn next_json(ws: &mut WebSocketStream<TlsStream<TcpStream>>) -> Value {
    loop {
        let message = tokio::time::timeout(super::client::WAIT, ws.next())
            .await
            .expect("a frame in time")
            .expect("an open socket")
            .expect("a frame");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).expect("JSON");
        }
    }
}
