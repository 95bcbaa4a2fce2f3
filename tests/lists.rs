//! The conversation and customer list feeds: every filter and ordering against a seeded
//! database with known answers, pagination edges, remembered filters, coalesced refreshes.

use std::time::{Duration, Instant};

use pilito_box::storage::customers::{self, NewCustomer};
use pilito_box::storage::messages::{self, NewMessage};
use pilito_box::storage::{conversations, tags};
use serde_json::{Value, json};

use crate::common::{Client, TestApp, spawn_with};

/// The seeded workspace: four conversations with known fields.
struct Seed {
    app: TestApp,
    sara: String,
    reza_id: i64,
    ali: String,
    maryam: String,
    john: String,
    nima: String,
}

struct Spec {
    first: &'static str,
    last: &'static str,
    source: &'static str,
    email: Option<&'static str>,
    phone: Option<&'static str>,
    tags: &'static [&'static str],
    status: &'static str,
    priority: i64,
    day: u32,
    messages: &'static [(&'static str, &'static str)],
}

async fn seed() -> Seed {
    // Bursts here are published through REST; its per-user write limit is not under test.
    let app = spawn_with(|c| {
        c.limits.rest_writes_per_second = 100_000;
        c.limits.rest_write_burst = 100_000;
    })
    .await;
    let (sara_user, sara) = app.agent("sara").await;
    let (reza_user, _) = app.agent("reza").await;
    let specs = [
        Spec {
            first: "Ali",
            last: "Rezaei",
            source: "telegram",
            email: Some("ali@x.test"),
            phone: None,
            tags: &["VIP"],
            status: "active",
            priority: 1,
            day: 10,
            messages: &[("customer", "salam")],
        },
        Spec {
            first: "Maryam",
            last: "Hosseini",
            source: "instagram",
            email: None,
            phone: Some("+98 912"),
            tags: &["VIP", "wholesale"],
            status: "closed",
            priority: 2,
            day: 12,
            messages: &[
                ("customer", "what is the price?"),
                ("support", "10 dollars"),
            ],
        },
        Spec {
            first: "John",
            last: "Doe",
            source: "telegram",
            email: Some(""),
            phone: None,
            tags: &[],
            status: "support_active",
            priority: 3,
            day: 15,
            messages: &[("support", "welcome")],
        },
        Spec {
            first: "Nima",
            last: "Karimi",
            source: "unknown",
            email: None,
            phone: None,
            tags: &[],
            status: "active",
            priority: 1,
            day: 20,
            messages: &[],
        },
    ];
    let assigned = [Some(sara_user.id), None, Some(reza_user.id), None];
    let mut ids = Vec::new();
    for (i, spec) in specs.into_iter().enumerate() {
        let owner = assigned[i];
        let id = app
            .state
            .store
            .write(move |c| {
                let customer = customers::insert(c, &NewCustomer {
                    first_name: Some(spec.first.into()),
                    last_name: Some(spec.last.into()),
                    username: Some(spec.first.to_lowercase()),
                    source: spec.source.into(),
                    source_id: Some(format!("s{i}")),
                })?;
                for tag in spec.tags {
                    tags::add_tag(c, customer.id, tag)?;
                }
                let conv = conversations::insert(c, &customer, spec.source, owner)?;
                conversations::set_status(c, &conv.id, spec.status)?;
                for (kind, text) in spec.messages {
                    let new = NewMessage { conversation_id: conv.id.clone(), kind: (*kind).into(),
                                           content: (*text).into(), sender_user_id: None, client_msg_id: None };
                    messages::insert(c, &new)?;
                }
                let created = format!("2025-01-{:02}T08:00:00.000000Z", spec.day);
                let updated = format!("2025-02-{:02}T08:00:00.000000Z", 28 - spec.day);
                c.execute(
                    "UPDATE conversations SET priority = ?2, created_at = ?3, updated_at = ?4 WHERE id = ?1",
                    rusqlite::params![conv.id, spec.priority, created, updated],
                )?;
                c.execute(
                    "UPDATE customers SET email = ?2, phone_number = ?3, created_at = ?4, updated_at = ?4 WHERE id = ?1",
                    rusqlite::params![customer.id, spec.email, spec.phone, created],
                )?;
                Ok(conv.id)
            })
            .await
            .unwrap();
        ids.push(id);
    }
    let [ali, maryam, john, nima] = <[String; 4]>::try_from(ids).unwrap();
    Seed {
        app,
        sara,
        reza_id: reza_user.id,
        ali,
        maryam,
        john,
        nima,
    }
}

