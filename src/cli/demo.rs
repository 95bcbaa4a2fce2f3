//! `pilito-box demo`: sample agents, customers, conversations and messages for a newcomer.

use anyhow::bail;
use rusqlite::Connection;

use crate::auth::passwords;
use crate::storage::customers::{self, NewCustomer};
use crate::storage::messages::{self, NewMessage};
use crate::storage::users::{self, NewUser, Role};
use crate::storage::{Store, StoreResult, conversations, tags};

/// (username, first name, last name)
const AGENTS: &[(&str, &str, &str)] = &[("sara", "Sara", "Ahmadi"), ("reza", "Reza", "Karimi")];

/// (first, last, username, source, tag, messages as (type, text))
type Sample = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
);

const CUSTOMERS: &[Sample] = &[
    (
        "Maryam",
        "Hosseini",
        "maryam_h",
        "telegram",
        Some("VIP"),
        &[
            ("customer", "سلام، سفارش من کی می‌رسد؟"),
            ("support", "سلام مریم جان، فردا صبح تحویل داده می‌شود."),
            ("customer", "ممنون! 🌷"),
        ],
    ),
    (
        "John",
        "Doe",
        "johndoe",
        "instagram",
        None,
        &[
            ("customer", "Hi! Do you ship to Istanbul?"),
            ("AI", "Yes, we ship to Istanbul within 5 working days."),
            ("customer", "Great, and the price?"),
        ],
    ),
    (
        "Ali",
        "Rezaei",
        "ali_rz",
        "telegram",
        Some("wholesale"),
        &[("customer", "قیمت عمده برای ۵۰ عدد چقدر است؟")],
    ),
];

/// Fills the workspace if it has no customers yet.
pub async fn run(store: &Store) -> anyhow::Result<()> {
    let has_customers = store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM customers", [], |r| r.get::<_, i64>(0))?))
        .await?;
    if has_customers > 0 {
        bail!("this workspace already has customers; demo only fills an empty one");
    }
    let mut agents = Vec::new();
    for (name, first, last) in AGENTS {
        let password = passwords::generate();
        let hash = {
            let p = password.clone();
            tokio::task::spawn_blocking(move || passwords::hash(&p)).await??
        };
        agents.push((
            NewUser {
                username: (*name).to_owned(),
                email: None,
                password_hash: hash,
                role: Role::Agent,
                first_name: Some((*first).to_owned()),
                last_name: Some((*last).to_owned()),
            },
            password,
        ));
    }
    let users: Vec<NewUser> = agents.iter().map(|(u, _)| u.clone()).collect();
    let ids = store.write(move |c| fill(c, &users)).await?;
    for (user, password) in &agents {
        println!("agent {} password {password}", user.username);
    }
    for id in ids {
        println!("conversation {id}");
    }
    Ok(())
}

fn fill(c: &Connection, agents: &[NewUser]) -> StoreResult<Vec<String>> {
    let mut agent_ids = Vec::new();
    for agent in agents {
        let id = match users::find(c, &agent.username)? {
            Some(existing) => existing.id,
            None => users::insert(c, agent)?.id,
        };
        agent_ids.push(id);
    }
    let mut conversation_ids = Vec::new();
    for (i, (first, last, username, source, tag, lines)) in CUSTOMERS.iter().enumerate() {
        let customer = customers::insert(
            c,
            &NewCustomer {
                first_name: Some((*first).to_owned()),
                last_name: Some((*last).to_owned()),
                username: Some((*username).to_owned()),
                source: (*source).to_owned(),
                source_id: Some(format!("demo-{i}")),
            },
        )?;
        if let Some(tag) = tag {
            tags::add_tag(c, customer.id, tag)?;
        }
        let assigned = agent_ids.get(i % agent_ids.len().max(1)).copied();
        let conversation = conversations::insert(c, &customer, source, assigned)?;
        for (kind, text) in *lines {
            messages::insert(
                c,
                &NewMessage {
                    conversation_id: conversation.id.clone(),
                    kind: (*kind).to_owned(),
                    content: (*text).to_owned(),
                    sender_user_id: (*kind == "support").then_some(assigned).flatten(),
                    client_msg_id: None,
                },
            )?;
        }
        conversation_ids.push(conversation.id);
    }
    Ok(conversation_ids)
}
