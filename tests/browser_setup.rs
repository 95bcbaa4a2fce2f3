//! The setup checklist page (`#/setup`, issue #20) in headless Chromium: the owner's first visit
//! lands on it; the profile form saves and its step turns done live, the menu's "N of 6" badge
//! following; a bad bot token is refused under its field; a step is skipped and resumed with the
//! focus kept; a customer's message arrives live under the test step while typed text stays; the
//! team button opens the invite dialog; "Put away" goes to the inbox. axe finds nothing serious
//! in Persian and English, desktop and phone. Screenshots `setup-{desktop,phone}-{en,fa}.png` and
//! `setup-laptop-fa.png` (900 px).

use crate::common::axe;
use crate::common::browser::Browser;
use crate::common::views::browser;
use crate::common::{TestApp, spawn_app};

pub const OWNER_PASSWORD: &str = "Copper willow 8812 lantern";

fn base(app: &TestApp) -> String {
    format!("http://{}/", app.addr)
}

/// Chooses the owner's password on the first visit; the checklist opens instead of the inbox.
async fn first_visit(b: &Browser, app: &TestApp) {
    b.go(&base(app)).await;
    b.find("#owner-setup").await;
    b.type_in("#owner-name", "Maryam Ahmadi").await;
    b.type_in("#owner-password", OWNER_PASSWORD).await;
    b.type_in("#owner-again", OWNER_PASSWORD).await;
    b.click("#owner-setup button[type=submit]").await;
    b.find("#setup-page").await;
    assert_eq!(b.eval("location.hash").await, "#/setup");
    b.until(
        "the checklist drawn",
        "document.querySelector('#setup-toggle-profile').textContent",
    )
    .await;
}

/// The state the page shows for `step`.
async fn state(b: &Browser, step: &str) -> String {
    let v = b
        .eval(&format!(
            "document.querySelector('#setup-step-{step}').dataset.state"
        ))
        .await;
    v.as_str().unwrap().to_owned()
}

/// Waits until the page shows `step` in `want`.
pub async fn until_state(b: &Browser, step: &str, want: &str) {
    b.until(
        &format!("{step} {want}"),
        &format!("document.querySelector('#setup-step-{step}').dataset.state === '{want}'"),
    )
    .await;
}

