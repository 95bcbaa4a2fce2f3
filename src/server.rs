//! Opening a workspace (folders, secret, database, first admin) and running the server on a
//! listener until a shutdown signal: stop accepting, close sockets with 1001, flush, return.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::watch;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::Response;

use crate::auth::{Auth, Keys, passwords, secret};
use crate::channels::Channels;
use crate::config::Config;
use crate::gate::Gate;
use crate::hub::{Close, Hub, HubLimits};
use crate::inbox::Inbox;
use crate::media::MediaStore;
use crate::protocol::codes::close;
use crate::state::AppState;
use crate::storage::users::{self, NewUser, Role};
use crate::storage::{Store, StoreError, blacklist};
use crate::tls::{Tls, TlsError};
use crate::{background, edge, http, listener, presence, web, ws};

/// File name of the integration key inside the data folder.
pub const INTEGRATION_KEY_FILE: &str = "integration.key";

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A file or folder could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        source: std::io::Error,
    },
    /// The database could not be opened or prepared.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Config(String),
    /// The certificate could not be made, read or used.
    #[error("HTTPS: {0}")]
    Tls(#[from] TlsError),
}

/// What a first start created, to be shown to the person starting it (never logged).
#[derive(Debug, Clone, Default)]
pub struct FirstStart {
    /// The first admin's name and one-time password, when one was created.
    pub admin: Option<(String, String)>,
}

/// An opened workspace, ready to serve.
pub struct App {
    state: AppState,
    /// TLS as set up for a listening address, once [`App::secure_for`] ran.
    tls: Option<(SocketAddr, Option<Tls>)>,
}

impl App {
    /// Opens the workspace in `config.data_dir`, creating what is missing.
    pub async fn open(config: Config) -> Result<(Self, FirstStart), StartError> {
        let io = |what: &str| {
            let what = what.to_owned();
            move |source| StartError::Io { what, source }
        };
        secret::private_dir(&config.data_dir).map_err(io("cannot create the data folder"))?;
        raise_open_files(config.limits.max_connections);
        let secret_missing = !config.data_dir.join(secret::FILE).exists();
        let secret =
            secret::load_or_create(&config.data_dir).map_err(io("cannot read the secret"))?;
        let keys = Keys::new(&secret);
        let media = MediaStore::open(&config.data_dir, config.channels.max_media_bytes(), &secret)
            .map_err(io("cannot open the media folder"))?;
        if secret_missing && config.database_path().exists() {
            tracing::warn!(
                "the secret file {} was missing; a new one was made, so every agent must sign in again",
                config.data_dir.join(secret::FILE).display()
            );
        }
        let integration_key =
            integration_key(&config.data_dir).map_err(io("cannot read the integration key"))?;
        let store = Store::open(&config.database_path(), &config.storage)?;
        tracing::info!("{}", store.size_cap());
        let first = FirstStart {
            admin: ensure_admin(&store).await?,
        };
        let blacklist = store.read(blacklist::addresses).await?;
        let left_online = store.write(users::reset_presence).await?;
        if left_online > 0 {
            tracing::info!("{left_online} users were left online by the last run; now offline");
        }
        let hub = Hub::new(HubLimits {
            max_connections: config.limits.max_connections,
            max_per_user: config.limits.max_connections_per_user,
            queue_capacity: config.limits.queue_capacity,
            overflow_code: close::TRY_AGAIN_LATER,
        });
        let gate = Gate::new(&config, blacklist);
        let auth = Auth::new(keys, store.clone(), config.tokens.clone());
        let inbox = Inbox::new(store.clone(), hub.clone(), auth.clone(), gate.clone());
        let config = Arc::new(config);
        let channels = Channels::new(
            Arc::clone(&config),
            store.clone(),
            inbox.clone(),
            media.clone(),
        )
        .map_err(StartError::Config)?;
        let state = AppState {
            inbox,
            pages: Arc::default(),
            media,
            channels,
            gate,
            auth,
            config,
            store,
            hub,
            integration_key: integration_key.into(),
            metrics: Arc::default(),
            onboarding: None,
        };
        Ok((Self { state, tls: None }, first))
    }

