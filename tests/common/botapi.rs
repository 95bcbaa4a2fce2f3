//! A stand-in for the Telegram Bot API on loopback, following its public documentation
//! (<https://core.telegram.org/bots/api>): `POST /bot<token>/<method>` answering
//! `{"ok": true, "result": …}` or `{"ok": false, "error_code", "description", "parameters"}`,
//! `getUpdates` with `offset` (confirming every update below it) and `timeout` (long polling),
//! `getFile` and the download path `/file/bot<token>/<file_path>`. The test drives it: it queues
//! updates and files, scripts the answers to sends, and reads what the bot sent.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::Notify;
use warp::Filter;
use warp::http::StatusCode;
use warp::reply::Reply;

/// A token of the right shape.
pub const TOKEN: &str = "777000:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ";

/// How the stand-in answers the next send.
#[derive(Debug, Clone)]
pub enum Answer {
    Ok,
    /// `{"ok": false, …}` with this code, description and `retry_after`.
    Error(u16, &'static str, Option<u64>),
    /// A bare status without JSON (a proxy's 502).
    Bare(u16),
}

/// One send the bot made.
#[derive(Debug, Clone)]
pub struct Sent {
    pub method: String,
    pub chat_id: String,
    /// `text`, or `caption` for files.
    pub text: String,
    /// The raw multipart body of a file send.
    pub body: Bytes,
}

#[derive(Default)]
struct State {
    updates: Vec<Value>,
    next_update: i64,
    offsets: Vec<i64>,
    sent: Vec<Sent>,
    script: VecDeque<Answer>,
    /// Answer every send with this until cleared.
    always: Option<Answer>,
    /// Every method answers a bare 502, as when the way to Telegram is down.
    down: bool,
    files: HashMap<String, (String, Bytes)>,
    next_message: i64,
}

/// The running stand-in.
#[derive(Clone)]
pub struct BotApi {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
    arrived: Arc<Notify>,
}

fn ok(result: &Value) -> warp::reply::Response {
    warp::reply::json(&json!({"ok": true, "result": result})).into_response()
}

fn error(code: u16, description: &str, retry_after: Option<u64>) -> warp::reply::Response {
    let mut body = json!({"ok": false, "error_code": code, "description": description});
    if let Some(after) = retry_after {
        body["parameters"] = json!({"retry_after": after});
    }
    let status = StatusCode::from_u16(code).unwrap();
    warp::reply::with_status(warp::reply::json(&body), status).into_response()
}

fn field(body: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let marker = format!("name=\"{name}\"\r\n\r\n");
    let start = text.find(&marker)? + marker.len();
    let end = text[start..].find("\r\n")? + start;
    Some(text[start..end].to_owned())
}

impl BotApi {
    /// Starts it on a free loopback port.
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State {
            next_update: 1,
            next_message: 5000,
            ..State::default()
        }));
        let arrived = Arc::new(Notify::new());
        let (s, a) = (state.clone(), arrived.clone());
        let route = warp::path::tail()
            .and(warp::body::bytes())
            .and(warp::header::optional::<String>("content-type"))
            .then(
                move |tail: warp::path::Tail, body: Bytes, ct: Option<String>| {
                    let (s, a) = (s.clone(), a.clone());
                    async move { handle(&s, &a, tail.as_str(), &body, ct.as_deref()).await }
                },
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(warp::serve(route).incoming(listener).run());
        Self {
            addr,
            state,
            arrived,
        }
    }

    /// Its base URL, for `telegram.api_url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    /// Queues an update whose `message` (or `edited_message`) is `message`; returns its id.
    pub fn push(&self, kind: &str, message: &Value) -> i64 {
        let id = self.with(|s| {
            let id = s.next_update;
            s.next_update += 1;
            s.updates.push(json!({"update_id": id, kind: message}));
            id
        });
        self.arrived.notify_waiters();
        id
    }

    /// Queues a private text message from chat `chat`; returns the update id.
    pub fn text(&self, chat: i64, message_id: i64, text: &str) -> i64 {
        self.push(
            "message",
            &private(chat, message_id, &json!({"text": text})),
        )
    }

    /// Makes a file available to `getFile` and its download.
    pub fn file(&self, file_id: &str, path: &str, bytes: &[u8]) {
        let bytes = Bytes::copy_from_slice(bytes);
        self.with(|s| s.files.insert(file_id.into(), (path.into(), bytes)));
    }

    /// The next sends get these answers (then `Ok`).
    pub fn script(&self, answers: &[Answer]) {
        self.with(|s| s.script.extend(answers.iter().cloned()));
    }

    /// Every send gets `answer` until this is called with `None`.
    pub fn always(&self, answer: Option<Answer>) {
        self.with(|s| s.always = answer);
    }

    /// Every call (`getUpdates` too) gets a bare 502 while `down`.
    pub fn down(&self, down: bool) {
        self.with(|s| s.down = down);
    }

    /// What the bot sent successfully so far.
    pub fn sent(&self) -> Vec<Sent> {
        self.with(|s| s.sent.clone())
    }

    /// Every offset `getUpdates` was called with.
    pub fn offsets(&self) -> Vec<i64> {
        self.with(|s| s.offsets.clone())
    }

    /// Waits until `n` sends succeeded; panics after `wait`.
    pub async fn wait_sent(&self, n: usize, wait: Duration) -> Vec<Sent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let sent = self.sent();
            if sent.len() >= n {
                return sent;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "only {} of {n} sends arrived: {sent:?}",
                sent.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A private-chat message object.
pub fn private(chat: i64, message_id: i64, extra: &Value) -> Value {
    let mut m = json!({
        "message_id": message_id, "date": 1_764_583_200,
        "chat": {"id": chat, "type": "private", "first_name": "Reza", "username": "reza_k"},
        "from": {"id": chat, "is_bot": false, "first_name": "Reza", "last_name": "K",
                 "username": "reza_k"},
    });
    for (k, v) in extra.as_object().unwrap() {
        m[k] = v.clone();
    }
    m
}

async fn handle(
    state: &Mutex<State>,
    arrived: &Notify,
    path: &str,
    body: &[u8],
    content_type: Option<&str>,
) -> warp::reply::Response {
    if let Some(rest) = path.strip_prefix("file/bot") {
        let Some((token, file_path)) = rest.split_once('/') else {
            return error(404, "Not Found", None);
        };
        if token != TOKEN {
            return error(401, "Unauthorized", None);
        }
        let found = state
            .lock()
            .unwrap()
            .files
            .values()
            .find(|(p, _)| p == file_path)
            .map(|(_, b)| b.clone());
        return match found {
            Some(bytes) => warp::reply::Response::new(bytes.into()),
            None => error(404, "Not Found", None),
        };
    }
    let Some((token, method)) = path.strip_prefix("bot").and_then(|p| p.split_once('/')) else {
        return error(404, "Not Found", None);
    };
    if token != TOKEN {
        return error(401, "Unauthorized", None);
    }
    if state.lock().unwrap().down {
        return warp::reply::with_status("<html>Bad Gateway</html>", StatusCode::BAD_GATEWAY)
            .into_response();
    }
    let multipart = content_type.is_some_and(|t| t.starts_with("multipart/"));
    let params: Value = if multipart {
        json!({
            "chat_id": field(body, "chat_id"),
            "caption": field(body, "caption").unwrap_or_default(),
        })
    } else {
        serde_json::from_slice(body).unwrap_or(json!({}))
    };
    match method {
        "getMe" => ok(&json!({"id": 777_000, "is_bot": true, "first_name": "Shop",
                             "username": "shop_bot"})),
        "getUpdates" => get_updates(state, arrived, &params).await,
        "getFile" => {
            let id = params["file_id"].as_str().unwrap_or_default();
            let found = state.lock().unwrap().files.get(id).cloned();
            match found {
                Some((path, bytes)) => ok(&json!({"file_id": id, "file_unique_id": id,
                                                 "file_size": bytes.len(), "file_path": path})),
                None => error(400, "Bad Request: invalid file_id", None),
            }
        }
        "sendMessage" | "sendPhoto" | "sendDocument" => {
            let mut s = state.lock().unwrap();
            let answer = s
                .always
                .clone()
                .or_else(|| s.script.pop_front())
                .unwrap_or(Answer::Ok);
            match answer {
                Answer::Error(code, description, after) => error(code, description, after),
                Answer::Bare(code) => warp::reply::with_status(
                    "<html>Bad Gateway</html>",
                    StatusCode::from_u16(code).unwrap(),
                )
                .into_response(),
                Answer::Ok if too_long(method, &params) => {
                    error(400, "Bad Request: message is too long", None)
                }
                Answer::Ok => {
                    s.next_message += 1;
                    let id = s.next_message;
                    let chat_id = match &params["chat_id"] {
                        Value::String(c) => c.clone(),
                        other => other.to_string(),
                    };
                    let text = params["text"]
                        .as_str()
                        .or(params["caption"].as_str())
                        .unwrap_or_default()
                        .to_owned();
                    s.sent.push(Sent {
                        method: method.to_owned(),
                        chat_id: chat_id.clone(),
                        text: text.clone(),
                        body: Bytes::copy_from_slice(body),
                    });
                    ok(&json!({"message_id": id, "date": 1, "text": text,
                              "chat": {"id": chat_id, "type": "private"}}))
                }
            }
        }
        _ => error(404, "Not Found: method not found", None),
    }
}

/// Whether a send breaks Telegram's documented limits: `text` 1-4096 characters, `caption`
/// 0-1024, counted in UTF-16 code units as Telegram does.
fn too_long(method: &str, params: &Value) -> bool {
    let units = |key: &str| params[key].as_str().map_or(0, |t| t.encode_utf16().count());
    if method == "sendMessage" {
        units("text") > 4096
    } else {
        units("caption") > 1024
    }
}

async fn get_updates(
    state: &Mutex<State>,
    arrived: &Notify,
    params: &Value,
) -> warp::reply::Response {
    let offset = params["offset"].as_i64().unwrap_or(0);
    let timeout = params["timeout"].as_u64().unwrap_or(0).min(5);
    let take = |s: &mut State| {
        s.updates
            .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
        s.updates.clone()
    };
    let notified = arrived.notified();
    let now = {
        let mut s = state.lock().unwrap();
        s.offsets.push(offset);
        take(&mut s)
    };
    if !now.is_empty() || timeout == 0 {
        return ok(&Value::Array(now));
    }
    let _ = tokio::time::timeout(Duration::from_secs(timeout), notified).await;
    let later = take(&mut state.lock().unwrap());
    ok(&Value::Array(later))
}