#[tokio::test]
async fn the_owner_works_through_the_checklist_live() {
    let app = spawn_app().await;
    let b = browser(1366, "en-US").await;
    first_visit(&b, &app).await;
    assert_eq!(
        state(&b, "password").await,
        "done",
        "chosen on the first visit"
    );
    assert_eq!(state(&b, "profile").await, "todo");
    let badge = "document.querySelector('#setup-count').textContent";
    b.until("the badge", &format!("{badge} === '1 of 6'")).await;
    let steps = b
        .eval("[...document.querySelectorAll('#setup-steps > li')].map((li) => li.dataset.step).join()")
        .await;
    assert_eq!(steps, "profile,password,telegram,team,device,test");

    b.find("#setup-owner_name").await.clear().await.unwrap();
    b.type_in("#setup-owner_name", "Maryam").await;
    let data = app
        .inbound("telegram", "100", "Ali", "Hello from my phone")
        .await;
    let conversation = data["conversation_id"].as_str().unwrap().to_owned();
    b.until(
        "the customer's message shown live",
        "!document.querySelector('#setup-last-message').hidden && \
         document.querySelector('#setup-last-message').textContent.includes('Hello from my phone')",
    )
    .await;
    assert_eq!(
        b.eval("[document.activeElement.id, document.activeElement.value]")
            .await,
        serde_json::json!(["setup-owner_name", "Maryam"]),
        "the typed name and the focus stay while the page changes"
    );
    assert_eq!(
        b.eval("document.querySelector('#setup-last-message .who').textContent")
            .await,
        "Ali"
    );
    assert_eq!(
        b.eval("document.querySelector('#setup-answer').getAttribute('href')")
            .await,
        format!("#/inbox/{conversation}").as_str()
    );

    b.type_in("#setup-business_name", "Gol Shop").await;
    b.click("#setup-profile-save").await;
    until_state(&b, "profile", "done").await;
    b.until("the badge counts it", &format!("{badge} === '2 of 6'"))
        .await;
    let r = app
        .http
        .get(app.url("/api/v1/setup/"))
        .bearer_auth(
            b.eval("JSON.parse(localStorage.getItem('pilito-box.session')).access")
                .await
                .as_str()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let saved: serde_json::Value = r.json().await.unwrap();
    assert_eq!(saved["details"]["owner_name"], "Maryam");
    assert_eq!(saved["details"]["business_name"], "Gol Shop");

    b.type_in("#setup-telegram-token", "not-a-token").await;
    b.click("#setup-telegram-save").await;
    b.until(
        "the refusal under the token field",
        "document.querySelector('#setup-telegram-why').textContent.includes('token')",
    )
    .await;
    assert_eq!(
        b.eval("[document.querySelector('#setup-error').textContent, document.querySelector('#setup-telegram-token').value]")
            .await,
        serde_json::json!(["", "not-a-token"]),
        "the refusal stands by the field, which keeps what was typed"
    );
    b.click("#setup-toggle-telegram").await;
    until_state(&b, "telegram", "skipped").await;
    assert_eq!(
        b.eval("[document.activeElement.id, document.activeElement.textContent]")
            .await,
        serde_json::json!(["setup-toggle-telegram", "Resume"]),
        "the button turns into Resume and keeps the focus"
    );
    b.click("#setup-toggle-telegram").await;
    until_state(&b, "telegram", "todo").await;

    b.click("#setup-invite").await;
    b.invite_link().await;
    b.click("#invite-done").await;
    until_state(&b, "team", "done").await;
    b.until("the badge counts it", &format!("{badge} === '3 of 6'"))
        .await;

    b.click("#setup-answer").await;
    b.find("#messages").await;
    assert_eq!(
        b.eval("location.hash").await,
        format!("#/inbox/{conversation}").as_str()
    );
    b.client.refresh().await.unwrap();
    b.find("#conversation-list").await;
    assert_eq!(
        b.eval("location.hash").await,
        format!("#/inbox/{conversation}").as_str(),
        "a reload is not a sign-in: it stays where it was"
    );

    b.go(&format!("{}#/setup", base(&app))).await;
    b.click("#setup-dismiss").await;
    b.until("back on the inbox", "location.hash === '#/inbox'")
        .await;
    assert_eq!(
        b.eval("document.querySelector('#setup-link').hidden").await,
        false,
        "put away, the checklist stays in the menu"
    );
    b.quit().await;
}

#[tokio::test]
async fn the_checklist_in_persian_and_english_on_desktops_and_phones() {
    let source = axe::source();
    let mut found = Vec::new();
    for (width, lang, form) in [
        (1366, "fa", "desktop"),
        (1366, "en-US", "desktop"),
        (900, "fa", "laptop"),
        (390, "fa", "phone"),
        (390, "en-US", "phone"),
    ] {
        let app = spawn_app().await;
        let code = if lang == "fa" { "fa" } else { "en" };
        let b = browser(width, lang).await;
        first_visit(&b, &app).await;
        if code == "fa" {
            assert_eq!(
                b.eval("[document.documentElement.dir, document.querySelector('#setup-progress').textContent]")
                    .await,
                serde_json::json!(["rtl", "۱ از ۶ گام انجام شده"]),
                "right to left, Persian digits"
            );
        }
        found.extend(
            axe::serious(&b, &source)
                .await
                .into_iter()
                .map(|v| format!("{form} {code}: {v}")),
        );
        b.screenshot(&format!("setup-{form}-{code}")).await;
        let overflow = b
            .eval("document.documentElement.scrollWidth > document.documentElement.clientWidth")
            .await;
        assert_eq!(
            overflow, false,
            "{form} {code}: nothing wider than the screen"
        );
        b.quit().await;
    }
    assert!(found.is_empty(), "axe: {found:#?}");
}
