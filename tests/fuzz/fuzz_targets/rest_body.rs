//! libFuzzer target: one request body (or query string) for a REST route chosen by the first
//! byte, through the real routes and a real SQLite database in a temporary folder (see
//! `harness.rs`).

#![no_main]

#[path = "../harness.rs"]
mod harness;

use std::sync::OnceLock;

use pilito_box::auth::{TokenKind, passwords};
use pilito_box::config::Config;
use pilito_box::server::App;
use pilito_box::storage::conversations;
use pilito_box::storage::customers::{self, NewCustomer};
use pilito_box::storage::users::{self, NewUser, Role};
use tokio::runtime::Runtime;

struct World {
    runtime: Runtime,
    rest: harness::Rest,
    _dir: tempfile::TempDir,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = Runtime::new().expect("runtime");
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            data_dir: dir.path().to_owned(),
            ..Config::default()
        };
        let rest = runtime.block_on(async {
            let (app, _) = App::open(config).await.expect("open");
            let state = app.state().clone();
            let hash = passwords::hash("fuzzing password").expect("hash");
            let user = |name: &str, role| NewUser {
                username: name.to_owned(),
                email: None,
                password_hash: hash.clone(),
                role,
                first_name: None,
                last_name: None,
            };
            let (boss, sara) = (user("boss", Role::Admin), user("sara", Role::Agent));
            let admin = state
                .store
                .write(move |c| users::insert(c, &boss))
                .await
                .expect("admin");
            let agent = state
                .store
                .write(move |c| users::insert(c, &sara))
                .await
                .expect("agent");
            let token = state
                .auth
                .issue(admin.id, TokenKind::Access, None)
                .await
                .expect("token");
            let conversation = state
                .store
                .write(|c| {
                    let customer = customers::insert(
                        c,
                        &NewCustomer {
                            first_name: Some("Fuzzy".into()),
                            source: "telegram".into(),
                            ..NewCustomer::default()
                        },
                    )?;
                    let conversation = conversations::insert(c, &customer, "telegram", None)?;
                    Ok((conversation.id, customer.id))
                })
                .await
                .expect("conversation");
            harness::Rest {
                routes: pilito_box::server::routes(&state),
                admin: token,
                conversation: conversation.0,
                agent: agent.id,
                customer: conversation.1,
            }
        });
        World {
            runtime,
            rest,
            _dir: dir,
        }
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let world = world();
    world.runtime.block_on(world.rest.request(data));
});
