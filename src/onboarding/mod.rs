//! Getting a device onto the server: the "Connect a device" page (`/connect`: the address, a QR
//! code of this page, the certificate to trust and the steps per system), the certificate
//! downloads (`/ca.crt`, `/ca.pem`, `/pilito-box.mobileconfig`), the addresses to show, and what
//! a plain-HTTP connection gets while TLS is on: those, or a redirect to HTTPS (PROTOCOL §2).
//! Uses `tls` for the authority and the served names; knows nothing of the inbox.

mod page;
mod profile;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, Response, StatusCode, header};
use warp::hyper::body::Bytes;
use warp::path::FullPath;
use warp::reply::Reply;

pub use page::qr_svg;

use crate::tls::Tls;
use crate::tls::names::{self, Names};

/// The path of the onboarding page.
pub const PAGE_PATH: &str = "/connect";

const CSS: &str = include_str!("../../assets/connect/connect.css");
const ICON: &str = include_str!("../../assets/web/icon.svg");

/// What the onboarding page shows, for a server listening on one address.
#[derive(Clone)]
pub struct Onboarding {
    inner: Arc<Inner>,
}

struct Inner {
    tls: Option<Tls>,
    listen: SocketAddr,
}

impl Onboarding {
    /// The page of a server on `listen`, with `tls` when it speaks HTTPS.
    #[must_use]
    pub fn new(tls: Option<Tls>, listen: SocketAddr) -> Self {
        Self {
            inner: Arc::new(Inner { tls, listen }),
        }
    }

    /// The address agents open (`https://192.168.1.5:8765/`), from the names the served
    /// certificate holds: a LAN address of the generated one, the first name of the business's
    /// own (which may name no address).
    #[must_use]
    pub fn address(&self) -> String {
        let port = self.inner.listen.port();
        match &self.inner.tls {
            Some(tls) if tls.authority().is_none() => {
                let served = tls.served();
                match served.dns.iter().find(|name| !name.starts_with('*')) {
                    Some(name) => url_host(name, port, true),
                    None => url(self.ip(), port, true, "/"),
                }
            }
            tls => url(self.ip(), port, tls.is_some(), "/"),
        }
    }

    fn ip(&self) -> IpAddr {
        match &self.inner.tls {
            Some(tls) => primary_ip(self.inner.listen, tls.served().ips.into_iter()),
            None => primary_ip(self.inner.listen, Names::of_this_machine().lan_ips()),
        }
    }

    /// Every route of the page and the downloads; other paths are rejected as not found.
    #[must_use]
    pub fn routes(&self) -> BoxedFilter<(warp::reply::Response,)> {
        let this = self.clone();
        let page = warp::path("connect")
            .and(warp::path::end())
            .and(warp::header::optional::<String>("user-agent"))
            .map(move |agent: Option<String>| this.page(agent.as_deref()));
        let this = self.clone();
        let qr = warp::path!("connect" / "qr.svg").map(move || {
            let page = url(this.ip(), this.inner.listen.port(), false, PAGE_PATH);
            asset(page::qr_svg(&page), "image/svg+xml")
        });
        let css =
            warp::path!("connect" / "connect.css").map(|| asset(CSS, "text/css; charset=utf-8"));
        let icon = warp::path!("connect" / "icon.svg").map(|| asset(ICON, "image/svg+xml"));
        let tls = self.inner.tls.clone();
        let downloads = warp::path::full().and_then(move |path: FullPath| {
            let found = tls
                .as_ref()
                .and_then(Tls::authority)
                .and_then(|ca| profile::download(path.as_str(), ca));
            async move { found.ok_or_else(warp::reject::not_found) }
        });
        warp::get()
            .and(
                page.or(qr)
                    .unify()
                    .or(css)
                    .unify()
                    .or(icon)
                    .unify()
                    .or(downloads)
                    .unify(),
            )
            .boxed()
    }

