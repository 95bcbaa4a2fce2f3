//! The bench rig: the server under test in its own process on one core, the load generator on
//! a single-threaded runtime pinned to another, a fresh data folder, and CPU accounting for
//! both sides so a report can show the generator was not the bottleneck.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;

use super::dataset::Size;
use super::process;
use super::target::{Launch, Target, Workspace};

/// Where the two sides run.
#[derive(Debug, Clone, Args)]
pub struct RigArgs {
    /// Core the server is pinned to (with taskset).
    #[arg(long, default_value_t = 0)]
    pub server_core: usize,
    /// Core the load generator is pinned to.
    #[arg(long, default_value_t = 1)]
    pub client_core: usize,
    /// Pin nothing (for machines with one core, or without taskset).
    #[arg(long)]
    pub no_pin: bool,
    /// Measure the ceiling instead: a bare in-memory fan-out server (no database, no token
    /// check), pinned like the server, for a comparison in the same session.
    #[arg(long)]
    pub ceiling: bool,
}

/// Runs the load generator: one thread, pinned unless told otherwise.
pub fn block_on<F: Future>(args: &RigArgs, work: F) -> anyhow::Result<F::Output> {
    if !args.no_pin {
        let pinned = core_affinity::get_core_ids()
            .and_then(|ids| ids.into_iter().find(|c| c.id == args.client_core))
            .is_some_and(core_affinity::set_for_current);
        if !pinned {
            anyhow::bail!(
                "cannot pin the load generator to core {} (use --no-pin)",
                args.client_core
            );
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(work))
}

/// A server under test with its workspace.
pub struct Rig {
    /// The server.
    pub target: Target,
    /// Its agents and conversations.
    pub workspace: Workspace,
    /// A client configuration trusting only the server's authority, when it speaks TLS.
    pub tls: Option<Arc<rustls::ClientConfig>>,
    _dir: tempfile::TempDir,
}

impl Rig {
    /// Starts a server on a fresh data folder with `agents` agents and `rooms` conversations.
    pub async fn start(args: &RigArgs, agents: usize, rooms: usize) -> anyhow::Result<Self> {
        Self::start_with(args, agents, rooms, None).await
    }

    /// [`Rig::start`] on a folder that first gets a generated workspace of `dataset`'s size.
    pub async fn start_with(
        args: &RigArgs,
        agents: usize,
        rooms: usize,
        dataset: Option<Size>,
    ) -> anyhow::Result<Self> {
        Self::start_full(args, agents, rooms, dataset, false).await
    }

    /// [`Rig::start`] with the server speaking TLS when `tls`.
    pub async fn start_secure(
        args: &RigArgs,
        agents: usize,
        rooms: usize,
        tls: bool,
    ) -> anyhow::Result<Self> {
        Self::start_full(args, agents, rooms, None, tls).await
    }

    async fn start_full(
        args: &RigArgs,
        agents: usize,
        rooms: usize,
        dataset: Option<Size>,
        tls: bool,
    ) -> anyhow::Result<Self> {
        raise_open_files();
        let dir = tempfile::Builder::new().prefix("pilito-bench-").tempdir()?;
        if let Some(size) = dataset {
            super::dataset::generate(&dir.path().join("pilito-box.db"), size).await?;
        }
        let core = (!args.no_pin).then_some(args.server_core);
        let target = Target::launch(
            dir.path(),
            &Launch {
                core,
                tls,
                ceiling: args.ceiling,
                ..Launch::default()
            },
        )?;
        let workspace = target.workspace(agents, rooms).await?;
        let tls = if tls {
            Some(trusting_authority_of(dir.path())?)
        } else {
            None
        };
        Ok(Self {
            target,
            workspace,
            tls,
            _dir: dir,
        })
    }

    /// The server's address.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.target.addr
    }

    /// Starts measuring CPU use of both sides.
    #[must_use]
    pub fn cpu_mark(&self) -> CpuMark {
        CpuMark {
            started: Instant::now(),
            server: self.target.cpu_secs(),
            own: process::own_cpu_secs(),
        }
    }
}

/// A TLS client configuration trusting the authority the server made in `dir` and nothing
/// else, never resuming a session (each socket is a first visit, the costly case), offering
/// its cipher suites in a browser's order.
fn trusting_authority_of(dir: &std::path::Path) -> anyhow::Result<Arc<rustls::ClientConfig>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    let ca = CertificateDer::from_pem_file(dir.join("tls").join(pilito_box::tls::ca::CA_CERT))?;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca)?;
    let mut provider = rustls::crypto::ring::default_provider();
    // AES-128-GCM first, as Chrome and Safari offer it (rustls alone prefers AES-256).
    provider
        .cipher_suites
        .sort_by_key(|s| s.suite() != rustls::CipherSuite::TLS13_AES_128_GCM_SHA256);
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.resumption = rustls::client::Resumption::disabled();
    Ok(Arc::new(config))
}

/// CPU seconds of both sides at a moment.
pub struct CpuMark {
    started: Instant,
    server: f64,
    own: f64,
}

/// Share of one core each side used over a span, in percent.
#[derive(Debug, Clone, Copy)]
pub struct CpuUse {
    /// The server.
    pub server_pct: f64,
    /// The load generator.
    pub own_pct: f64,
}

impl CpuMark {
    /// Time since the mark.
    #[must_use]
    pub fn wall(&self) -> Duration {
        self.started.elapsed()
    }

    /// CPU use since the mark.
    #[must_use]
    pub fn finish(&self, rig: &Rig) -> CpuUse {
        let wall = self.started.elapsed();
        let secs = wall.as_secs_f64().max(1e-9);
        CpuUse {
            server_pct: (rig.target.cpu_secs() - self.server) / secs * 100.0,
            own_pct: (process::own_cpu_secs() - self.own) / secs * 100.0,
        }
    }
}

/// The generator holds as many sockets as the server; let it have the files for them, as the
/// server does for itself at start: the soft limit up to the hard one, and the hard one too
/// where the process may (root or `CAP_SYS_RESOURCE`). A lower limit shows as sockets that
/// failed to open, which every scenario reports.
fn raise_open_files() {
    let Ok(limit) = rlimit::increase_nofile_limit(u64::MAX) else {
        return;
    };
    #[cfg(unix)]
    if limit < OPEN_FILES {
        let _ = rlimit::setrlimit(rlimit::Resource::NOFILE, OPEN_FILES, OPEN_FILES);
    }
    #[cfg(not(unix))]
    let _ = limit;
}

/// Open files the load generator may need: its sockets, plus its own few files.
const OPEN_FILES: u64 = 120_000 + 256;
