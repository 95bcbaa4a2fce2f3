use rusqlite::Connection;

use super::*;
use crate::storage::customers::{self, CustomerChanges, NewCustomer};
use crate::storage::messages::tests::{conversation, send};
use crate::storage::messages::{NewMessage, edit_by_key, insert};
use crate::storage::test_db;

/// Seqs of the messages containing `raw`, as the list searches ask for them.
fn found(db: &Connection, raw: &str) -> Vec<i64> {
    let (q, p) = messages(&Term::new(raw)).unwrap();
    let sql = format!("SELECT seq FROM messages WHERE seq IN ({q}) ORDER BY seq");
    let mut stmt = db.prepare(&sql).unwrap();
    stmt.query_map(rusqlite::params_from_iter(p), |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn customers_found(db: &Connection, raw: &str, fields: CustomerFields) -> Vec<i64> {
    let (q, p) = customers(&Term::new(raw), fields).unwrap();
    let mut stmt = db.prepare(&format!("{q} ORDER BY 1")).unwrap();
    stmt.query_map(rusqlite::params_from_iter(p), |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn index_all(db: &Connection) {
    while index_batch(db, 2).unwrap() > 0 {}
    assert_eq!(backlog(db).unwrap(), 0);
}

fn indexed_rows(db: &Connection) -> i64 {
    db.query_row("SELECT count(*) FROM search_messages", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn terms_fold_then_choose_index_or_scan() {
    assert_eq!(Term::new("ـَ"), Term::All);
    assert_eq!(Term::new("Ab"), Term::Short("ab".into()));
    assert_eq!(Term::new("علي"), Term::Indexed("علی".into()));
    assert_eq!(Term::new("ك\u{200C}ا"), Term::Short("کا".into()));
}

#[test]
fn messages_are_found_before_and_after_indexing_alike() {
    let db = test_db();
    let conv = conversation(&db);
    let a = send(&db, &conv, "Refund for order ۱۲۳ please", None)
        .message
        .seq;
    let b = send(&db, &conv, "سلام، كتاب علي رسید؟", None).message.seq;
    let c = send(&db, &conv, "say \"quoted\" OR NOT", None).message.seq;
    for stage in ["pending", "indexed"] {
        assert_eq!(found(&db, "REFUND"), vec![a], "{stage}");
        assert_eq!(found(&db, "order 123"), vec![a], "{stage}");
        assert_eq!(
            found(&db, "کتاب علی"),
            vec![b],
            "{stage}: Persian finds Arabic"
        );
        assert_eq!(
            found(&db, "\"quoted\" OR"),
            vec![c],
            "{stage}: FTS syntax is text"
        );
        assert_eq!(found(&db, "fund"), vec![a], "{stage}: substrings");
        assert_eq!(found(&db, "د؟"), vec![b], "{stage}: short terms scan");
        assert!(found(&db, "absent").is_empty());
        index_all(&db);
    }
    assert_eq!(indexed_rows(&db), 3);
}

#[test]
fn deleted_messages_leave_the_index_and_a_reused_seq_is_indexed_again() {
    let db = test_db();
    let keep = conversation(&db);
    let gone = conversation(&db);
    send(&db, &keep, "kept words", None);
    let last = send(&db, &gone, "deleted words", None).message.seq;
    index_all(&db);
    db.execute("DELETE FROM conversations WHERE id = ?1", [&gone])
        .unwrap();
    assert!(found(&db, "deleted").is_empty());
    assert_eq!(indexed_rows(&db), 1);
    let reused = send(&db, &keep, "fresh text", None).message.seq;
    assert_eq!(
        reused, last,
        "SQLite reuses the seq of the deleted newest message"
    );
    assert_eq!(found(&db, "fresh"), vec![reused]);
    index_all(&db);
    assert_eq!(found(&db, "fresh"), vec![reused]);
    assert!(found(&db, "deleted").is_empty());
}

#[test]
fn an_edited_message_is_found_by_its_new_text_only() {
    let db = test_db();
    let conv = conversation(&db);
    let customer: i64 = db
        .query_row(
            "SELECT customer_id FROM conversations WHERE id = ?1",
            [&conv],
            |r| r.get(0),
        )
        .unwrap();
    let new = |text: &str, key: &str| NewMessage {
        conversation_id: conv.clone(),
        kind: "customer".into(),
        content: text.into(),
        sender_user_id: None,
        client_msg_id: Some(key.into()),
    };
    let indexed = insert(&db, &new("first draft", "tg:1"))
        .unwrap()
        .message
        .seq;
    index_all(&db);
    let pending = insert(&db, &new("second draft", "tg:2"))
        .unwrap()
        .message
        .seq;
    for (key, text) in [("tg:1", "final words"), ("tg:2", "other words")] {
        edit_by_key(&db, customer, key, text).unwrap().unwrap();
    }
    assert!(found(&db, "draft").is_empty());
    assert_eq!(found(&db, "final"), vec![indexed]);
    assert_eq!(found(&db, "words"), vec![indexed, pending]);
    index_all(&db);
    assert!(found(&db, "draft").is_empty());
    assert_eq!(found(&db, "words"), vec![indexed, pending]);
}

#[test]
fn renamed_customers_are_found_by_their_new_name_only() {
    let db = test_db();
    let customer = customers::insert(
        &db,
        &NewCustomer {
            first_name: Some("Ali".into()),
            source: "telegram".into(),
            ..NewCustomer::default()
        },
    )
    .unwrap();
    index_all(&db);
    let names = CustomerFields::Names;
    assert_eq!(customers_found(&db, "ali", names), vec![customer.id]);
    let changes = CustomerChanges {
        fields: vec![
            ("first_name", Some("رضا".into())),
            ("phone_number", Some("۰۹۱۲".into())),
        ],
        ..CustomerChanges::default()
    };
    customers::update(&db, customer.id, &changes).unwrap();
    for stage in ["pending", "indexed"] {
        assert!(customers_found(&db, "ali", names).is_empty(), "{stage}");
        assert_eq!(customers_found(&db, "رضا", names), vec![customer.id]);
        assert!(customers_found(&db, "0912", names).is_empty(), "{stage}");
        let all = CustomerFields::NamesAndPhone;
        assert_eq!(customers_found(&db, "0912", all), vec![customer.id]);
        index_all(&db);
    }
    customers::delete(&db, customer.id).unwrap();
    assert!(customers_found(&db, "رضا", names).is_empty());
    index_all(&db);
    let left: i64 = db
        .query_row("SELECT count(*) FROM search_customers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn titles_are_found_and_forgotten_with_their_conversation() {
    let db = test_db();
    let conv = conversation(&db);
    let titled = |raw: &str| -> Vec<String> {
        let (q, p) = titles(&Term::new(raw)).unwrap();
        let mut stmt = db.prepare(&q).unwrap();
        stmt.query_map(rusqlite::params_from_iter(p), |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    db.execute(
        "UPDATE conversations SET title = 'سفارش مهدي' WHERE id = ?1",
        [&conv],
    )
    .unwrap();
    for _ in 0..2 {
        assert_eq!(titled("مهدی"), vec![conv.clone()]);
        assert!(titled("telegram").is_empty(), "the old title is forgotten");
        index_all(&db);
    }
    db.execute("DELETE FROM conversations WHERE id = ?1", [&conv])
        .unwrap();
    assert!(titled("مهدی").is_empty());
    index_all(&db);
    let keys: i64 = db
        .query_row("SELECT count(*) FROM search_title_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(keys, 0);
}

#[test]
fn short_terms_scan_only_the_newest_rows() {
    let db = test_db();
    let conv = conversation(&db);
    let old = send(&db, &conv, "xy", None).message.seq;
    let filler = send(&db, &conv, "zz", None).message.seq;
    db.execute(
        "UPDATE messages SET seq = ?1 WHERE seq = ?2",
        [filler + SHORT_TERM_ROWS, filler],
    )
    .unwrap();
    let new = send(&db, &conv, "xy", None).message.seq;
    assert!(new > old + SHORT_TERM_ROWS);
    assert_eq!(found(&db, "xy"), vec![new]);
    index_all(&db);
    assert_eq!(found(&db, "xyz"), Vec::<i64>::new());
}