    fn page(&self, agent: Option<&str>) -> warp::reply::Response {
        let inner = &self.inner;
        let port = inner.listen.port();
        let ip = self.ip();
        let view = page::View {
            address: self.address(),
            local: url_host(
                &format!("{}.local", names::host_label()),
                port,
                inner.tls.is_some(),
            ),
            page: url(ip, port, false, PAGE_PATH),
            host: names::host_label(),
            loopback_only: inner.listen.ip().is_loopback(),
            trust: match inner.tls.as_ref().map(Tls::authority) {
                None => page::Trust::Off,
                Some(None) => page::Trust::Own,
                Some(Some(ca)) => page::Trust::Authority(ca.fingerprint()),
            },
        };
        let mut response = Response::new(page::render(&view, agent)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(page::CSP),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        common_headers(response)
    }
}

/// What a plain-HTTP connection gets while TLS is on: `onboarding`'s routes, and for anything
/// else a temporary redirect to the same path over HTTPS on the same port.
#[must_use]
pub fn plain_routes(onboarding: &Onboarding) -> BoxedFilter<(warp::reply::Response,)> {
    let fallback = onboarding.address();
    let redirect = warp::header::optional::<String>("host")
        .and(warp::path::full())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .map(move |host: Option<String>, path: FullPath, query: String| {
            let authority = host
                .filter(|h| h.parse::<warp::http::uri::Authority>().is_ok())
                .unwrap_or_else(|| {
                    fallback
                        .trim_start_matches("https://")
                        .trim_end_matches('/')
                        .to_owned()
                });
            let query = if query.is_empty() {
                String::new()
            } else {
                format!("?{query}")
            };
            let location = format!("https://{authority}{}{query}", path.as_str());
            let mut response = Response::new(Bytes::new()).into_response();
            *response.status_mut() = StatusCode::TEMPORARY_REDIRECT;
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        });
    onboarding.routes().or(redirect).unify().boxed()
}

/// The address agents open for a server on `addr`, `https` when `secure`.
#[must_use]
pub fn agent_url(addr: SocketAddr, secure: bool) -> String {
    url(
        primary_ip(addr, Names::of_this_machine().lan_ips()),
        addr.port(),
        secure,
        "/",
    )
}

/// The onboarding page of a server on `addr`, always plain HTTP (a device that does not trust
/// the certificate yet must be able to open it).
#[must_use]
pub fn page_url(addr: SocketAddr) -> String {
    url(
        primary_ip(addr, Names::of_this_machine().lan_ips()),
        addr.port(),
        false,
        PAGE_PATH,
    )
}

/// The address to show for a server on `listen`: its own address, or on all interfaces the
/// routed one when it is among `candidates`, else the first candidate.
fn primary_ip(listen: SocketAddr, candidates: impl Iterator<Item = IpAddr>) -> IpAddr {
    if !listen.ip().is_unspecified() {
        return listen.ip();
    }
    let candidates: Vec<IpAddr> = candidates.filter(|ip| !ip.is_loopback()).collect();
    let routed = names::routed_ip().filter(|ip| candidates.contains(ip));
    routed
        .or_else(|| candidates.iter().find(|ip| ip.is_ipv4()).copied())
        .or_else(|| candidates.first().copied())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]))
}

fn url(ip: IpAddr, port: u16, secure: bool, path: &str) -> String {
    let scheme = if secure { "https" } else { "http" };
    format!("{scheme}://{}{path}", SocketAddr::new(ip, port))
}

fn url_host(host: &str, port: u16, secure: bool) -> String {
    let scheme = if secure { "https" } else { "http" };
    format!("{scheme}://{host}:{port}/")
}

fn asset(body: impl Into<Bytes>, content_type: &'static str) -> warp::reply::Response {
    let mut response = Response::new(body.into()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    common_headers(response)
}

fn common_headers(mut response: warp::reply::Response) -> warp::reply::Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}
