//! The agent page against a hostile page elsewhere: every answer carries a content security
//! policy (nothing inline, nothing from other origins), refuses to be framed and sends no
//! referrer; and the page itself runs under that policy in a real Chromium without a violation.

use pilito_box::storage::users::Role;
use serde_json::Value;

use crate::common::browser::Browser;
use crate::common::{PASSWORD, spawn_app};

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let page = app.http.get(app.url("/")).send().await.unwrap();
    let etag = page.headers()["etag"].clone();
    let mut answers = vec![("/".to_owned(), page)];
    for path in [
        "/app.css",
        "/js/app.js",
        "/icon.svg",
        "/no-such-page",
        "/api/v1/health",
    ] {
        answers.push((
            path.into(),
            app.http.get(app.url(path)).send().await.unwrap(),
        ));
    }
    let revalidated = app
        .http
        .get(app.url("/"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);
    answers.push(("/ (304)".into(), revalidated));
    for (path, answer) in &answers {
        let header = |name: &str| {
            answer
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{path} has no {name}"))
                .to_owned()
        };
        let csp = header("content-security-policy");
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "img-src 'self'",
            "media-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
    }
}

#[tokio::test]
async fn the_page_runs_under_its_policy_and_cannot_be_framed() {
    let app = spawn_app().await;
    app.user("sara", Role::Admin).await;
    let base = format!("http://{}/", app.addr);
    let b = Browser::start(1280, 800).await;
    b.sign_in(&base, "sara", PASSWORD).await;
    b.eval(
        "(window.violations = [], document.addEventListener('securitypolicyviolation', (e) => \
         window.violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`)), 1)",
    )
    .await;
    let views = [
        ("customers", "#customer-rows"),
        ("admin", "#user-rows"),
        ("logs", "#log-download"),
        ("channels", "#channels-message"),
        ("inbox", "#conversation-list"),
    ];
    for (view, shown) in views {
        b.client.goto(&format!("{base}#/{view}")).await.unwrap();
        b.find(shown).await;
    }
    b.until(
        "the empty list",
        "document.getElementById('conversation-list')?.textContent.includes('No conversations match')",
    )
    .await;
    b.eval(
        "(window.framed = document.createElement('iframe'), window.framed.src = '/', \
         document.body.append(window.framed), 1)",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let violations = b.eval("window.violations").await;
    assert_eq!(
        violations,
        Value::Array(vec![]),
        "the page broke its own policy"
    );
    let styled = b.eval("document.querySelectorAll('[style]').length").await;
    assert_eq!(
        styled, 0,
        "an inline style attribute is blocked by the policy"
    );
    let framed = b
        .eval("Boolean(window.framed.contentDocument?.getElementById('app'))")
        .await;
    assert_eq!(framed, false, "the page let itself be framed");
    b.screenshot("under-csp").await;
    b.quit().await;
}