async fn list_socket(app: &TestApp, path: &str, token: &str, query: &str) -> (Client, Value) {
    let url = format!("ws://{}{path}?token={token}{query}", app.addr);
    let mut c = Client::connect(&url).await.unwrap();
    assert_eq!(c.recv().await["type"], "connection_established");
    let first = c.recv().await;
    (c, first)
}

fn ids(frame: &Value, key: &str) -> Vec<String> {
    frame[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].to_string().trim_matches('"').to_owned())
        .collect()
}

fn own(expected: &[&String]) -> Vec<String> {
    expected.iter().map(|s| (*s).clone()).collect()
}

/// The next reply to a request: a list, an error or a pong, skipping the additive frames
/// (presence, conversation updates) that may arrive in between.
async fn reply(c: &mut Client) -> Value {
    loop {
        let frame = c.recv().await;
        let kind = frame["type"].as_str().unwrap_or("error");
        if matches!(
            kind,
            "conversations_list"
                | "customers_list"
                | "error"
                | "pong"
                | "conversation_filter_options"
                | "filter_options"
        ) {
            return frame;
        }
    }
}

async fn ask(c: &mut Client, kind: &str, filters: Value) -> Value {
    c.send(json!({"type": kind, "filters": filters})).await;
    reply(c).await
}

#[tokio::test]
async fn conversation_filters_and_orderings_give_the_known_answers() {
    let s = seed().await;
    let (mut c, first) = list_socket(&s.app, "/ws/conversations/", &s.sara, "").await;
    assert_eq!(first["type"], "conversations_list");
    assert_eq!(
        ids(&first, "conversations"),
        own(&[&s.ali, &s.maryam, &s.john, &s.nima]),
        "default: -updated_at"
    );
    let online = c.recv().await;
    assert_eq!(online["type"], "online_users");
    let cases: Vec<(Value, Vec<&String>)> = vec![
        (json!({"status": "active"}), vec![&s.ali, &s.nima]),
        (
            json!({"status": "all"}),
            vec![&s.ali, &s.maryam, &s.john, &s.nima],
        ),
        (json!({"source": "telegram"}), vec![&s.ali, &s.john]),
        (json!({"priority": "2"}), vec![&s.maryam]),
        (json!({"tags": ["VIP"]}), vec![&s.ali, &s.maryam]),
        (
            json!({"tags": ["VIP", "wholesale"]}),
            vec![&s.ali, &s.maryam],
        ),
        (
            json!({"date_from": "2025-01-12", "date_to": "2025-01-15"}),
            vec![&s.maryam, &s.john],
        ),
        (json!({"date_to": "2025-01-10T07:00:00Z"}), vec![]),
        (json!({"unread_only": true}), vec![&s.ali, &s.maryam]),
        (
            json!({"unread_only": "false"}),
            vec![&s.ali, &s.maryam, &s.john, &s.nima],
        ),
        (json!({"assigned": "me"}), vec![&s.ali]),
        (json!({"assigned": "unassigned"}), vec![&s.maryam, &s.nima]),
        (json!({"assigned_to": s.reza_id}), vec![&s.john]),
        (json!({"search": "MARY"}), vec![&s.maryam]),
        (json!({"search": "price"}), vec![&s.maryam]),
        (json!({"search": "ali@x"}), vec![&s.ali]),
        (json!({"search": "100%"}), vec![]),
        (
            json!({"order_by": "created_at"}),
            vec![&s.ali, &s.maryam, &s.john, &s.nima],
        ),
        (
            json!({"order_by": "-created_at"}),
            vec![&s.nima, &s.john, &s.maryam, &s.ali],
        ),
        (
            json!({"order_by": "updated_at"}),
            vec![&s.nima, &s.john, &s.maryam, &s.ali],
        ),
        (
            json!({"order_by": "-priority"}),
            vec![&s.john, &s.maryam, &s.ali, &s.nima],
        ),
        (
            json!({"order_by": "status"}),
            vec![&s.ali, &s.nima, &s.maryam, &s.john],
        ),
        (
            json!({"order_by": "-status"}),
            vec![&s.john, &s.maryam, &s.ali, &s.nima],
        ),
        (
            json!({"order_by": "title"}),
            vec![&s.maryam, &s.ali, &s.john, &s.nima],
        ),
        (
            json!({"order_by": "drop table"}),
            vec![&s.ali, &s.maryam, &s.john, &s.nima],
        ),
    ];
    for (filters, expected) in cases {
        let frame = ask(&mut c, "filter_conversations", filters.clone()).await;
        assert_eq!(frame["type"], "conversations_list", "{filters}");
        assert_eq!(ids(&frame, "conversations"), own(&expected), "{filters}");
        assert_eq!(
            usize::try_from(frame["count"].as_u64().unwrap()).unwrap(),
            expected.len(),
            "{filters}"
        );
        assert_eq!(frame["filters"], filters);
    }
    c.send(json!({"type": "search_conversations", "search_term": "john"}))
        .await;
    let found = reply(&mut c).await;
    assert_eq!(
        (ids(&found, "conversations"), found["filters"].clone()),
        (vec![s.john.clone()], json!({"search": "john"}))
    );
}

