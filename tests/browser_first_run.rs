//! The whole first run in headless Chromium (issue #20), from an empty data folder with the
//! Telegram stand-in: the owner chooses a password on the first visit, works through the
//! checklist (the business's name, the bot token pasted into the Telegram step, an invite), an
//! agent redeems the invite in a second browser, a customer's "hello" arrives under the test
//! step and the owner's answer reaches the stand-in. The owner's clicks and typed fields are
//! counted (at most 15) and the path is timed; both are printed. Screenshots `first-run-*.png`.

use std::cell::Cell;
use std::time::{Duration, Instant};

use crate::browser_setup::{OWNER_PASSWORD, until_state};
use crate::common::botapi::{BotApi, TOKEN};
use crate::common::browser::Browser;
use crate::common::spawn_with;
use crate::common::views::browser;

const AGENT_PASSWORD: &str = "Saffron kettle 4410 harbour";
const ANSWER: &str = "Hello! How can we help?";

/// A browser whose clicks and typed fields are counted.
struct Counted<'a> {
    b: &'a Browser,
    clicks: Cell<u32>,
    fields: Cell<u32>,
}

impl<'a> Counted<'a> {
    fn new(b: &'a Browser) -> Self {
        Self {
            b,
            clicks: Cell::new(0),
            fields: Cell::new(0),
        }
    }

    async fn click(&self, css: &str) {
        self.clicks.set(self.clicks.get() + 1);
        self.b.click(css).await;
    }

    async fn type_in(&self, css: &str, text: &str) {
        self.fields.set(self.fields.get() + 1);
        self.b.type_in(css, text).await;
    }

    fn said(&self) -> String {
        let (clicks, fields) = (self.clicks.get(), self.fields.get());
        let words = |n: u32, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
        format!(
            "{} ({}, {})",
            clicks + fields,
            words(clicks, "click"),
            words(fields, "field")
        )
    }
}

#[tokio::test]
async fn from_an_empty_folder_to_the_first_customer_answered() {
    let bot = BotApi::start().await;
    let url = bot.url();
    let app = spawn_with(move |c| {
        c.telegram.api_url = url;
        c.telegram.poll_timeout_secs = 1;
        c.channels.retry_first_ms = 50;
        c.channels.retry_max_secs = 1;
    })
    .await;
    let base = format!("http://{}/", app.addr);
    let b = browser(1366, "en-US").await;
    let owner = Counted::new(&b);
    let started = Instant::now();

    b.go(&base).await;
    b.find("#owner-setup").await;
    b.screenshot("first-run-1-owner").await;
    owner.type_in("#owner-name", "Maryam Ahmadi").await;
    owner.type_in("#owner-password", OWNER_PASSWORD).await;
    owner.type_in("#owner-again", OWNER_PASSWORD).await;
    owner.click("#owner-setup button[type=submit]").await;
    b.find("#setup-page").await;
    until_state(&b, "password", "done").await;
    assert_eq!(
        b.eval("document.querySelector('#setup-owner_name').value")
            .await,
        "Maryam Ahmadi",
        "the name typed on the first visit is the profile's"
    );
    b.screenshot("first-run-2-checklist").await;

    owner.type_in("#setup-business_name", "Gol Shop").await;
    owner.click("#setup-profile-save").await;
    until_state(&b, "profile", "done").await;

    owner.type_in("#setup-telegram-token", TOKEN).await;
    owner.click("#setup-telegram-save").await;
    until_state(&b, "telegram", "done").await;
    let said = b
        .eval("document.querySelector('#setup-step-telegram').textContent")
        .await;
    assert!(
        said.as_str().unwrap().contains("@shop_bot"),
        "the step names the bot: {said}"
    );

    owner.click("#setup-invite").await;
    let link = b.invite_link().await;
    b.screenshot("first-run-3-invite").await;
    owner.click("#invite-done").await;
    until_state(&b, "team", "done").await;

    let a = browser(1366, "en-US").await;
    let agent = Counted::new(&a);
    a.go(&link).await;
    a.find("#join").await;
    agent.type_in("#join-name", "Nika Rad").await;
    agent.type_in("#join-username", "nika").await;
    agent.type_in("#join-password", AGENT_PASSWORD).await;
    agent.type_in("#join-again", AGENT_PASSWORD).await;
    agent.click("#join button[type=submit]").await;
    a.find("#conversation-list").await;
    let agent = agent.said();
    a.quit().await;

    // Every browser here runs on this computer: no other device can sign in, so the owner
    // skips the step a phone would complete.
    owner.click("#setup-toggle-device").await;
    until_state(&b, "device", "skipped").await;

    bot.text(4242, 1, "hello");
    b.until(
        "the customer's hello under the test step",
        "!document.querySelector('#setup-last-message').hidden && \
         document.querySelector('#setup-last-message .what').textContent === 'hello'",
    )
    .await;
    b.screenshot("first-run-4-hello").await;
    owner.click("#setup-answer").await;
    b.find("#messages").await;
    owner.type_in("#compose", ANSWER).await;
    owner.click("#send").await;
    let sent = bot.wait_sent(1, Duration::from_secs(10)).await;
    let took = started.elapsed();
    assert_eq!(
        (
            sent[0].method.as_str(),
            sent[0].chat_id.as_str(),
            sent[0].text.as_str()
        ),
        ("sendMessage", "4242", ANSWER)
    );

    b.go(&format!("{base}#/setup")).await;
    until_state(&b, "test", "done").await;
    b.until(
        "the checklist complete",
        "!document.querySelector('#setup-complete').hidden",
    )
    .await;
    b.screenshot("first-run-5-complete").await;
    eprintln!(
        "first run: the owner {}, the agent {}; {:.1} s from the first page to the answer at the stand-in",
        owner.said(),
        agent,
        took.as_secs_f64()
    );
    let total = owner.clicks.get() + owner.fields.get();
    assert!(total <= 15, "the owner needed {}", owner.said());
    b.quit().await;
}
