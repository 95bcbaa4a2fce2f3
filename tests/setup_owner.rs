//! The owner's first visit (PROTOCOL §10.12): on the pilito-box computer the first admin chooses
//! their password instead of typing the printed one, once, with the answer of a sign-in; from
//! another address (a LAN address inside a network namespace, or a LAN client behind a trusted
//! proxy) it is refused; once an admin signed in with the printed password it is over.

use pilito_box::config::TlsMode;
use pilito_box::storage::users::Role;
use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app, spawn_with};
use crate::lan::{SERVER_IP, inside_a_namespace, on_all_interfaces};

const CHOSEN: &str = "Saffron lantern 4471 harbour";

async fn status(app: &TestApp, url: &str) -> Value {
    let r = app.http.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn choose(app: &TestApp, url: &str, body: &Value) -> (u16, Value, bool) {
    let r = app.http.post(url).json(body).send().await.unwrap();
    let status = r.status().as_u16();
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("HTTP_ACCESS=\"Bearer "));
    (status, r.json().await.unwrap(), cookie)
}

async fn login(app: &TestApp, name: &str, password: &str) -> (u16, Value) {
    let r = app
        .http
        .post(app.url("/api/v1/usr/login"))
        .json(&json!({"email_or_username": name, "password": password}))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn printed(app: &TestApp) -> (String, String) {
    app.first
        .admin
        .clone()
        .expect("the first start printed a password")
}

#[tokio::test]
async fn the_first_visit_from_this_computer_signs_the_owner_in_once() {
    let app = spawn_app().await;
    let url = app.url("/api/v1/setup/owner");
    let (name, old_password) = printed(&app);
    assert_eq!(
        status(&app, &url).await,
        json!({"needed": true, "here": true, "username": name})
    );

    let (code, weak, _) = choose(&app, &url, &json!({"password": "password1"})).await;
    assert_eq!(
        (code, weak["error_code"].as_str()),
        (400, Some("WEAK_PASSWORD"))
    );
    let foreign = app
        .http
        .post(&url)
        .header("origin", "http://evil.example")
        .json(&json!({"password": CHOSEN}))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let foreign: Value = foreign.json().await.unwrap();
    assert_eq!(foreign["error_code"], "ORIGIN_NOT_ALLOWED");

    let (code, chosen, cookie) =
        choose(&app, &url, &json!({"password": CHOSEN, "name": " Maryam "})).await;
    assert_eq!(code, 200, "{chosen}");
    assert!(cookie, "the sign-in cookie is set as by login");
    let (code, logged_in) = login(&app, &name, CHOSEN).await;
    assert_eq!(code, 200);
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&chosen), keys(&logged_in), "answers like login");
    assert_eq!(chosen["user_data"], logged_in["user_data"]);
    assert_eq!(chosen["user_data"]["first_name"], "Maryam");
    assert_eq!(chosen["user_data"]["role"], "admin");
    let profile = app
        .http
        .get(app.url("/api/v1/usr/profile"))
        .bearer_auth(chosen["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(profile.status(), 200, "its access token works");

    assert_eq!(
        login(&app, &name, &old_password).await.0,
        400,
        "the printed password stopped working"
    );
    let (code, again, _) = choose(&app, &url, &json!({"password": "Another 9981 pebble"})).await;
    assert_eq!(
        (code, again["error_code"].as_str()),
        (409, Some("SETUP_DONE"))
    );
    assert_eq!(status(&app, &url).await["needed"], false);
}

#[tokio::test]
async fn the_printed_password_signing_in_ends_the_first_visit() {
    let app = spawn_app().await;
    let url = app.url("/api/v1/setup/owner");
    let (name, password) = printed(&app);
    assert_eq!(login(&app, &name, &password).await.0, 200);
    assert_eq!(status(&app, &url).await["needed"], false);
    let (code, body, _) = choose(&app, &url, &json!({"password": CHOSEN})).await;
    assert_eq!(
        (code, body["error_code"].as_str()),
        (409, Some("SETUP_DONE"))
    );
    assert_eq!(
        login(&app, &name, &password).await.0,
        200,
        "the printed password keeps working"
    );
}

#[tokio::test]
async fn a_box_with_a_second_user_offers_no_first_visit() {
    let app = spawn_app().await;
    app.user("sara", Role::Agent).await;
    let url = app.url("/api/v1/setup/owner");
    assert_eq!(status(&app, &url).await["needed"], false);
    let (code, body, _) = choose(&app, &url, &json!({"password": CHOSEN})).await;
    assert_eq!(
        (code, body["error_code"].as_str()),
        (409, Some("SETUP_DONE"))
    );
}

#[tokio::test]
async fn a_lan_client_behind_a_trusted_proxy_is_not_here() {
    let app = spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let url = app.url("/api/v1/setup/owner");
    let r = app
        .http
        .get(&url)
        .header("x-forwarded-for", "192.168.1.20")
        .send()
        .await
        .unwrap();
    let seen: Value = r.json().await.unwrap();
    assert_eq!(
        (seen["needed"].as_bool(), seen["here"].as_bool()),
        (Some(true), Some(false))
    );
    let r = app
        .http
        .post(&url)
        .header("x-forwarded-for", "192.168.1.20")
        .json(&json!({"password": CHOSEN}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error_code"], "SETUP_LOOPBACK_ONLY");
    assert_eq!(status(&app, &url).await["needed"], true, "nothing changed");
}

#[tokio::test]
async fn from_a_lan_address_the_first_visit_is_refused() {
    if !inside_a_namespace(&format!(
        "{}::from_a_lan_address_the_first_visit_is_refused",
        module_path!()
    )) {
        return;
    }
    let app = on_all_interfaces(|c| c.tls.mode = TlsMode::Off).await;
    let lan = format!("http://{SERVER_IP}:{}/api/v1/setup/owner", app.addr.port());
    let seen = status(&app, &lan).await;
    assert_eq!(
        (seen["needed"].as_bool(), seen["here"].as_bool()),
        (Some(true), Some(false))
    );
    let (code, body, _) = choose(&app, &lan, &json!({"password": CHOSEN})).await;
    assert_eq!(
        (code, body["error_code"].as_str()),
        (403, Some("SETUP_LOOPBACK_ONLY"))
    );
    let here = format!("http://127.0.0.1:{}/api/v1/setup/owner", app.addr.port());
    assert_eq!(status(&app, &here).await["here"], true);
    app.stop().await;
}
