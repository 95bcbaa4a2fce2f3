//! The agent page's channel parts in a real headless Chromium, against whatever server this is:
//! the Channels page (admins only, saying so when the server has no channels), the language
//! switch (Persian right to left, English), a reply that goes nowhere beyond pilito-box having
//! no delivery mark, and a file sent from the composer (dropped or pasted) either stored or
//! refused with the reason (its caption kept with it, and given back when it is removed).
//! Screenshots go to `target/screenshots/`.

use pilito_box::storage::users::Role;
use serde_json::json;

use crate::common::browser::Browser;
use crate::common::{PASSWORD, TestApp, spawn_app};

fn base(app: &TestApp) -> String {
    format!("http://{}/", app.addr)
}

/// A customer message from `source`; returns its conversation.
async fn inbound(app: &TestApp, source: &str, source_id: &str, text: &str) -> String {
    app.inbound_conversation(source, source_id, "Negar", text)
        .await
}

#[tokio::test]
async fn the_channels_page_is_for_admins_and_speaks_persian_or_english() {
    let app = spawn_app().await;
    app.user("sara", Role::Admin).await;
    app.user("reza", Role::Agent).await;
    let b = Browser::start(1280, 800).await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    assert_eq!(b.eval("document.documentElement.dir").await, "ltr");
    b.click("nav a[href='#/channels']").await;
    b.until(
        "the Channels page, or its word that this server has none",
        "document.querySelector('#telegram-state')?.textContent === 'Not connected' || \
         document.querySelector('#channels-message')?.textContent.includes('does not have channels yet')",
    )
    .await;
    let none = b
        .eval("document.querySelector('#channels-message').textContent !== ''")
        .await;
    if none == true {
        assert_eq!(
            b.eval("document.querySelector('.channels .cards').hidden")
                .await,
            true,
            "no controls that cannot work"
        );
    } else {
        assert_eq!(
            b.eval("document.querySelector('#telegram-token').type")
                .await,
            "password"
        );
        assert_eq!(
            b.eval("document.querySelector('#telegram-test').disabled")
                .await,
            true
        );
    }
    assert_eq!(
        b.eval("document.querySelector('#channel-trouble').hidden")
            .await,
        true,
        "nothing is wrong with channels nobody set up"
    );
    b.screenshot("channels").await;

    b.find("#language").await.click().await.unwrap();
    b.until(
        "the page in Persian, right to left",
        "document.documentElement.lang === 'fa' && document.documentElement.dir === 'rtl' && \
         document.querySelector('nav a[href=\"#/channels\"]')?.textContent === 'کانال‌ها'",
    )
    .await;
    b.until(
        "the Channels page in Persian",
        "document.querySelector('.channels h1')?.textContent === 'کانال‌ها'",
    )
    .await;
    let side = b
        .eval("getComputedStyle(document.querySelector('.channels h1')).textAlign")
        .await;
    assert_eq!(side, "start", "{side}");
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('.channels h1')).direction")
            .await,
        "rtl"
    );
    b.screenshot("channels-fa").await;
    b.find("#language").await.click().await.unwrap();
    b.until(
        "English again",
        "document.documentElement.dir === 'ltr' && document.querySelector('nav a[href=\"#/channels\"]')?.textContent === 'Channels'",
    )
    .await;
    b.quit().await;

    let agent = Browser::start(1280, 800).await;
    agent.sign_in(&base(&app), "reza", PASSWORD).await;
    assert_eq!(
        agent
            .eval("document.querySelector(\"nav a[href='#/channels']\") === null")
            .await,
        true,
        "agents have no Channels link"
    );
    agent
        .client
        .goto(&format!("{}#/channels", base(&app)))
        .await
        .unwrap();
    agent.find("#conversation-list").await;
    assert_eq!(
        agent
            .eval("document.querySelector('.channels') === null")
            .await,
        true
    );
    agent.quit().await;
}