#[tokio::test]
async fn bad_filter_values_are_named_and_the_view_is_kept() {
    let s = seed().await;
    let (mut c, _) = list_socket(&s.app, "/ws/conversations/", &s.sara, "").await;
    c.recv_type("online_users").await;
    ask(&mut c, "get_conversations", json!({"status": "closed"})).await;
    for (filters, name) in [
        (json!({"priority": "high"}), "priority"),
        (json!({"status": "open"}), "status"),
        (json!({"date_from": "last week"}), "date_from"),
        (json!({"unread_only": "perhaps"}), "unread_only"),
        (json!({"assigned": "everyone"}), "assigned"),
    ] {
        let err = ask(&mut c, "filter_conversations", filters).await;
        assert_eq!(err["type"], "error");
        assert!(
            err["error"]
                .as_str()
                .unwrap()
                .starts_with(&format!("Invalid filter '{name}'")),
            "{err}"
        );
    }
    let mut viewer = s.app.chat(&s.ali, &s.sara).await;
    viewer.send(json!({"content": "a change elsewhere"})).await;
    viewer.recv_type("chat_message").await;
    // Ali's conversation is not closed: the closed list shows nothing new, so nothing is sent.
    let quiet = tokio::time::Instant::now() + std::time::Duration::from_millis(600);
    while let Ok(frame) = tokio::time::timeout_at(quiet, c.recv()).await {
        assert_ne!(frame["type"], "conversations_list", "{frame}");
    }
    let mut shown = s.app.chat(&s.maryam, &s.sara).await;
    shown.send(json!({"content": "a change on the page"})).await;
    let refreshed = c.recv_type("conversations_list").await;
    assert_eq!(
        refreshed["filters"],
        json!({"status": "closed"}),
        "the last good filters are kept"
    );
}

