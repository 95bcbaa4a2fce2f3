//! Invites instead of passwords (PROTOCOL §10.13): an admin's invite is checked and redeemed once
//! by the person it is for, who then signs in with the password they chose; it expires, can be
//! revoked, and two redeems racing make one account; a reset invite changes the password and ends
//! the old sign-ins; and only admins make invites (that no code reaches a log is checked in
//! `invites_log`).

use std::time::Duration;

use pilito_box::storage::users::{self, Role};
use serde_json::{Value, json};

use crate::common::{PASSWORD, TestApp, spawn_app, spawn_with};

pub const CHOSEN: &str = "Juniper kettle 5520 meadow";

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut r = app.http.post(app.url(path)).json(body);
    if let Some(token) = token {
        r = r.bearer_auth(token);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn admin(app: &TestApp) -> String {
    let boss = app.user("boss", Role::Admin).await;
    app.token(boss.id).await
}

async fn invite(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, made) = post(app, "/api/v1/invites/", Some(token), &body).await;
    assert_eq!(status, 201, "{made}");
    made
}

fn code(made: &Value) -> String {
    made["code"].as_str().unwrap().to_owned()
}

async fn refused(app: &TestApp, path: &str, body: &Value) -> (u16, String) {
    let (status, answer) = post(app, path, None, body).await;
    (
        status,
        answer["error_code"].as_str().unwrap_or_default().to_owned(),
    )
}

fn redeem_body(code: &str, username: &str) -> Value {
    json!({"code": code, "username": username, "name": "Nika Rad", "password": CHOSEN})
}

#[tokio::test]
async fn an_invite_is_checked_redeemed_once_and_its_agent_signs_in() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let made = invite(&app, &token, json!({"kind": "agent"})).await;
    let code = code(&made);
    assert_eq!(code.len(), 32);
    assert!(code.chars().all(|c| c.is_ascii_hexdigit()));
    let link = made["link"].as_str().unwrap();
    assert_eq!(link, format!("http://{}/#/invite/{code}", app.addr));
    assert!(made["qr_svg"].as_str().unwrap().contains("<svg"));
    assert_eq!(
        (made["kind"].as_str(), made["role"].as_str()),
        (Some("agent"), Some("agent"))
    );

    let listed: Value = app
        .http
        .get(app.url("/api/v1/invites/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], made["id"]);
    assert!(
        !listed.to_string().contains(&code),
        "the list holds no code"
    );

    let (status, checked) = post(&app, "/api/v1/invites/check", None, &json!({"code": code})).await;
    assert_eq!(status, 200);
    assert_eq!(checked["kind"], "agent");
    assert_eq!(checked["business_name"], Value::Null);
    assert_eq!(checked["expires_at"], made["expires_at"]);

    let (status, signed_in) = post(
        &app,
        "/api/v1/invites/redeem",
        None,
        &redeem_body(&code, "nika"),
    )
    .await;
    assert_eq!(status, 200, "{signed_in}");
    assert!(signed_in["access_token"].is_string() && signed_in["refresh_token"].is_string());
    assert_eq!(signed_in["user_data"]["username"], "nika");
    assert_eq!(signed_in["user_data"]["first_name"], "Nika Rad");
    assert_eq!(signed_in["user_data"]["role"], "agent");
    let (status, _) = post(
        &app,
        "/api/v1/usr/login",
        None,
        &json!({"email_or_username": "nika", "password": CHOSEN}),
    )
    .await;
    assert_eq!(
        status, 200,
        "the agent signs in with the password they chose"
    );

    let again = refused(&app, "/api/v1/invites/redeem", &redeem_body(&code, "nika2")).await;
    assert_eq!(again, (410, "INVITE_USED".into()));
    let check = refused(&app, "/api/v1/invites/check", &json!({"code": code})).await;
    assert_eq!(check, (410, "INVITE_USED".into()));
}

#[tokio::test]
async fn two_redeems_racing_make_one_account() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let code = code(&invite(&app, &token, json!({"kind": "agent", "role": "admin"})).await);
    let (first, second) = (redeem_body(&code, "first"), redeem_body(&code, "second"));
    let (a, b) = tokio::join!(
        post(&app, "/api/v1/invites/redeem", None, &first),
        post(&app, "/api/v1/invites/redeem", None, &second),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 410], "{a:?} {b:?}");
    let all = app.state.store.read(users::list).await.unwrap();
    let made: Vec<_> = all
        .iter()
        .filter(|u| u.username == "first" || u.username == "second")
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(made[0].role, Role::Admin, "the invite's role");
}