#[tokio::test]
async fn a_reply_going_nowhere_has_no_delivery_mark() {
    let app = spawn_app().await;
    app.user("sara", Role::Agent).await;
    let conv = inbound(&app, "unknown", "u-1", "hello").await;
    let b = Browser::start(1280, 800).await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    b.go(&format!("{}#/inbox/{conv}", base(&app))).await;
    b.until(
        "the history",
        "document.querySelectorAll('#messages .msg').length === 1",
    )
    .await;
    b.type_in("#compose", "Thanks, noted.\u{E007}").await;
    b.until(
        "the reply stored",
        "document.querySelector('#messages .msg.support')?.dataset.state === 'sent'",
    )
    .await;
    assert_eq!(
        b.eval(
            "[document.querySelector('#messages .msg.support').dataset.delivery ?? null, \
                document.querySelectorAll('#messages .msg.support .tick').length, \
                document.querySelector('#messages .msg.support .tick').classList.contains('saved')]"
        )
        .await,
        json!([null, 1, true]),
        "one 'saved' tick and no delivery state"
    );
    b.quit().await;
}

/// A 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

#[tokio::test]
async fn a_file_from_the_composer_is_sent_or_refused_with_the_reason() {
    let app = spawn_app().await;
    app.user("sara", Role::Agent).await;
    let conv = inbound(&app, "unknown", "u-7", "Can you send the invoice?").await;
    let b = Browser::start(1280, 800).await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    b.go(&format!("{}#/inbox/{conv}", base(&app))).await;
    b.until(
        "the history",
        "document.querySelectorAll('#messages .msg').length === 1",
    )
    .await;
    b.find("#attach").await;
    b.type_in("#compose", "فاکتور آبان").await;
    b.eval(
        "(() => { const dt = new DataTransfer(); \
           dt.items.add(new File([new Uint8Array(48213)], 'invoice.pdf', { type: 'application/pdf' })); \
           document.querySelector('#chat-pane').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })); \
           return 1; })()",
    )
    .await;
    b.until(
        "the upload refused or the file stored",
        "document.querySelector('#messages .upload.failed') || document.querySelector('#messages .msg.has-media:not([data-id^=local]) .file')",
    )
    .await;
    let refused = b
        .eval("Boolean(document.querySelector('#messages .upload.failed'))")
        .await;
    if refused == true {
        let words = b
            .eval("document.querySelector('#messages .upload.failed').textContent")
            .await;
        let words = words.as_str().unwrap();
        assert!(words.contains("invoice.pdf"), "{words}");
        assert!(words.contains("47 KB"), "{words}");
        assert!(
            words.contains("This pilito-box cannot take files yet"),
            "{words}"
        );
        assert_eq!(
            b.eval("document.querySelector('#messages .upload.failed').closest('.msg').querySelector('.text').textContent")
                .await,
            "فاکتور آبان",
            "the caption stays with the file, for Retry"
        );
        assert_eq!(b.eval("document.querySelector('#compose').value").await, "");
        b.screenshot("attachment-refused").await;
        b.click("#messages .upload.failed .dismiss").await;
        b.until(
            "the refused file gone, its caption back in the box",
            "document.querySelectorAll('#messages .msg').length === 1 && \
             document.querySelector('#compose').value === 'فاکتور آبان'",
        )
        .await;
    } else {
        let chip = b
            .eval("document.querySelector('#messages .msg.has-media .file').textContent")
            .await;
        assert!(chip.as_str().unwrap().contains("invoice.pdf"), "{chip}");
        assert_eq!(
            b.eval("document.querySelector('#messages .msg.has-media .text')?.textContent")
                .await,
            "فاکتور آبان"
        );
    }

    b.eval(&format!(
        "(() => {{ const bytes = Uint8Array.from(atob('{PNG}'), (c) => c.charCodeAt(0)); \
           const dt = new DataTransfer(); dt.items.add(new File([bytes], 'pasted.png', {{ type: 'image/png' }})); \
           document.querySelector('#compose').dispatchEvent(new ClipboardEvent('paste', {{ clipboardData: dt, bubbles: true, cancelable: true }})); \
           return 1; }})()"
    ))
    .await;
    b.until(
        "the pasted image refused or shown",
        "document.querySelector('#messages .upload.failed') || document.querySelector('#messages .msg:not([data-id^=local]) .media.image img')",
    )
    .await;
    b.quit().await;
}