#[tokio::test]
async fn pagination_edges_and_query_string_pagination() {
    let s = seed().await;
    let (mut c, first) =
        list_socket(&s.app, "/ws/conversations/", &s.sara, "&page_size=2&page=2").await;
    assert_eq!(
        ids(&first, "conversations"),
        own(&[&s.john, &s.nima]),
        "the URL's pagination applies to the first list"
    );
    assert_eq!(first["filters"], json!({"page_size": 2, "page": 2}));
    assert_eq!(
        first["pagination"],
        json!({"count": 4, "page_count": 2, "page_size": 2, "page": 2,
        "total_pages": 2, "has_next": false, "has_previous": true, "offset": 2, "limit": 2})
    );
    c.recv_type("online_users").await;
    let past = ask(&mut c, "get_conversations", json!({"page": 9})).await;
    assert_eq!(
        (
            past["page_count"].as_i64(),
            past["pagination"]["has_next"].as_bool()
        ),
        (Some(0), Some(false))
    );
    assert_eq!(past["count"], 4);
    for (size, expected) in [
        (json!(0), 10),
        (json!(501), 500),
        (json!("x"), 10),
        (json!("3"), 3),
    ] {
        let f = ask(
            &mut c,
            "get_conversations",
            json!({"page_size": size, "page": 1}),
        )
        .await;
        assert_eq!(f["pagination"]["page_size"], expected, "{size}");
    }
    let f = ask(
        &mut c,
        "get_conversations",
        json!({"page": 2, "offset": 1, "limit": 2}),
    )
    .await;
    assert_eq!(ids(&f, "conversations"), own(&[&s.maryam, &s.john]));
    assert_eq!(
        (
            f["pagination"]["page"].as_i64(),
            f["pagination"]["offset"].as_i64()
        ),
        (Some(2), Some(1))
    );
}

