//! What one fuzz input does, shared by the cargo-fuzz targets (`tests/fuzz/fuzz_targets/`) and
//! the bounded fuzz test that `cargo test` runs (`tests/fuzzing.rs`).
//!
//! - [`client_frame`]: the bytes as a client text frame, through every feed's decoder and the
//!   checks a decoded request meets next (message rules, pagination, list filters). Any panic is
//!   a bug; every refusal must carry a message.
//! - [`Rest`]: the bytes as a request body (or query string) for one of the REST routes chosen by
//!   the first byte, through the real routes with a real database. Any panic or any 5xx other
//!   than 507 is a bug, and every refusal must be a JSON error naming a code.

#![allow(dead_code)]

use pilito_box::protocol::client::{ChatRequest, DecodeError, Request, decode};
use pilito_box::protocol::filters;
use pilito_box::protocol::lists::{ConversationListRequest, CustomerListRequest, ListRequest};
use pilito_box::protocol::pagination::PageRequest;
use pilito_box::protocol::rules;
use warp::filters::BoxedFilter;
use warp::reply::Response;

/// Feeds one client frame to every decoder.
pub fn client_frame(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(ChatRequest::ChatMessage(m)) = decoded::<ChatRequest>(text) {
        let _ = rules::content(&m.content);
        let _ = rules::client_msg_id(m.client_msg_id.as_deref());
    }
    if let Some(ConversationListRequest(ListRequest::Page(f))) = decoded(text) {
        let _ = PageRequest::from_filters(&f, 20);
        let _ = filters::conversations(&f, 1);
    }
    if let Some(CustomerListRequest(ListRequest::Page(f))) = decoded(text) {
        let _ = PageRequest::from_filters(&f, 20);
        let _ = filters::customers(&f);
    }
}

fn decoded<R: Request>(text: &str) -> Option<R> {
    match decode::<R>(text) {
        Ok(request) => Some(request),
        Err(e) => {
            assert!(
                matches!(e, DecodeError::NotJson) || !e.to_string().is_empty(),
                "a refusal without a message"
            );
            None
        }
    }
}

/// The REST routes of a real server state, signed in as an admin.
pub struct Rest {
    /// The routes.
    pub routes: BoxedFilter<(Response,)>,
    /// An admin's access token.
    pub admin: String,
    /// A conversation to send to, change and assign.
    pub conversation: String,
    /// An agent the admin may change.
    pub agent: i64,
    /// A customer to edit.
    pub customer: i64,
}

impl Rest {
    /// One request; panics when the server answers a bad body with a server error.
    pub async fn request(&self, data: &[u8]) {
        let Some((&pick, body)) = data.split_first() else {
            return;
        };
        let conv = &self.conversation;
        let (method, path) = match pick % 12 {
            0 => ("POST", "/api/v1/usr/login".to_owned()),
            1 => ("POST", "/api/v1/usr/refresh".to_owned()),
            2 => (
                "POST",
                format!("/api/v1/message/conversation/{conv}/send-message/"),
            ),
            3 => (
                "PATCH",
                format!("/api/v1/message/conversation/{conv}/status/"),
            ),
            4 => (
                "POST",
                format!("/api/v1/message/conversation/{conv}/assign/"),
            ),
            5 => (
                "PATCH",
                format!("/api/v1/message/customer-item/{}/", self.customer),
            ),
            6 => ("POST", "/api/v1/message/inbound".to_owned()),
            7 => ("POST", "/api/v1/usr/users".to_owned()),
            8 => ("PATCH", format!("/api/v1/usr/users/{}", self.agent)),
            9 => ("POST", "/api/v1/usr/blacklist".to_owned()),
            10 => ("GET", "/api/v1/message/user-conversation-full?".to_owned()),
            _ => ("GET", "/api/v1/message/customers?".to_owned()),
        };
        let mut request = warp::test::request()
            .method(method)
            .header("authorization", format!("Bearer {}", self.admin))
            .header("content-type", "application/json");
        request = if method == "GET" {
            let query: String = String::from_utf8_lossy(body)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?%".contains(*c))
                .collect();
            request.path(&format!("{path}{query}"))
        } else {
            request.path(&path).body(body)
        };
        let response = request.reply(&self.routes).await;
        let status = response.status();
        assert!(
            !status.is_server_error() || status.as_u16() == 507,
            "{method} {path} answered {status} to {:?}",
            String::from_utf8_lossy(body)
        );
        if status.is_client_error() && status.as_u16() != 404 && status.as_u16() != 405 {
            let error: serde_json::Value = serde_json::from_slice(response.body())
                .unwrap_or_else(|_| panic!("{method} {path}: {status} without a JSON body"));
            assert!(
                error["error_code"].is_string() || error["code"].is_string(),
                "{method} {path}: {status} without an error code: {error}"
            );
        }
    }
}
