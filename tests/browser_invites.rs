//! The owner's first visit and invites in headless Chromium: on an empty box the owner chooses
//! their password instead of the printed one, invites an agent from the Administration page, and
//! the agent opens the link in a second browser, chooses name and password and lands signed in
//! on the inbox; axe finds nothing serious on the first-visit and join pages. Screenshots
//! `invites-{owner,dialog,admin,join}-{desktop,phone}-{en,fa}.png`.

use serde_json::json;

use crate::common::axe;
use crate::common::browser::Browser;
use crate::common::views::browser;
use crate::common::{TestApp, spawn_app, spawn_with};

const OWNER_PASSWORD: &str = "Copper willow 8812 lantern";
const AGENT_PASSWORD: &str = "Meadow piano 3307 thistle";

fn base(app: &TestApp) -> String {
    format!("http://{}/", app.addr)
}

/// Chooses the owner's password on the first visit and waits for the setup checklist it opens.
async fn first_visit(b: &Browser, app: &TestApp, shot: &str) {
    b.go(&base(app)).await;
    b.find("#owner-setup").await;
    assert_eq!(
        b.eval("[document.activeElement.id, document.activeElement.value]")
            .await,
        serde_json::json!(["owner-name", ""]),
        "the owner's name comes first, not prefilled with the user name"
    );
    b.until("the language applied", "document.documentElement.lang")
        .await;
    b.screenshot(shot).await;
    b.type_in("#owner-name", "Maryam Ahmadi").await;
    b.type_in("#owner-password", OWNER_PASSWORD).await;
    b.type_in("#owner-again", OWNER_PASSWORD).await;
    b.click("#owner-setup button[type=submit]").await;
    b.find("#setup-page").await;
}

/// Opens the invite dialog from Administration; returns the link it shows.
async fn invite_from_the_page(b: &Browser, app: &TestApp, shot: &str) -> String {
    b.go(&format!("{}#/admin", base(app))).await;
    b.click("#invite-agent").await;
    let link = b.invite_link().await;
    b.screenshot(shot).await;
    assert!(
        link.starts_with(&format!("{}#/invite/", base(app))),
        "{link}"
    );
    b.click("#invite-done").await;
    b.until(
        "the pending invite listed",
        "document.querySelectorAll('#invite-rows tr').length === 1",
    )
    .await;
    b.screenshot(&shot.replace("dialog", "admin")).await;
    link
}

#[tokio::test]
async fn the_owner_invites_an_agent_who_joins_from_another_browser() {
    let app = spawn_app().await;
    let owner = browser(1366, "en-US").await;
    first_visit(&owner, &app, "invites-owner-desktop-en").await;
    let link = invite_from_the_page(&owner, &app, "invites-dialog-desktop-en").await;

    let agent = browser(1366, "en-US").await;
    agent.go(&link).await;
    agent.find("#join").await;
    assert_eq!(
        agent
            .eval("document.querySelector('#join h1').textContent")
            .await,
        "Join the team"
    );
    agent.screenshot("invites-join-desktop-en").await;
    agent.type_in("#join-name", "Nika Rad").await;
    agent.type_in("#join-username", "nika").await;
    agent.type_in("#join-password", AGENT_PASSWORD).await;
    agent.type_in("#join-again", AGENT_PASSWORD).await;
    agent.click("#join button[type=submit]").await;
    agent.find("#conversation-list").await;
    assert_eq!(
        agent
            .eval("JSON.parse(localStorage.getItem('pilito-box.session')).user.username")
            .await,
        "nika"
    );
    assert_eq!(
        agent.eval("location.hash").await,
        "#/inbox",
        "lands on the inbox"
    );
    agent.go(&link).await;
    agent.find("#join-refused").await;
    assert_eq!(
        agent
            .eval("document.querySelector('#join-why').dataset.code")
            .await,
        "INVITE_USED"
    );
    agent.quit().await;

    owner.go(&format!("{}#/inbox", base(&app))).await;
    owner.go(&format!("{}#/admin", base(&app))).await;
    owner
        .until(
            "the new agent listed, no invite waiting",
            "document.querySelector('#user-rows tr[data-user=nika]') && \
             document.querySelectorAll('#invite-rows tr').length === 0",
        )
        .await;
    owner.quit().await;
}

#[tokio::test]
async fn the_first_visit_invite_and_join_pages_on_phones_and_in_persian() {
    let source = axe::source();
    let mut found = Vec::new();
    for (width, lang, form) in [
        (1366, "fa", "desktop"),
        (390, "en-US", "phone"),
        (390, "fa", "phone"),
    ] {
        let app = spawn_app().await;
        let code = if lang == "fa" { "fa" } else { "en" };
        let b = browser(width, lang).await;
        b.go(&base(&app)).await;
        b.find("#owner-setup").await;
        found.extend(
            axe::serious(&b, &source)
                .await
                .into_iter()
                .map(|v| format!("{form} {code} owner: {v}")),
        );
        first_visit(&b, &app, &format!("invites-owner-{form}-{code}")).await;
        let link = invite_from_the_page(&b, &app, &format!("invites-dialog-{form}-{code}")).await;
        b.go(&link).await;
        b.find("#join").await;
        found.extend(
            axe::serious(&b, &source)
                .await
                .into_iter()
                .map(|v| format!("{form} {code} join: {v}")),
        );
        b.screenshot(&format!("invites-join-{form}-{code}")).await;
        let overflow = b
            .eval("document.documentElement.scrollWidth > document.documentElement.clientWidth")
            .await;
        assert_eq!(
            overflow, false,
            "{form} {code}: nothing wider than the screen"
        );
        b.quit().await;
    }
}

#[tokio::test]
async fn from_another_computer_the_sign_in_form_says_where_the_owner_chooses() {
    let app = spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let b = browser(1366, "en-US").await;
    b.cdp("Network.enable", json!({})).await;
    b.cdp(
        "Network.setExtraHTTPHeaders",
        json!({"headers": {"X-Forwarded-For": "192.168.1.20"}}),
    )
    .await;
    b.go(&base(&app)).await;
    b.find("#signin #owner-elsewhere").await;
    assert_eq!(
        b.eval("document.querySelector('#owner-setup')").await,
        serde_json::Value::Null,
        "no password form away from the box"
    );
    b.screenshot("invites-owner-elsewhere-desktop-en").await;
    b.quit().await;
}