#[tokio::test]
async fn a_burst_of_events_gives_a_bounded_number_of_list_frames() {
    let s = seed().await;
    let (mut c, _) = list_socket(&s.app, "/ws/conversations/", &s.sara, "").await;
    c.recv_type("online_users").await;
    let url = s.app.url(&format!(
        "/api/v1/message/conversation/{}/send-message/",
        s.nima
    ));
    let started = Instant::now();
    for i in 0..200 {
        let r = s
            .app
            .http
            .post(&url)
            .bearer_auth(&s.sara)
            .json(&json!({"content": format!("burst {i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let burst = started.elapsed();
    let mut lists = 0;
    let mut last = Value::Null;
    let quiet = Instant::now() + Duration::from_millis(800);
    while Instant::now() < quiet {
        match tokio::time::timeout(Duration::from_millis(800), c.next()).await {
            Ok(Ok(frame)) if frame["type"] == "conversations_list" => {
                lists += 1;
                last = frame;
            }
            Ok(Ok(_)) => {}
            _ => break,
        }
    }
    let allowed = burst.as_millis() / 250 + 2;
    assert!(
        lists >= 1 && lists <= allowed,
        "{lists} list frames for a burst of {burst:?}"
    );
    assert_eq!(last["conversations"][0]["id"], s.nima.as_str());
    assert_eq!(
        last["conversations"][0]["last_message"]["content"],
        "burst 199"
    );
}

#[tokio::test]
async fn mark_read_and_status_changes_refresh_the_list() {
    let s = seed().await;
    let (mut c, first) = list_socket(&s.app, "/ws/conversations/", &s.sara, "").await;
    assert_eq!(first["conversations"][0]["unread_count"], 1);
    c.recv_type("online_users").await;
    let mut chat = s.app.chat(&s.ali, &s.sara).await;
    chat.send(json!({"type": "mark_read"})).await;
    let updated = c.recv_type("conversation_updated").await;
    assert_eq!(
        (
            updated["conversation"]["id"].as_str(),
            updated["conversation"]["unread_count"].as_i64()
        ),
        (Some(s.ali.as_str()), Some(0))
    );
    let refreshed = c.recv_type("conversations_list").await;
    assert_eq!(refreshed["conversations"][0]["unread_count"], 0);
    let url = s
        .app
        .url(&format!("/api/v1/message/conversation/{}/status/", s.nima));
    s.app
        .http
        .patch(url)
        .bearer_auth(&s.sara)
        .json(&json!({"status": "closed"}))
        .send()
        .await
        .unwrap();
    let refreshed = c.recv_type("conversations_list").await;
    let nima = refreshed["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == s.nima.as_str())
        .unwrap()
        .clone();
    assert_eq!(nima["status"], "closed");
    let assign = s
        .app
        .url(&format!("/api/v1/message/conversation/{}/assign/", s.nima));
    let r = s
        .app
        .http
        .patch(assign)
        .bearer_auth(&s.sara)
        .json(&json!({"user_id": s.reza_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    c.send(json!({"filters": {"assigned_to": s.reza_id}})).await;
    let mine = c.recv_type("conversations_list").await;
    assert_eq!(ids(&mine, "conversations"), own(&[&s.nima, &s.john]));
}

#[tokio::test]
async fn frames_carry_exactly_the_reference_keys() {
    let s = seed().await;
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let (mut c, first) = list_socket(&s.app, "/ws/conversations/", &s.sara, "").await;
    assert_eq!(
        keys(&first),
        [
            "conversations",
            "count",
            "counts",
            "filters",
            "page_count",
            "pagination",
            "timestamp",
            "type"
        ]
    );
    assert_eq!(
        keys(&first["conversations"][0]),
        [
            "assigned_to",
            "assignee",
            "created_at",
            "customer",
            "id",
            "is_active",
            "last_message",
            "max_message_chars",
            "priority",
            "source",
            "status",
            "title",
            "unread_count",
            "updated_at"
        ]
    );
    assert_eq!(
        keys(&first["conversations"][0]["last_message"]),
        [
            "content",
            "created_at",
            "feedback",
            "feedback_at",
            "feedback_comment",
            "id",
            "processing_status",
            "type"
        ]
    );
    assert!(first["conversations"][3]["last_message"].is_null());
    let online = c.recv().await;
    assert_eq!(
        keys(&online["users"][0]),
        ["is_online", "last_seen", "user_id", "username"]
    );
    c.send(json!({"type": "get_conversation_filter_options"}))
        .await;
    let opts = reply(&mut c).await;
    assert_eq!(opts["type"], "conversation_filter_options");
    assert_eq!(
        keys(&opts["options"]),
        ["order_options", "priorities", "sources", "statuses", "tags"]
    );
    assert_eq!(opts["options"]["tags"], json!(["VIP", "wholesale"]));
    assert_eq!(opts["options"]["priorities"], json!([1, 2, 3]));
    assert_eq!(
        opts["options"]["order_options"].as_array().unwrap().len(),
        7
    );
    assert_eq!(
        opts["options"]["order_options"][0],
        json!({"value": "-updated_at", "label": "Recently Updated"})
    );

    let (mut cu, customers) = list_socket(&s.app, "/ws/customers/", &s.sara, "").await;
    assert_eq!(customers["type"], "customers_list");
    assert_eq!(
        keys(&customers),
        [
            "count",
            "customers",
            "filters",
            "page_count",
            "pagination",
            "timestamp",
            "type"
        ]
    );
    let maryam = customers["customers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["first_name"] == "Maryam")
        .unwrap();
    assert_eq!(
        keys(maryam),
        [
            "conversations",
            "created_at",
            "data",
            "email",
            "first_name",
            "id",
            "last_name",
            "phone_number",
            "profile_picture",
            "source",
            "source_id",
            "tags",
            "updated_at",
            "username"
        ]
    );
    assert_eq!(keys(&maryam["tags"][0]), ["id", "name"]);
    assert_eq!(
        keys(&maryam["conversations"][0]),
        [
            "created_at",
            "id",
            "is_active",
            "last_message",
            "priority",
            "source",
            "status",
            "title",
            "unread_count",
            "updated_at"
        ]
    );
    assert_eq!(
        maryam["conversations"][0]["last_message"]["is_ai_response"],
        false
    );
    assert!(
        maryam["conversations"][0]["updated_at"]
            .as_str()
            .unwrap()
            .ends_with("+00:00")
    );
    cu.send(json!({"type": "get_filter_options"})).await;
    let opts = reply(&mut cu).await;
    assert_eq!(opts["type"], "filter_options");
    assert_eq!(
        keys(&opts["options"]),
        [
            "conversation_statuses",
            "has_email_options",
            "has_phone_options",
            "has_unread_options",
            "order_options",
            "sources",
            "tags"
        ]
    );
    assert_eq!(
        opts["options"]["has_unread_options"][0],
        json!({"value": "true", "label": "Has Unread Messages"})
    );
    assert_eq!(
        opts["options"]["order_options"].as_array().unwrap().len(),
        5
    );
}

#[tokio::test]
async fn customer_filters_and_orderings_give_the_known_answers() {
    let s = seed().await;
    let (mut c, first) = list_socket(&s.app, "/ws/customers/", &s.sara, "").await;
    let names = |f: &Value| -> Vec<String> {
        f["customers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["first_name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&first),
        ["Nima", "John", "Maryam", "Ali"],
        "default: -created_at"
    );
    let vip = first["customers"][2]["tags"][0]["id"].clone();
    let cases = [
        (json!({"search": "SEIN"}), vec!["Maryam"]),
        (json!({"search": "+98"}), vec!["Maryam"]),
        (json!({"source": "telegram"}), vec!["John", "Ali"]),
        (json!({"tags": ["wholesale"]}), vec!["Maryam"]),
        (json!({"tag_ids": [vip]}), vec!["Maryam", "Ali"]),
        (json!({"has_email": "true"}), vec!["Ali"]),
        (json!({"has_email": false}), vec!["Nima", "John", "Maryam"]),
        (json!({"has_phone": 1}), vec!["Maryam"]),
        (
            json!({"has_phone": "all"}),
            vec!["Nima", "John", "Maryam", "Ali"],
        ),
        (json!({"conversation_status": "closed"}), vec!["Maryam"]),
        (json!({"has_unread": "true"}), vec!["Maryam", "Ali"]),
        (json!({"has_unread": "false"}), vec!["Nima", "John"]),
        (
            json!({"date_from": "2025-01-12", "date_to": "2025-01-15"}),
            vec!["John", "Maryam"],
        ),
        (json!({"last_activity_from": "2025-01-20"}), vec!["Nima"]),
        (
            json!({"order_by": "first_name"}),
            vec!["Ali", "John", "Maryam", "Nima"],
        ),
        (
            json!({"order_by": "-first_name"}),
            vec!["Nima", "Maryam", "John", "Ali"],
        ),
        (
            json!({"order_by": "created_at"}),
            vec!["Ali", "Maryam", "John", "Nima"],
        ),
    ];
    for (filters, expected) in cases {
        let frame = ask(&mut c, "filter_customers", filters.clone()).await;
        assert_eq!(names(&frame), expected, "{filters}");
        assert_eq!(frame["filters"], filters);
    }
    let err = ask(
        &mut c,
        "filter_customers",
        json!({"has_email": "sometimes"}),
    )
    .await;
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .starts_with("Invalid filter 'has_email'"),
        "{err}"
    );
    c.send(json!({"type": "search_customers", "search_term": "doe"}))
        .await;
    assert_eq!(names(&reply(&mut c).await), ["John"]);
}

#[tokio::test]
async fn new_customers_reach_the_customer_list() {
    let s = seed().await;
    let (mut c, _) = list_socket(&s.app, "/ws/customers/", &s.sara, "").await;
    ask(&mut c, "filter_customers", json!({"source": "instagram"})).await;
    let body =
        json!({"source": "instagram", "source_id": "ig-7", "first_name": "Leila", "content": "hi"});
    let key = s.app.state.integration_key.to_string();
    let r = s
        .app
        .http
        .post(s.app.url("/api/v1/message/inbound"))
        .header("x-integration-key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let created = c.recv_type("new_customer").await;
    assert_eq!(created["customer"]["first_name"], "Leila");
    let list = c.recv_type("customers_list").await;
    assert_eq!(list["filters"], json!({"source": "instagram"}));
    let names: Vec<&str> = list["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["first_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Leila", "Maryam"]);
}

#[tokio::test]
async fn bad_input_on_list_feeds() {
    let s = seed().await;
    let (mut c, _) = list_socket(&s.app, "/ws/customers/", &s.sara, "").await;
    c.send_text("nope").await;
    assert_eq!(reply(&mut c).await, json!({"error": "Invalid JSON format"}));
    c.send(json!({"type": "get_conversations"})).await;
    assert_eq!(
        reply(&mut c).await["error"],
        "Unknown message type: get_conversations"
    );
    c.send(json!({"type": "get_customers", "filters": "all"}))
        .await;
    assert!(
        reply(&mut c).await["error"]
            .as_str()
            .unwrap()
            .starts_with("Invalid field 'filters'")
    );
    c.send(json!({"type": "ping"})).await;
    assert_eq!(reply(&mut c).await["type"], "pong");
}

#[tokio::test]
async fn rest_lists_share_the_filters() {
    let s = seed().await;
    let url = s.app.url(
        "/api/v1/message/user-conversation-full?status=active&ordering=-created_at&page_size=1",
    );
    let page: Value = s
        .app
        .http
        .get(url)
        .bearer_auth(&s.sara)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["count"], 2);
    assert_eq!(page["results"][0]["id"], s.nima.as_str());
    assert!(page["next"].as_str().unwrap().contains("page=2"));
    let url = s.app.url("/api/v1/message/customers?has_unread=true");
    let page: Value = s
        .app
        .http
        .get(url)
        .bearer_auth(&s.sara)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["count"], 2);
    let r = s
        .app
        .http
        .get(s.app.url("/api/v1/message/customers?has_unread=perhaps"))
        .bearer_auth(&s.sara)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let id = page["results"][0]["id"].as_i64().unwrap();
    let item = s.app.url(&format!("/api/v1/message/customer-item/{id}/"));
    let r = s
        .app
        .http
        .patch(&item)
        .bearer_auth(&s.sara)
        .json(&json!({"email": "new@x.test", "data": {"vip": true}}))
        .send()
        .await
        .unwrap();
    let edited: Value = r.json().await.unwrap();
    assert_eq!(
        (edited["email"].as_str(), edited["data"]["vip"].as_bool()),
        (Some("new@x.test"), Some(true))
    );
    let r = s
        .app
        .http
        .patch(&item)
        .bearer_auth(&s.sara)
        .json(&json!({"salary": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn deleting_a_customer_closes_its_chats_and_refreshes_the_lists() {
    let s = seed().await;
    let admin = s
        .app
        .user("boss", pilito_box::storage::users::Role::Admin)
        .await;
    let admin_token = s.app.token(admin.id).await;
    let (mut list, _) = list_socket(&s.app, "/ws/conversations/", &s.sara, "").await;
    let mut chat = s.app.chat(&s.maryam, &s.sara).await;
    let customer: Value = s
        .app
        .http
        .get(
            s.app
                .url(&format!("/api/v1/message/conversation-item/{}/", s.maryam)),
        )
        .bearer_auth(&s.sara)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let item = s.app.url(&format!(
        "/api/v1/message/customer-item/{}/",
        customer["customer"]["id"]
    ));
    let r = s
        .app
        .http
        .delete(&item)
        .bearer_auth(&s.sara)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "only admins delete customers");
    let r = s
        .app
        .http
        .delete(&item)
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (ended, frames) = chat.until_closed().await;
    assert_eq!(frames.last().unwrap()["type"], "conversation_deleted");
    assert_eq!(
        ended,
        crate::common::client::Ended::Closed(1000, "conversation deleted".into())
    );
    let refreshed = list.recv_type("conversations_list").await;
    assert_eq!(
        ids(&refreshed, "conversations"),
        own(&[&s.ali, &s.john, &s.nima])
    );
    let r = s
        .app
        .http
        .get(&item)
        .bearer_auth(&s.sara)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