#[tokio::test]
async fn an_invite_expires() {
    let app = spawn_with(|c| c.tokens.invite_ttl_secs = 1).await;
    let token = admin(&app).await;
    let code = code(&invite(&app, &token, json!({"kind": "agent"})).await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let check = refused(&app, "/api/v1/invites/check", &json!({"code": code})).await;
    assert_eq!(check, (410, "INVITE_EXPIRED".into()));
    let redeem = refused(&app, "/api/v1/invites/redeem", &redeem_body(&code, "late")).await;
    assert_eq!(redeem, (410, "INVITE_EXPIRED".into()));
}

#[tokio::test]
async fn revoked_unknown_and_malformed_codes_are_refused() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let made = invite(&app, &token, json!({"kind": "agent"})).await;
    let revoked = app
        .http
        .delete(app.url(&format!("/api/v1/invites/{}/", made["id"])))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let code = code(&made);
    let check = refused(&app, "/api/v1/invites/check", &json!({"code": code})).await;
    assert_eq!(check, (410, "INVITE_REVOKED".into()));
    let redeem = refused(&app, "/api/v1/invites/redeem", &redeem_body(&code, "x")).await;
    assert_eq!(redeem, (410, "INVITE_REVOKED".into()));
    let unknown = "0123456789abcdef0123456789abcdef";
    let check = refused(&app, "/api/v1/invites/check", &json!({"code": unknown})).await;
    assert_eq!(check, (404, "INVITE_UNKNOWN".into()));
    let check = refused(&app, "/api/v1/invites/check", &json!({"code": "short"})).await;
    assert_eq!(check, (400, "INVALID_INVITE".into()));
    let gone = app
        .http
        .delete(app.url("/api/v1/invites/999/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
    let (status, bad) = post(
        &app,
        "/api/v1/invites/",
        Some(&token),
        &json!({"kind": "boss"}),
    )
    .await;
    assert_eq!(
        (status, bad["error_code"].as_str()),
        (400, Some("INVALID_INVITE"))
    );
}

#[tokio::test]
async fn only_admins_make_or_list_invites() {
    let app = spawn_app().await;
    let (_, agent) = app.agent("sara").await;
    let (status, _) = post(
        &app,
        "/api/v1/invites/",
        Some(&agent),
        &json!({"kind": "agent"}),
    )
    .await;
    assert_eq!(status, 403);
    let list = app
        .http
        .get(app.url("/api/v1/invites/"))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 403);
    let (status, _) = post(&app, "/api/v1/invites/", None, &json!({"kind": "agent"})).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_reset_invite_changes_the_password_and_ends_the_old_sign_ins() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let (sara, old_token) = app.agent("sara").await;
    let made = invite(&app, &token, json!({"kind": "reset", "user_id": sara.id})).await;
    let code = code(&made);
    let (status, checked) = post(&app, "/api/v1/invites/check", None, &json!({"code": code})).await;
    assert_eq!(status, 200);
    assert_eq!(
        (checked["kind"].as_str(), checked["username"].as_str()),
        (Some("reset"), Some("sara"))
    );
    let (status, signed_in) = post(
        &app,
        "/api/v1/invites/redeem",
        None,
        &json!({"code": code, "password": CHOSEN}),
    )
    .await;
    assert_eq!(status, 200, "{signed_in}");
    assert_eq!(signed_in["user_data"]["id"], sara.id);
    let profile = app
        .http
        .get(app.url("/api/v1/usr/profile"))
        .bearer_auth(&old_token)
        .send()
        .await
        .unwrap();
    assert_eq!(profile.status(), 401, "the old token stopped working");
    let login = |password: &'static str| {
        let body = json!({"email_or_username": "sara", "password": password});
        let app = &app;
        async move { post(app, "/api/v1/usr/login", None, &body).await.0 }
    };
    assert_eq!(login(CHOSEN).await, 200);
    assert_eq!(login(PASSWORD).await, 400);
    let (status, _) = post(
        &app,
        "/api/v1/invites/",
        Some(&token),
        &json!({"kind": "reset", "user_id": 4242}),
    )
    .await;
    assert_eq!(status, 404, "a reset invite for nobody");
}
