//! The agent page, compiled into the binary from `assets/web/`: each file served with its
//! content type, an `ETag` (a hash of its bytes) and `Cache-Control: no-cache`, so browsers keep
//! a copy and revalidate it with a 304 instead of downloading it again; and the security headers
//! every answer of the server carries (the page has no inline script or style, so its policy
//! allows none).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use include_dir::{Dir, include_dir};
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use warp::hyper::body::Bytes;
use warp::path::FullPath;
use warp::reply::Reply;

use crate::http::error::error_response;

static ASSETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets/web");

/// What a page of this server may load and run: its own scripts, styles, images, sound and
/// video (the messages' files under `/media/`) and sockets only (and images it drew itself, as
/// `blob:` URLs: the tab icon with its unread count), nothing inline, no plugins, and
/// no framing by any other page (against clickjacking).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' blob:; media-src 'self'; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to an answer: the content security policy (unless the answer
/// brings a stricter one of its own, as the device set-up page does), `X-Frame-Options`
/// for browsers that predate `frame-ancestors`, no referrer sent to other sites, no sniffing.
#[must_use]
pub fn with_security_headers(mut response: warp::reply::Response) -> warp::reply::Response {
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// One embedded file, ready to serve.
struct Asset {
    body: Bytes,
    content_type: &'static str,
    etag: HeaderValue,
}

/// The page's files by URL path (`/` is `index.html`).
#[derive(Clone)]
pub struct Assets {
    files: Arc<HashMap<String, Asset>>,
}

impl Assets {
    /// Indexes the embedded files, hashing each once.
    #[must_use]
    pub fn load() -> Self {
        let mut files = HashMap::new();
        collect(&ASSETS, &mut files);
        Self {
            files: Arc::new(files),
        }
    }

    fn answer(&self, path: &str, headers: &HeaderMap) -> Option<warp::reply::Response> {
        let key = if path == "/" { "/index.html" } else { path };
        let asset = self.files.get(key)?;
        let fresh = headers
            .get(header::IF_NONE_MATCH)
            .is_some_and(|tag| tag == asset.etag);
        let builder = Response::builder()
            .header(header::ETAG, asset.etag.clone())
            .header(header::CACHE_CONTROL, "no-cache");
        let response = if fresh {
            builder.status(StatusCode::NOT_MODIFIED).body(Bytes::new())
        } else {
            builder
                .header(header::CONTENT_TYPE, asset.content_type)
                .body(asset.body.clone())
        };
        response.ok().map(Reply::into_response)
    }
}

fn collect(dir: &'static Dir<'static>, files: &mut HashMap<String, Asset>) {
    for file in dir.files() {
        let path = format!("/{}", file.path().to_string_lossy().replace('\\', "/"));
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        file.contents().hash(&mut hasher);
        let etag = HeaderValue::from_str(&format!("\"{:016x}\"", hasher.finish()))
            .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
        files.insert(
            path.clone(),
            Asset {
                body: Bytes::from_static(file.contents()),
                content_type: content_type(&path),
                etag,
            },
        );
    }
    for sub in dir.dirs() {
        collect(sub, files);
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `GET` of any embedded file; other paths fall through to the JSON 404. The path is looked up
/// before the method, so a POST to an unknown path stays a 404.
#[must_use]
pub fn routes() -> BoxedFilter<(warp::reply::Response,)> {
    let assets = Assets::load();
    warp::path::full()
        .and(warp::method())
        .and(warp::header::headers_cloned())
        .and_then(move |path: FullPath, method: Method, headers: HeaderMap| {
            let found = match assets.answer(path.as_str(), &headers) {
                Some(_) if method != Method::GET && method != Method::HEAD => Some(error_response(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "METHOD_NOT_ALLOWED",
                    "Method not allowed",
                )),
                found => found,
            };
            async move { found.ok_or_else(warp::reject::not_found) }
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_has_a_type_and_a_tag() {
        let assets = Assets::load();
        let index = assets.answer("/", &HeaderMap::new()).unwrap();
        assert_eq!(
            index.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        let tag = index.headers()[header::ETAG].clone();
        let mut again = HeaderMap::new();
        again.insert(header::IF_NONE_MATCH, tag);
        assert_eq!(
            assets.answer("/", &again).unwrap().status(),
            StatusCode::NOT_MODIFIED
        );
        assert!(assets.answer("/nope.js", &HeaderMap::new()).is_none());
        assert_eq!(content_type("/js/app.js"), "text/javascript; charset=utf-8");
        let manifest = assets
            .answer("/manifest.webmanifest", &HeaderMap::new())
            .unwrap();
        assert_eq!(
            manifest.headers()[header::CONTENT_TYPE],
            "application/manifest+json"
        );
    }

    #[test]
    fn no_page_has_inline_script_or_style() {
        let assets = Assets::load();
        for (path, asset) in assets.files.iter() {
            let text = String::from_utf8_lossy(&asset.body).to_lowercase();
            if content_type(path).starts_with("text/html") {
                assert!(
                    !text.contains("<style") && !text.contains(" style="),
                    "{path}"
                );
                for script in text.split("<script").skip(1) {
                    let tag = script.split('>').next().unwrap_or_default();
                    assert!(tag.contains("src="), "{path}: an inline script");
                }
                let handler = |word: &str| text.contains(&format!(" on{word}="));
                assert!(
                    !["click", "load", "error", "submit"]
                        .into_iter()
                        .any(handler),
                    "{path}"
                );
            }
            if content_type(path).starts_with("text/javascript") {
                let attribute = [
                    "{ style:",
                    ", style:",
                    "\"style\":",
                    "setattribute(\"style\"",
                ];
                assert!(
                    !attribute.into_iter().any(|a| text.contains(a)),
                    "{path}: a style attribute"
                );
            }
        }
    }
}
