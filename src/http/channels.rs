//! `/api/v1/channels/…` (admins: the bot token, the webhook, their state), a failed reply sent
//! again (`/api/v1/message/<id>/retry/`) and a reply with a file
//! (`/api/v1/message/conversation/<id>/attachment/`), PROTOCOL §13.

use std::collections::HashMap;

use bytes::{Buf, Bytes};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, StatusCode};
use warp::reply::{Reply, Response};

use super::error::ApiError;
use super::{
    admin, body, ok, parse, respond, signed_in, signed_in_upload, stored_reply, with_state,
};
use crate::auth::Identity;
use crate::channels::settings::{ChannelView, Overview};
use crate::inbox::{Draft, InboxError};
use crate::media::MediaStore;
use crate::protocol::codes::http as code;
use crate::protocol::views::MessageView;
use crate::state::AppState;
use crate::storage::messages::Media;

#[derive(Deserialize)]
struct TokenBody {
    bot_token: String,
}

#[derive(Deserialize)]
struct UrlBody {
    url: String,
}

pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let base = || {
        warp::path("api")
            .and(warp::path("v1"))
            .and(warp::path("channels"))
    };
    let overview = base()
        .and(warp::path::end())
        .and(warp::get())
        .and(admin(state))
        .and(with_state(state))
        .then(|_me, s: AppState| async move { respond(overview(&s).await) });
    let telegram = || base().and(warp::path("telegram"));
    let put_token = telegram()
        .and(warp::path::end())
        .and(warp::put())
        .and(admin(state))
        .and(with_state(state))
        .and(body())
        .then(|_me, s: AppState, b: Bytes| async move {
            respond(
                async {
                    let body: TokenBody = parse(&b)?;
                    let view = s
                        .channels
                        .set_telegram_token(&body.bot_token)
                        .await
                        .map_err(channel)?;
                    Ok(ok(&telegram_json(&view)))
                }
                .await,
            )
        });
    let test_token = telegram()
        .and(warp::path("test"))
        .and(warp::path::end())
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .then(|_me, s: AppState| async move {
            respond(
                async {
                    let bot = s.channels.test_telegram().await.map_err(channel)?;
                    Ok(ok(&json!({"ok": true, "bot": bot})))
                }
                .await,
            )
        });
    let delete_token = telegram()
        .and(warp::path::end())
        .and(warp::delete())
        .and(admin(state))
        .and(with_state(state))
        .then(|_me, s: AppState| async move {
            respond(
                async {
                    s.channels.remove_telegram().await.map_err(channel)?;
                    Ok(StatusCode::NO_CONTENT.into_response())
                }
                .await,
            )
        });
    overview
        .or(put_token)
        .unify()
        .or(test_token)
        .unify()
        .or(delete_token)
        .unify()
        .or(webhook_routes(state))
        .unify()
        .or(message_routes(state))
        .unify()
        .boxed()
}

fn webhook_routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let webhook = || {
        warp::path("api")
            .and(warp::path("v1"))
            .and(warp::path("channels"))
            .and(warp::path("webhook"))
    };
    let put_url = webhook()
        .and(warp::path::end())
        .and(warp::put())
        .and(admin(state))
        .and(with_state(state))
        .and(body())
        .then(|_me, s: AppState, b: Bytes| async move {
            respond(
                async {
                    let body: UrlBody = parse(&b)?;
                    let (view, secret) =
                        s.channels.set_webhook(&body.url).await.map_err(channel)?;
                    let mut answer = webhook_json(&view);
                    if let Some(secret) = secret {
                        answer["secret"] = Value::String(secret);
                    }
                    Ok(ok(&answer))
                }
                .await,
            )
        });
    let new_secret = webhook()
        .and(warp::path("secret"))
        .and(warp::path::end())
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .then(|_me, s: AppState| async move {
            respond(
                async {
                    let secret = s.channels.new_webhook_secret().await.map_err(channel)?;
                    Ok(ok(&json!({"secret": secret})))
                }
                .await,
            )
        });
    let test_url = webhook()
        .and(warp::path("test"))
        .and(warp::path::end())
        .and(warp::post())
        .and(admin(state))
        .and(with_state(state))
        .then(|_me, s: AppState| async move {
            respond(
                async {
                    let result = s.channels.test_webhook().await.map_err(channel)?;
                    Ok(ok(&result))
                }
                .await,
            )
        });
    let delete_url = webhook()
        .and(warp::path::end())
        .and(warp::delete())
        .and(admin(state))
        .and(with_state(state))
        .then(|_me, s: AppState| async move {
            respond(
                async {
                    s.channels.remove_webhook().await.map_err(channel)?;
                    Ok(StatusCode::NO_CONTENT.into_response())
                }
                .await,
            )
        });
    put_url
        .or(new_secret)
        .unify()
        .or(test_url)
        .unify()
        .or(delete_url)
        .unify()
        .boxed()
}

