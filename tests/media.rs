//! `GET /media/<file>`: a stored file reaches signed-in users (header or the page's cookie) and
//! the holder of a signed link, with its type, ranges and private caching; nobody else, and no
//! name reaches outside the media folder. Files here are saved through the server's own media
//! store, as the channels save them.

use bytes::Bytes;
use reqwest::StatusCode;

use crate::common::{TestApp, spawn_app};

async fn saved(app: &TestApp, body: &'static [u8], content_type: &str) -> String {
    app.state
        .media
        .save_bytes(
            Bytes::from_static(body),
            Some("x"),
            Some(content_type),
            None,
        )
        .await
        .unwrap()
        .media_file
}

#[tokio::test]
async fn a_signed_in_agent_gets_the_file_and_a_stranger_does_not() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let name = saved(&app, b"\xff\xd8\xff\xe0jpeg-bytes", "image/jpeg").await;
    let url = app.url(&format!("/media/{name}"));

    let anonymous = app.http.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = anonymous.json().await.unwrap();
    assert_eq!(body["error_code"], "AUTH_REQUIRED", "{body}");

    let forged = app
        .http
        .get(&url)
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);

    let got = app.http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    let headers = got.headers().clone();
    assert_eq!(headers["content-type"], "image/jpeg");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.get("content-disposition").is_none());
    assert_eq!(
        got.bytes().await.unwrap().as_ref(),
        b"\xff\xd8\xff\xe0jpeg-bytes"
    );

    let cookie = format!("HTTP_ACCESS=\"Bearer {token}\"");
    let by_cookie = app
        .http
        .get(&url)
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), StatusCode::OK);
}

#[tokio::test]
async fn video_seeks_by_range_and_documents_download() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    let video = saved(&app, b"0123456789", "video/mp4").await;
    let part = app
        .http
        .get(app.url(&format!("/media/{video}")))
        .bearer_auth(&token)
        .header("range", "bytes=2-5")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-type"], "video/mp4");
    assert_eq!(part.bytes().await.unwrap().as_ref(), b"2345");

    let pdf = saved(&app, b"%PDF-1.4", "application/pdf").await;
    let doc = app
        .http
        .get(app.url(&format!("/media/{pdf}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(doc.status(), StatusCode::OK);
    assert_eq!(doc.headers()["content-disposition"], "attachment");
    let csp = doc.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("sandbox"), "{csp}");
}

#[tokio::test]
async fn no_name_reaches_outside_the_media_folder() {
    let app = spawn_app().await;
    let (_, token) = app.agent("sara").await;
    for path in [
        "/media/..%2Fsecret.key",
        "/media/../secret.key",
        "/media/%2E%2E/%2E%2E/secret.key",
        "/media/2026/12/..%2F..%2F..%2Fsecret.key",
        "/media/secret.key",
        "/media/",
        "/media/2026/12/abcdefghijkmnopqrstuvw.jpg",
    ] {
        let refused = app
            .http
            .get(app.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{path}");
        let body: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(body["error_code"], "NOT_FOUND", "{path}: {body}");
    }
}

#[tokio::test]
async fn a_signed_link_opens_one_file_without_signing_in() {
    let app = spawn_app().await;
    let first = saved(&app, b"one", "image/png").await;
    let second = saved(&app, b"two", "image/png").await;
    let link = app.state.media.signed_url(&first, 60);
    let got = app.http.get(app.url(&link)).send().await.unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().await.unwrap().as_ref(), b"one");

    let query = link.split_once('?').unwrap().1;
    let other = app
        .http
        .get(app.url(&format!("/media/{second}?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = other.json().await.unwrap();
    assert_eq!(body["error_code"], "LINK_INVALID", "{body}");
}
