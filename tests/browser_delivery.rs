//! End to end with the channels backend (#13): the agent page against a webhook receiver run by
//! the test on loopback (a real HTTP server, answering as the test says). A reply goes from
//! "sending" to "sent" live through `message_status`; a refused one turns red with the reason
//! and Retry sends it again; an unreachable receiver shows "trying again at" and the admins'
//! banner; an image reply is shown from `/media/` and opens full size; a file over the upload
//! cap says the cap; the Channels page sets a webhook up (secret shown once) and tests it.
//! These need the backend of the channels contract: on a server without it they fail.

use std::sync::{Arc, Mutex};

use pilito_box::storage::users::Role;
use serde_json::{Value, json};
use tokio::sync::watch;
use warp::Filter;
use warp::http::StatusCode;
use warp::reply::Reply;

use crate::common::browser::Browser;
use crate::common::{PASSWORD, TestApp, spawn_app};

fn base(app: &TestApp) -> String {
    format!("http://{}/", app.addr)
}

/// How the receiver answers the deliveries it gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    /// Keeps the request open until told otherwise.
    Hold,
    Accept,
    /// 400 with a short body: a receiver that will not take this message.
    Refuse,
}

/// A webhook receiver: every delivery's `X-Pilito-Delivery` and body, answered as `answer` says.
struct Receiver {
    url: String,
    answer: watch::Sender<Answer>,
    hits: Arc<Mutex<Vec<(String, Value)>>>,
}

impl Receiver {
    async fn start(first: Answer) -> Self {
        let (answer, rx) = watch::channel(first);
        let hits = Arc::new(Mutex::new(Vec::new()));
        let seen = hits.clone();
        let route = warp::post()
            .and(warp::header::optional::<String>("x-pilito-delivery"))
            .and(warp::body::json::<Value>())
            .then(move |delivery: Option<String>, body: Value| {
                let mut rx = rx.clone();
                let seen = seen.clone();
                async move {
                    seen.lock()
                        .unwrap()
                        .push((delivery.unwrap_or_default(), body));
                    let now = *rx.wait_for(|a| *a != Answer::Hold).await.unwrap();
                    if now == Answer::Refuse {
                        warp::reply::with_status("no such customer", StatusCode::BAD_REQUEST)
                            .into_response()
                    } else {
                        warp::reply::with_status("ok", StatusCode::OK).into_response()
                    }
                }
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(warp::serve(route).incoming(listener).run());
        Self { url, answer, hits }
    }

    fn message_deliveries(&self) -> Vec<String> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, body)| body["event"] == "message")
            .map(|(id, _)| id.clone())
            .collect()
    }
}