fn message_routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let retry = warp::path!("api" / "v1" / "message" / String / "retry")
        .and(warp::path::end())
        .and(warp::post())
        .and(signed_in(state))
        .and(with_state(state))
        .then(|id: String, _me, s: AppState| async move { respond(retry(&s, &id).await) });
    let limit = state.config.channels.max_media_bytes();
    let attach = warp::path!("api" / "v1" / "message" / "conversation" / String / "attachment")
        .and(warp::path::end())
        .and(warp::post())
        .and(signed_in_upload(state))
        .and(with_state(state))
        .and(warp::query::<HashMap<String, String>>())
        .and(warp::header::headers_cloned())
        .and(warp::body::content_length_limit(limit))
        .and(warp::body::stream().map(chunks))
        .then(
            |id: String, me: Identity, s: AppState, q: HashMap<String, String>, h, b| async move {
                respond(attach(&s, &me, &id, &q, &h, b).await)
            },
        );
    retry.or(attach).unify().boxed()
}

fn channel(e: crate::channels::ChannelError) -> ApiError {
    ApiError::Inbox(InboxError::from(e))
}

fn common(c: &ChannelView) -> Value {
    json!({
        "configured": c.configured,
        "state": c.link.state,
        "since": c.link.since,
        "last_error": c.link.last_error,
        "hint": c.link.hint,
        "waiting": c.waiting,
        "failed": c.failed,
    })
}

fn telegram_json(o: &Overview) -> Value {
    let mut v = common(&o.telegram);
    v["token_hint"] = json!(o.telegram.secret_hint);
    v["bot"] = json!(o.bot);
    v["last_update_at"] = json!(o.last_update_at);
    v
}

fn webhook_json(o: &Overview) -> Value {
    let mut v = common(&o.webhook);
    v["url"] = json!(o.webhook_url);
    v["secret_hint"] = json!(o.webhook.secret_hint);
    v
}

async fn overview(state: &AppState) -> Result<Response, ApiError> {
    let o = state.channels.overview().await.map_err(channel)?;
    Ok(ok(
        &json!({"telegram": telegram_json(&o), "webhook": webhook_json(&o)}),
    ))
}

async fn retry(state: &AppState, id: &str) -> Result<Response, ApiError> {
    let (message, summary) = state.inbox.retry_delivery(id).await.map_err(|e| match e {
        InboxError::NotFound(_) => {
            ApiError::not_found(code::MESSAGE_NOT_FOUND, "Message not found")
        }
        other => other.into(),
    })?;
    let customer = std::sync::Arc::new(crate::protocol::views::CustomerView::from(
        &summary.customer,
    ));
    let view = MessageView::new(&message, Some(customer));
    Ok(ok(&json!({"status": "success", "data": {"message": view}})))
}

type Chunks =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Bytes, warp::Error>> + Send>>;

fn chunks<S, B>(body: S) -> Chunks
where
    S: futures_util::Stream<Item = Result<B, warp::Error>> + Send + 'static,
    B: Buf,
{
    Box::pin(body.map(|r| {
        r.map(|mut buf| {
            let n = buf.remaining();
            buf.copy_to_bytes(n)
        })
    }))
}

/// Percent-decodes `X-File-Name`.
fn file_name(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get("x-file-name")?.to_str().ok()?;
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&raw[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

async fn attach(
    state: &AppState,
    me: &Identity,
    id: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    chunks: Chunks,
) -> Result<Response, ApiError> {
    let caption = query.get("caption").map_or("", String::as_str);
    let draft = Draft::attachment(caption, query.get("client_msg_id").map(String::as_str))?;
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let name = file_name(headers);
    let saved = state
        .media
        .save(chunks, name.as_deref(), content_type.as_deref(), None)
        .await
        .map_err(|e| match e {
            crate::media::MediaError::TooLarge { limit } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                code::PAYLOAD_TOO_LARGE,
                format!("The file is larger than {} MB", limit / (1024 * 1024)),
            ),
            other => ApiError::Inbox(InboxError::Internal(other.to_string())),
        })?;
    let media = Media {
        message_type: saved.kind.message_type().to_owned(),
        media_url: MediaStore::url_of(&saved.media_file),
        metadata: Some(json!({"attachment": saved.attachment}).to_string()),
        media_file: saved.media_file,
    };
    let sent = state
        .inbox
        .send_attachment(&me.user, id, draft, media)
        .await?;
    let stored = &sent.stored;
    let body = json!({
        "status": "success",
        "message": "Message sent successfully",
        "data": {
            "message": MessageView::from(stored),
            "external_send_result": crate::protocol::views::send_result(&stored.message),
            "conversation_id": id,
        },
    });
    Ok(stored_reply(&body, stored.duplicate))
}
