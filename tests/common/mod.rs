//! The test harness: a real server on port 0 with a temporary data folder, and real clients.

#![allow(dead_code)]

pub mod axe;
pub mod botapi;
pub mod browser;
pub mod client;
pub mod process;
pub mod system;
pub mod tls;
pub mod views;

use std::net::SocketAddr;
use std::time::Duration;

use pilito_box::auth::{TokenKind, passwords};
use pilito_box::config::{Config, Synchronous};
use pilito_box::server::{App, FirstStart};
use pilito_box::state::AppState;
use pilito_box::storage::conversations;
use pilito_box::storage::customers::{self, NewCustomer};
use pilito_box::storage::users::{self, NewUser, Role, UserRow};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use client::Client;

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery";

/// A running server.
pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub dir: TempDir,
    pub http: reqwest::Client,
    /// What the first start created: the first admin and their printed password.
    pub first: FirstStart,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// A server with the default configuration.
pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

/// A server whose configuration `tweak` adjusted.
pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    start(dir, tweak).await
}

/// A server on an existing data folder (to test restarts).
pub async fn start(dir: TempDir, tweak: impl FnOnce(&mut Config)) -> TestApp {
    start_at(dir, ([127, 0, 0, 1], 0).into(), tweak).await
}

/// A server on an existing data folder and a given address (to restart on the same port).
pub async fn start_at(dir: TempDir, addr: SocketAddr, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let mut config = Config {
        data_dir: dir.path().to_owned(),
        ..Config::default()
    };
    config.storage.synchronous = Synchronous::Normal;
    config.limits.handshakes_per_minute = 100_000;
    config.limits.handshake_burst = 10_000;
    tweak(&mut config);
    let listener = pilito_box::server::bind(addr, &config).expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (mut app, first) = App::open(config).await.expect("open");
    app.secure_for(addr).expect("TLS");
    let state = app.state().clone();
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        app.serve(listener, async {
            let _ = rx.await;
        })
        .await
        .expect("serve");
    });
    TestApp {
        addr,
        state,
        dir,
        http: http_client(),
        first,
        shutdown: Some(tx),
        task: Some(task),
    }
}

impl TestApp {
    /// A customer's message through `POST /api/v1/message/inbound` with the integration key;
    /// returns the reply's `data` (conversation and customer ids).
    pub async fn inbound(
        &self,
        source: &str,
        source_id: &str,
        first_name: &str,
        text: &str,
    ) -> serde_json::Value {
        let body = serde_json::json!({"source": source, "source_id": source_id,
                                      "first_name": first_name, "content": text});
        self.inbound_body(&body).await
    }

    /// [`TestApp::inbound`] with the whole body given (a last name, a username…).
    pub async fn inbound_body(&self, body: &serde_json::Value) -> serde_json::Value {
        let r = self
            .http
            .post(self.url("/api/v1/message/inbound"))
            .header("x-integration-key", self.state.integration_key.to_string())
            .json(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let mut reply: serde_json::Value = r.json().await.unwrap();
        reply["data"].take()
    }

    /// [`TestApp::inbound`], returning the conversation it went to.
    pub async fn inbound_conversation(
        &self,
        source: &str,
        source_id: &str,
        first_name: &str,
        text: &str,
    ) -> String {
        let data = self.inbound(source, source_id, first_name, text).await;
        data["conversation_id"].as_str().unwrap().to_owned()
    }

    /// Stops the server gracefully and returns its data folder.
    pub async fn stop(mut self) -> TempDir {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(20), task)
                .await
                .expect("server stopped in time")
                .expect("server task");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        std::mem::replace(&mut self.dir, dir)
    }

    /// Stops the server abruptly, as a crash would: no graceful shutdown, nothing cleaned up.
    pub async fn crash(mut self) -> TempDir {
        self.shutdown.take();
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        std::mem::replace(&mut self.dir, dir)
    }

