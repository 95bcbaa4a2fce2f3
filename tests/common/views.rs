//! Every view of the agent page, on a server filled the way a shop's is: Persian and English
//! customers, a conversation with both directions in it, an agent beside the admin, a saved
//! reply. The phone, language and accessibility tests walk the same list.

use serde_json::json;

use pilito_box::storage::users::Role;

use super::browser::{Browser, Launch};
use super::{PASSWORD, TestApp};

/// A view: its name in screenshots, the address after `#/` and a script true once it is drawn.
pub struct View {
    pub name: &'static str,
    pub hash: String,
    pub ready: &'static str,
}

/// A server with something on every view, and the conversation the chat view opens.
pub struct Shop {
    pub conversation: String,
}

/// An iPhone's user agent, for phone emulation.
pub const PHONE_AGENT: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) \
                               AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 \
                               Mobile/15E148 Safari/604.1";

/// A browser of `width` CSS pixels (a phone when under 600) speaking `lang` first.
pub async fn browser(width: u32, lang: &str) -> Browser {
    let phone = (width < 600).then_some((width, 844, PHONE_AGENT));
    let launch = Launch {
        phone,
        lang: Some(lang.to_owned()),
        ..Launch::default()
    };
    Browser::launch(width.max(600), 900, launch).await
}

/// Fills `app`: admin `sara`, agent `reza`, two customers, messages both ways, a saved reply.
pub async fn open_shop(app: &TestApp) -> Shop {
    let sara = app.user("sara", Role::Admin).await;
    app.user("reza", Role::Agent).await;
    let body = json!({"source": "telegram", "source_id": "100", "first_name": "مریم",
                      "last_name": "احمدی", "username": "maryam_ahmadi",
                      "content": "سلام، سفارش من کی می‌رسد؟ شماره سفارش 10234 است."});
    let data = app.inbound_body(&body).await;
    let conversation = data["conversation_id"].as_str().unwrap().to_owned();
    app.inbound("telegram", "200", "Ali", "Do you ship to Istanbul?")
        .await;
    let sara = app.token(sara.id).await;
    let r = app
        .http
        .post(app.url("/api/v1/saved-replies/"))
        .bearer_auth(&sara)
        .json(&json!({"shortcut": "ship", "content": "ارسال به همه شهرها ۲ تا ۴ روز کاری است."}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let mut chat = app.chat(&conversation, &sara).await;
    chat.send(json!({"type": "chat_message", "content": "سلام مریم جان، فردا ارسال می‌شود."}))
        .await;
    chat.recv_type("chat_message").await;
    Shop { conversation }
}

/// Every view an admin can open.
pub fn views(shop: &Shop) -> Vec<View> {
    let view = |name, hash: &str, ready| View {
        name,
        hash: hash.to_owned(),
        ready,
    };
    vec![
        view(
            "inbox",
            "inbox",
            "document.querySelectorAll('#conversation-list .item').length === 2",
        ),
        View {
            name: "chat",
            hash: format!("inbox/{}", shop.conversation),
            ready: "document.querySelectorAll('#messages .msg').length >= 2",
        },
        view(
            "customers",
            "customers",
            "document.querySelectorAll('#customer-rows tr').length === 2",
        ),
        view(
            "channels",
            "channels",
            "document.querySelector('.page.channels .cards')",
        ),
        view("admin", "admin", "document.querySelector('#add-user')"),
        view(
            "replies",
            "replies",
            "document.querySelector('#saved-reply-rows .reply-row')",
        ),
        view("logs", "logs", "document.querySelector('.page.logs')"),
        view(
            "connections",
            "connections",
            "document.querySelector('.page.connections')",
        ),
        view(
            "account",
            "account",
            "document.querySelector('#change-password')",
        ),
        view(
            "setup",
            "setup",
            "document.querySelector('#setup-toggle-profile')?.textContent",
        ),
    ]
}

/// Signs `b` in as sara at `base` and opens `view` on it.
pub async fn open(b: &Browser, base: &str, view: &View) {
    b.go(&format!("{base}#/{}", view.hash)).await;
    b.until(view.name, view.ready).await;
}

/// Signs sara in.
pub async fn sign_in(b: &Browser, base: &str) {
    b.sign_in(base, "sara", PASSWORD).await;
}