    /// Sets up TLS for a server listening on `addr` when `tls.mode` asks for it there (making
    /// the certificate authority at first start), so a bad certificate fails the start instead
    /// of the serving; [`App::serve`] does it when it was not done.
    pub fn secure_for(&mut self, addr: SocketAddr) -> Result<bool, StartError> {
        if let Some((prepared, tls)) = &self.tls
            && *prepared == addr
        {
            return Ok(tls.is_some());
        }
        let tls = edge::tls_for(&self.state.config, addr)?;
        let secure = tls.is_some();
        self.tls = Some((addr, tls));
        Ok(secure)
    }

    /// The server's state (tests use it to seed users and mint tokens through the real code).
    #[must_use]
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves on `listener` until `shutdown` completes, then shuts down gracefully.
    pub async fn serve(
        mut self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartError> {
        let addr = listener.local_addr().map_err(|source| StartError::Io {
            what: "cannot read the listening address".into(),
            source,
        })?;
        refuse_unsafe(&self.state.config, addr)?;
        self.secure_for(addr)?;
        let tls = self.tls.take().and_then(|(_, tls)| tls);
        let mut state = self.state;
        state.onboarding = Some(crate::onboarding::Onboarding::new(tls.clone(), addr));
        if state.config.dev {
            tracing::warn!("development mode: sockets without a token act as the first user");
        }
        let (stop_tx, stop_rx) = watch::channel(false);
        let jobs = background::spawn(&state, stop_rx.clone());
        let channels = state.channels.spawn(&stop_rx);
        let presence = state.hub.presence_changes().map(|changes| {
            let grace = Duration::from_secs(state.config.limits.presence_grace_secs);
            presence::spawn(&state.inbox, grace, changes, stop_rx.clone())
        });
        let (mut edge, on_port) =
            edge::Edge::start(&state.config, addr, tls, routes(&state), &stop_rx);
        let limits = listener::ConnectionLimits::from(state.config.as_ref());
        // Tools wait for this line, under this module's name (the bench filters its logs so).
        tracing::info!("listening on {}://{addr}", on_port.scheme());
        let accepting = listener::run(
            listener,
            on_port.routes,
            stop_rx.clone(),
            limits,
            on_port.tls,
        );
        let server = tokio::spawn(accepting);
        shutdown.await;
        edge.unannounce();
        tracing::info!(
            "shutting down: closing {} sockets",
            state.hub.connection_count()
        );
        let _ = stop_tx.send(true);
        let grace = Duration::from_secs(state.config.limits.shutdown_grace_secs);
        state
            .hub
            .shut(&Close::new(close::GOING_AWAY, "server shutting down"));
        if !state.hub.drained(grace).await {
            tracing::warn!(
                "{} sockets did not close in time",
                state.hub.connection_count()
            );
        }
        let _ = tokio::time::timeout(grace, server).await;
        let _ = jobs.await;
        if tokio::time::timeout(grace, channels).await.is_err() {
            tracing::warn!("a reply was still being sent at shutdown; it goes out again at start");
        }
        edge.finish().await;
        if let Some(presence) = presence {
            let _ = presence.await;
        }
        if let Err(e) = state.store.write(users::reset_presence).await {
            tracing::warn!("could not mark users offline: {e}");
        }
        state.store.shutdown().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Refuses a configuration that must not serve on `addr`: development mode (sockets without a
/// token act as a user) anywhere but a loopback address.
pub fn refuse_unsafe(config: &Config, addr: SocketAddr) -> Result<(), StartError> {
    if config.dev && !addr.ip().is_loopback() {
        return Err(StartError::Config(format!(
            "development mode serves only on a loopback address, not {addr}"
        )));
    }
    Ok(())
}

/// Every route the server answers: the socket feeds, the REST API, the agent page, with errors
/// rendered as JSON, the security headers on every answer and each request logged at debug
/// level.
pub fn routes(state: &AppState) -> BoxedFilter<(Response,)> {
    let answered = ws::routes(state)
        .or(http::routes(state))
        .unify()
        .or(web::routes())
        .unify();
    http::addressed_here(state)
        .and(answered)
        .recover(http::recover)
        .unify()
        .with(warp::log::custom(|info| {
            tracing::debug!(
                "{} {} -> {} in {:?}",
                info.method(),
                info.path(),
                info.status().as_u16(),
                info.elapsed()
            );
        }))
        .map(warp::Reply::into_response)
        .map(web::with_security_headers)
        .boxed()
}

/// Binds the listening socket. Its send buffer size is inherited by every accepted connection,
/// which bounds what the kernel holds for a client that stops reading, so such a client fills
/// its queue and gets 1013 instead of silently buffering megabytes.
pub fn bind(addr: SocketAddr, config: &Config) -> Result<TcpListener, StartError> {
    let io = |source| StartError::Io {
        what: format!("cannot listen on {addr}"),
        source,
    };
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }
    .map_err(io)?;
    #[cfg(not(windows))]
    socket.set_reuseaddr(true).map_err(io)?;
    socket
        .set_send_buffer_size(config.limits.socket_send_buffer_bytes)
        .map_err(io)?;
    socket.bind(addr).map_err(io)?;
    socket.listen(1024).map_err(io)
}

/// Raises the process's open-file limit for `max_connections` sockets, warning when the system
/// does not allow that many.
fn raise_open_files(max_connections: usize) {
    let needed = open_files_for(max_connections);
    match raise_open_files_to(needed) {
        Ok(limit) if limit < needed => tracing::warn!(
            "the system allows only {limit} open files; max_connections = {max_connections} sockets need {needed}"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!("cannot raise the open-file limit: {e}"),
    }
}

/// Open files a process needs for `sockets` sockets (its database, logs and listener too).
#[must_use]
pub(crate) fn open_files_for(sockets: usize) -> u64 {
    u64::try_from(sockets)
        .unwrap_or(u64::MAX)
        .saturating_add(256)
}

/// Raises the open-file limit as far as the system allows, at least to `needed` when it can:
/// every socket is a file, and the default soft limit (often 1024) is far below that. A
/// privileged process (root, or one with `CAP_SYS_RESOURCE`, as under the systemd unit) raises
/// the hard limit too. Returns the limit now in force.
pub(crate) fn raise_open_files_to(needed: u64) -> std::io::Result<u64> {
    let limit = rlimit::increase_nofile_limit(u64::MAX)?;
    if limit < needed && raise_hard_limit(needed) {
        return Ok(needed);
    }
    Ok(limit)
}

#[cfg(unix)]
fn raise_hard_limit(needed: u64) -> bool {
    rlimit::setrlimit(rlimit::Resource::NOFILE, needed, needed).is_ok()
}

/// Windows has no hard limit to raise: `increase_nofile_limit` already took the C runtime's
/// maximum.
#[cfg(not(unix))]
fn raise_hard_limit(_needed: u64) -> bool {
    false
}

/// Creates the first admin with a random password when the workspace has no user.
async fn ensure_admin(store: &Store) -> Result<Option<(String, String)>, StoreError> {
    if store.read(users::count).await? > 0 {
        return Ok(None);
    }
    let password = passwords::generate();
    let hashed = password.clone();
    let hash = tokio::task::spawn_blocking(move || passwords::hash(&hashed))
        .await
        .map_err(|_| StoreError::Panicked)?
        .map_err(|e| StoreError::Conflict(e.to_string()))?;
    let created = store
        .write(move |c| {
            if users::count(c)? > 0 {
                return Ok(false);
            }
            let admin = NewUser {
                username: "admin".into(),
                email: None,
                password_hash: hash,
                role: Role::Admin,
                first_name: None,
                last_name: None,
            };
            users::insert(c, &admin).map(|_| true)
        })
        .await?;
    Ok(created.then(|| ("admin".to_owned(), password)))
}

/// Reads the integration key, creating a random one (mode 0600) on first start.
pub fn integration_key(dir: &Path) -> std::io::Result<String> {
    use std::io::Write;
    let path = dir.join(INTEGRATION_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(key) => {
            crate::files::make_private(&path);
            Ok(key.trim().to_owned())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = crate::ids::random_string(32);
            let mut file = secret::private_file(&path)?;
            writeln!(file, "{key}")?;
            Ok(key)
        }
        Err(e) => Err(e),
    }
}