    /// Whether the database says `user_id` is online.
    pub async fn is_online(&self, user_id: i64) -> bool {
        self.state
            .store
            .read(move |c| users::get(c, user_id))
            .await
            .expect("user")
            .is_online
    }

    /// Creates a user with [`PASSWORD`].
    pub async fn user(&self, name: &str, role: Role) -> UserRow {
        let hash = passwords::hash(PASSWORD).expect("hash");
        let new = NewUser {
            username: name.to_owned(),
            email: Some(format!("{name}@example.test")),
            password_hash: hash,
            role,
            first_name: Some(capitalize(name)),
            last_name: None,
        };
        self.state
            .store
            .write(move |c| users::insert(c, &new))
            .await
            .expect("user")
    }

    /// An agent and an access token for them.
    pub async fn agent(&self, name: &str) -> (UserRow, String) {
        let user = self.user(name, Role::Agent).await;
        let token = self.token(user.id).await;
        (user, token)
    }

    /// A fresh access token.
    pub async fn token(&self, user_id: i64) -> String {
        self.state
            .auth
            .issue(user_id, TokenKind::Access, None)
            .await
            .expect("token")
    }

    /// A new customer with a conversation; returns the conversation id.
    pub async fn conversation(&self, customer: &str) -> String {
        let name = customer.to_owned();
        self.state
            .store
            .write(move |c| {
                let customer = customers::insert(
                    c,
                    &NewCustomer {
                        first_name: Some(name),
                        source: "telegram".into(),
                        ..NewCustomer::default()
                    },
                )?;
                Ok(conversations::insert(c, &customer, "telegram", None)?.id)
            })
            .await
            .expect("conversation")
    }

    /// Assigns `conversation` to `user_id` through the REST route, as the holder of `token`.
    pub async fn assign(&self, conversation: &str, token: &str, user_id: i64) {
        let reply = self
            .http
            .patch(self.url(&format!(
                "/api/v1/message/conversation/{conversation}/assign/"
            )))
            .bearer_auth(token)
            .json(&serde_json::json!({ "user_id": user_id }))
            .send()
            .await
            .expect("assign");
        assert!(reply.status().is_success(), "assign: {}", reply.status());
    }

    /// `ws://…/path?token=…`.
    pub fn ws_url(&self, path: &str, token: Option<&str>) -> String {
        match token {
            Some(t) => format!("ws://{}{path}?token={t}", self.addr),
            None => format!("ws://{}{path}", self.addr),
        }
    }

    /// `http://…/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Opens a chat socket and reads `connection_established`, `chat_viewers` when others
    /// are viewing, and `recent_messages`.
    pub async fn chat(&self, conversation: &str, token: &str) -> Client {
        let mut client =
            Client::connect(&self.ws_url(&format!("/ws/chat/{conversation}/"), Some(token)))
                .await
                .expect("connect");
        let welcome = client.recv().await;
        assert_eq!(welcome["type"], "connection_established", "{welcome}");
        let mut recent = client.recv().await;
        if recent["type"] == "chat_viewers" {
            recent = client.recv().await;
        }
        assert_eq!(recent["type"], "recent_messages", "{recent}");
        client
    }
}

/// A reqwest builder. reqwest is built with rustls and no crypto provider of its own (the
/// product hands it ring, never aws-lc-rs), so test clients get ring as the process default.
pub fn http_builder() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

/// A default reqwest client (see [`http_builder`]).
pub fn http_client() -> reqwest::Client {
    http_builder().build().expect("HTTP client")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// Signs arbitrary claims with the workspace secret (to forge tokens the server must refuse).
pub fn sign_with_secret(
    dir: &std::path::Path,
    alg: jsonwebtoken::Algorithm,
    claims: &serde_json::Value,
) -> String {
    let hex = std::fs::read_to_string(dir.join("secret.key")).expect("secret");
    let hex = hex.trim();
    let secret: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(alg),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(&secret),
    )
    .expect("sign")
}
