//! The server under test: this same executable run as `serve` in a child process on a fresh
//! data folder, optionally pinned to one core, with a workspace of agents, tokens and
//! conversations made through the storage layer as the CLI makes them. Killed on drop.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use pilito_box::auth::{Auth, Keys, TokenKind, passwords, secret};
use pilito_box::config::{StorageConfig, TokenConfig};
use pilito_box::storage::customers::{self, NewCustomer};
use pilito_box::storage::users::{self, NewUser, Role};
use pilito_box::storage::{Store, conversations};

/// Limits lifted for a load generator that is one address opening thousands of sockets.
const LIFTED: &[(&str, &str)] = &[
    ("PILITO_BOX_LIMITS__HANDSHAKES_PER_MINUTE", "100000000"),
    ("PILITO_BOX_LIMITS__HANDSHAKE_BURST", "1000000"),
    ("PILITO_BOX_LIMITS__MAX_CONNECTIONS", "100000"),
    ("PILITO_BOX_LIMITS__MAX_CONNECTIONS_PER_USER", "100000"),
    ("PILITO_BOX_LIMITS__MAX_CONNECTIONS_PER_ADDRESS", "0"),
    ("PILITO_BOX_LIMITS__FRAMES_PER_SECOND", "10000"),
    ("PILITO_BOX_LIMITS__FRAME_BURST", "10000"),
];

/// A running server under test.
pub struct Target {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its data folder.
    pub dir: PathBuf,
    started_in: Duration,
}

/// Agents with tokens, and conversations to chat in.
pub struct Workspace {
    /// One access token per agent.
    pub tokens: Vec<String>,
    /// Conversation ids.
    pub rooms: Vec<String>,
}

/// How [`Target::launch`] starts the server.
#[derive(Debug, Clone, Copy, Default)]
pub struct Launch<'a> {
    /// The core to pin it to with taskset.
    pub core: Option<usize>,
    /// Whether it speaks TLS (`tls.mode = "on"`).
    pub tls: bool,
    /// The bare fan-out server of `bench ceiling` instead (it ignores the data folder; the
    /// workspace is still made, and unused).
    pub ceiling: bool,
    /// More environment (`PILITO_BOX_…` settings).
    pub env: &'a [(&'a str, String)],
}

impl Target {
    /// Starts `serve` on 127.0.0.1:0 in `dir` (pinned to `core` with taskset when given).
    pub fn start(dir: &Path, core: Option<usize>) -> anyhow::Result<Self> {
        Self::start_with(dir, core, false)
    }

    /// [`Target::start`], speaking TLS (`tls.mode = "on"`) when `tls`.
    pub fn start_with(dir: &Path, core: Option<usize>, tls: bool) -> anyhow::Result<Self> {
        Self::launch(
            dir,
            &Launch {
                core,
                tls,
                ..Launch::default()
            },
        )
    }

    /// Starts the server (or `bench ceiling`'s bare one) as `launch` says.
    pub fn launch(dir: &Path, launch: &Launch<'_>) -> anyhow::Result<Self> {
        let exe = std::env::current_exe()?;
        let Launch {
            core,
            tls,
            ceiling,
            env,
        } = *launch;
        let mut command = match core {
            Some(core) => {
                let mut c = Command::new("taskset");
                c.args(["-c", &core.to_string()]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        if ceiling {
            command.args(["bench", "ceiling", "--bind", "127.0.0.1:0"]);
        } else {
            command
                .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
                .arg(dir)
                .arg("--config")
                .arg(dir.join("absent.toml"));
        }
        command
            .envs(LIFTED.iter().copied())
            .env("PILITO_BOX_LOG", "warn,pilito_box::server=info")
            .env("PILITO_BOX_TLS__MODE", if tls { "on" } else { "off" })
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot start {}", exe.display()))?;
        let stderr = child.stderr.take().context("no stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            let Some(line) = lines.next().transpose()? else {
                bail!("the server exited before listening");
            };
            let scheme = if tls { "https" } else { "http" };
            if let Some(rest) = line.split(&format!("listening on {scheme}://")).nth(1) {
                break rest.trim().parse()?;
            }
        };
        let started_in = started.elapsed();
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self {
            child,
            addr,
            dir: dir.to_owned(),
            started_in,
        })
    }

    /// From spawning the process to its "listening" line.
    #[must_use]
    pub fn started_in(&self) -> Duration {
        self.started_in
    }

    /// Makes `agents` agents (one password hash shared, they never sign in) with an access
    /// token each, and `rooms` conversations.
    pub async fn workspace(&self, agents: usize, rooms: usize) -> anyhow::Result<Workspace> {
        let store = Store::open(&self.dir.join("pilito-box.db"), &StorageConfig::default())?;
        let keys = Keys::new(&secret::load_or_create(&self.dir)?);
        let auth = Auth::new(keys, store.clone(), TokenConfig::default());
        let hash = passwords::hash("bench-password")?;
        let base = std::process::id();
        let made = store
            .write(move |c| {
                let mut ids = Vec::with_capacity(agents);
                for i in 0..agents {
                    let user = NewUser {
                        username: format!("bench{base}-{i}"),
                        email: None,
                        password_hash: hash.clone(),
                        role: Role::Agent,
                        first_name: Some(format!("Agent {i}")),
                        last_name: None,
                    };
                    ids.push(users::insert(c, &user)?.id);
                }
                let mut rooms_made = Vec::with_capacity(rooms);
                for r in 0..rooms {
                    let customer = customers::insert(
                        c,
                        &NewCustomer {
                            first_name: Some(format!("Customer {r}")),
                            source: "telegram".into(),
                            ..NewCustomer::default()
                        },
                    )?;
                    rooms_made.push(conversations::insert(c, &customer, "telegram", None)?.id);
                }
                Ok((ids, rooms_made))
            })
            .await?;
        let mut tokens = Vec::with_capacity(agents);
        for id in made.0 {
            tokens.push(auth.issue(id, TokenKind::Access, None).await?);
        }
        store.shutdown().await;
        Ok(Workspace {
            tokens,
            rooms: made.1,
        })
    }

    /// Messages stored so far.
    pub async fn stored_messages(&self) -> anyhow::Result<i64> {
        let store = Store::open(&self.dir.join("pilito-box.db"), &StorageConfig::default())?;
        let n = store
            .read(|c| Ok(c.query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?))
            .await?;
        store.shutdown().await;
        Ok(n)
    }

    /// Stops the server as the service manager does (SIGTERM) and waits for it to exit, so the
    /// next start finds a checkpointed database.
    pub fn stop(mut self) -> anyhow::Result<()> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()?;
        anyhow::ensure!(status.success(), "kill -TERM failed");
        let exited = self.child.wait()?;
        anyhow::ensure!(
            exited.success(),
            "the server exited with {exited} after SIGTERM"
        );
        Ok(())
    }

    /// The server's resident memory, in KiB.
    #[must_use]
    pub fn rss_kib(&self) -> u64 {
        super::process::rss_kib(self.child.id())
    }

    /// CPU seconds the server has used.
    #[must_use]
    pub fn cpu_secs(&self) -> f64 {
        super::process::cpu_secs(self.child.id())
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