async fn set_webhook(app: &TestApp, admin: i64, url: &str) {
    let token = app.token(admin).await;
    let r = app
        .http
        .put(app.url("/api/v1/channels/webhook/"))
        .bearer_auth(token)
        .json(&json!({ "url": url }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
}

/// A customer of the webhook channel (`source = api`) writes; returns the conversation.
async fn api_customer(app: &TestApp, source_id: &str, text: &str) -> String {
    app.inbound_conversation("api", source_id, "Negar", text)
        .await
}

async fn open(app: &TestApp, name: &str, conv: &str) -> Browser {
    let b = Browser::start(1280, 800).await;
    b.sign_in(&base(app), name, PASSWORD).await;
    b.go(&format!("{}#/inbox/{conv}", base(app))).await;
    b.until(
        "the history",
        "document.querySelectorAll('#messages .msg').length >= 1",
    )
    .await;
    b
}

async fn reply(b: &Browser, text: &str) {
    b.type_in("#compose", &format!("{text}\u{E007}")).await;
}

const REPLY: &str = "#messages .msg.support:not([data-id^=local])";

#[tokio::test]
async fn a_reply_goes_from_sending_to_sent_live() {
    let app = spawn_app().await;
    let sara = app.user("sara", Role::Admin).await;
    let receiver = Receiver::start(Answer::Hold).await;
    set_webhook(&app, sara.id, &receiver.url).await;
    let conv = api_customer(&app, "crm-1", "When does it ship?").await;
    let b = open(&app, "sara", &conv).await;
    reply(&b, "Tomorrow morning.").await;
    b.until(
        "the reply marked as being sent",
        &format!("document.querySelector('{REPLY}')?.dataset.delivery === 'pending'"),
    )
    .await;
    assert_eq!(
        b.eval(&format!(
            "document.querySelector('{REPLY} .tick.pending').title"
        ))
        .await,
        "Sending…"
    );
    b.screenshot("delivery-pending").await;
    receiver.answer.send(Answer::Accept).unwrap();
    b.until(
        "the reply marked sent, without a reload",
        &format!("document.querySelector('{REPLY}')?.dataset.delivery === 'completed'"),
    )
    .await;
    assert_eq!(
        b.eval(&format!(
            "document.querySelector('{REPLY} .tick.completed').title"
        ))
        .await,
        "Sent"
    );
    b.screenshot("delivery-sent").await;
    assert_eq!(receiver.message_deliveries().len(), 1);
    b.quit().await;
}

#[tokio::test]
async fn a_refused_reply_says_why_and_retry_sends_it() {
    let app = spawn_app().await;
    let sara = app.user("sara", Role::Admin).await;
    app.user("reza", Role::Agent).await;
    let receiver = Receiver::start(Answer::Refuse).await;
    set_webhook(&app, sara.id, &receiver.url).await;
    let conv = api_customer(&app, "crm-2", "Send me the receipt").await;
    let b = open(&app, "reza", &conv).await;
    reply(&b, "Here it is.").await;
    b.until(
        "the reply marked failed with the reason",
        &format!(
            "document.querySelector('{REPLY}')?.dataset.delivery === 'failed' && \
             document.querySelector('{REPLY} .delivery.failed .reason')?.textContent.length > 0"
        ),
    )
    .await;
    let red = b
        .eval(&format!(
            "getComputedStyle(document.querySelector('{REPLY}')).borderTopColor"
        ))
        .await;
    assert_eq!(red, "rgb(198, 40, 40)", "a failed reply is clearly red");
    b.screenshot("delivery-failed").await;
    receiver.answer.send(Answer::Accept).unwrap();
    b.click(&format!("{REPLY} .retry-delivery")).await;
    b.until(
        "the reply sent on Retry",
        &format!("document.querySelector('{REPLY}')?.dataset.delivery === 'completed'"),
    )
    .await;
    let deliveries = receiver.message_deliveries();
    assert_eq!(deliveries.len(), 2, "{deliveries:?}");
    assert_eq!(
        deliveries[0], deliveries[1],
        "a retry is the same delivery to the receiver"
    );
    b.quit().await;
}

#[tokio::test]
async fn an_unreachable_receiver_shows_the_next_attempt_and_the_banner() {
    let app = spawn_app().await;
    let sara = app.user("sara", Role::Admin).await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    set_webhook(&app, sara.id, &format!("http://{closed}/hook")).await;
    let conv = api_customer(&app, "crm-3", "Hello?").await;
    let b = open(&app, "sara", &conv).await;
    reply(&b, "Hello Negar.").await;
    b.until(
        "the reply waiting for its next attempt",
        &format!(
            "document.querySelector('{REPLY}')?.dataset.delivery === 'retrying' && \
             document.querySelector('{REPLY} .delivery.retrying').textContent.includes('trying again at')"
        ),
    )
    .await;
    b.go(&format!("{}#/customers", base(&app))).await;
    b.until(
        "the banner, with a link to Channels",
        "!document.querySelector('#channel-trouble').hidden && \
         document.querySelector('#channel-trouble').textContent.includes('Webhook') && \
         document.querySelector('#channel-trouble a[href=\"#/channels\"]')",
    )
    .await;
    b.screenshot("channel-banner").await;
    b.quit().await;
}

/// A 40×30 PNG drawn by the page itself, pasted into the composer.
const PASTE_IMAGE: &str = "(() => { const c = document.createElement('canvas'); c.width = 40; c.height = 30; \
    const g = c.getContext('2d'); g.fillStyle = '#1f6f5c'; g.fillRect(0, 0, 40, 30); \
    c.toBlob((blob) => { const dt = new DataTransfer(); \
      dt.items.add(new File([blob], 'receipt.png', { type: 'image/png' })); \
      document.querySelector('#compose').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true })); \
    }, 'image/png'); return 1; })()";

#[tokio::test]
async fn an_image_reply_is_shown_from_media_and_opens_full_size() {
    let app = spawn_app().await;
    let sara = app.user("sara", Role::Admin).await;
    let receiver = Receiver::start(Answer::Accept).await;
    set_webhook(&app, sara.id, &receiver.url).await;
    let conv = api_customer(&app, "crm-4", "Show me").await;
    let b = open(&app, "sara", &conv).await;
    b.type_in("#compose", "رسید پرداخت").await;
    b.eval(PASTE_IMAGE).await;
    let image = format!("{REPLY} .media.image img");
    b.until(
        "the stored image, loaded with the sign-in cookie",
        &format!(
            "document.querySelector('{image}')?.complete && document.querySelector('{image}').naturalWidth === 40"
        ),
    )
    .await;
    assert_eq!(
        b.eval(&format!(
            "document.querySelector('{REPLY} .text').textContent"
        ))
        .await,
        "رسید پرداخت",
        "the composer's text is the caption"
    );
    b.until(
        "the image reply delivered",
        &format!("document.querySelector('{REPLY}')?.dataset.delivery === 'completed'"),
    )
    .await;
    b.click(&format!("{REPLY} .media.image")).await;
    b.until(
        "the full-size viewer",
        "document.querySelector('#image-viewer')?.open",
    )
    .await;
    b.screenshot("image-reply").await;
    let hits = receiver.hits.lock().unwrap().clone();
    let link = hits
        .iter()
        .find(|(_, body)| body["event"] == "message")
        .map(|(_, body)| body["message"]["media_url"].clone());
    assert!(
        link.as_ref()
            .and_then(Value::as_str)
            .is_some_and(|l| l.contains("sig=")),
        "{link:?}"
    );
    b.quit().await;
}

#[tokio::test]
async fn a_file_over_the_upload_cap_says_the_cap() {
    let app = spawn_app().await;
    app.user("sara", Role::Agent).await;
    let conv = api_customer(&app, "crm-5", "Send the catalogue").await;
    let b = open(&app, "sara", &conv).await;
    b.eval(
        "(() => { const dt = new DataTransfer(); \
           dt.items.add(new File([new Uint8Array(21 * 1048576)], 'catalogue.pdf', { type: 'application/pdf' })); \
           document.querySelector('#chat-pane').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })); \
           return 1; })()",
    )
    .await;
    b.until(
        "the refusal",
        "document.querySelector('#messages .upload.failed .reason')",
    )
    .await;
    let words = b
        .eval("document.querySelector('#messages .upload.failed .reason').textContent")
        .await;
    let words = words.as_str().unwrap();
    assert!(words.contains("too large"), "{words}");
    assert!(words.contains("20 MB"), "{words}");
    b.quit().await;
}

#[tokio::test]
async fn the_channels_page_sets_up_a_webhook_and_tests_it() {
    let app = spawn_app().await;
    app.user("sara", Role::Admin).await;
    let receiver = Receiver::start(Answer::Accept).await;
    let b = Browser::start(1280, 800).await;
    b.sign_in(&base(&app), "sara", PASSWORD).await;
    b.go(&format!("{}#/channels", base(&app))).await;
    b.until(
        "the Telegram card, off",
        "document.querySelector('#telegram-state')?.textContent === 'Not connected'",
    )
    .await;
    b.type_in("#telegram-token", "not-a-token\u{E007}").await;
    b.until(
        "the token refused in plain words",
        "document.querySelector('#channels-message').textContent.includes('copy it again from @BotFather')",
    )
    .await;

    b.type_in("#webhook-url", &format!("{}\u{E007}", receiver.url))
        .await;
    b.until(
        "the new secret, shown once",
        "document.querySelector('#webhook-secret-value')?.value.length >= 16",
    )
    .await;
    let secret = b
        .eval("document.querySelector('#webhook-secret-value').value")
        .await;
    let secret = secret.as_str().unwrap().to_owned();
    b.find("#webhook-copy").await;
    b.until(
        "the webhook's state and secret hint",
        "document.querySelector('#webhook-hint')?.textContent.startsWith('…')",
    )
    .await;
    let hint = b
        .eval("document.querySelector('#webhook-hint').textContent")
        .await;
    assert!(
        secret.ends_with(hint.as_str().unwrap().trim_start_matches('…')),
        "{hint} is the end of the secret"
    );
    b.screenshot("channels-webhook-secret").await;
    b.find("#webhook-test").await.click().await.unwrap();
    b.until(
        "the test event's answer",
        "document.querySelector('#webhook-result').textContent.includes('200')",
    )
    .await;
    assert!(
        receiver
            .hits
            .lock()
            .unwrap()
            .iter()
            .any(|(_, body)| body["event"] == "test")
    );
    b.client.refresh().await.unwrap();
    b.until(
        "the page again, the secret no longer shown",
        "document.querySelector('#webhook-hint') && document.querySelector('#webhook-secret').hidden",
    )
    .await;
    let page = b.client.source().await.unwrap();
    assert!(!page.contains(&secret), "the secret is not shown again");
    b.quit().await;
}
