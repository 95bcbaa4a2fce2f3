//! The handle that starts and stops the server: what the tray's menu and the headless `serve`
//! both drive. The server knows nothing of it. Each start reads the configuration again, takes
//! the data folder's lock, binds the port and serves; a stop closes every socket with 1001 and
//! releases the port and the lock.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;

use crate::config::{Config, ConfigError};
use crate::inbox::SetupProgress;
use crate::instance::{Instance, InstanceError};
use crate::onboarding;
use crate::server::{self, App, StartError};
use crate::state::AppState;
use crate::storage::SizeCap;

/// Why the server could not start, in words for the person running it.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Another instance serves the data folder.
    #[error(transparent)]
    Instance(#[from] InstanceError),
    /// The port, the folder or the database failed.
    #[error(transparent)]
    Start(#[from] StartError),
}

/// What the server is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Stopped,
    Running {
        /// The address agents open.
        url: String,
        /// Users with at least one open socket.
        agents_online: usize,
        /// A channel that is not healthy, in words ("Telegram unreachable since 10:42 · 3
        /// replies waiting"), or `None`.
        channels: Option<String>,
        /// How far the first-run checklist is (`None` until it was first built).
        setup: Option<SetupProgress>,
    },
    /// The last start or run failed; the text says why.
    Failed(String),
}

type Loader = Box<dyn Fn() -> Result<Config, ConfigError> + Send + Sync>;

/// Starts, stops and reports on the server.
#[derive(Clone)]
pub struct Control {
    load: Arc<Loader>,
    /// Std mutex: held only to read or swap the state, never across `.await`.
    inner: Arc<Mutex<Inner>>,
    /// Told when a started server stops by itself.
    failed: Arc<Notify>,
}

#[derive(Default)]
struct Inner {
    running: Option<Running>,
    failure: Option<String>,
    first_admin: Option<(String, String)>,
}

struct Running {
    state: AppState,
    url: String,
    connect_url: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
    _instance: Instance,
}

impl Control {
    /// A control that reads its configuration with `load` at every start.
    pub fn new(load: impl Fn() -> Result<Config, ConfigError> + Send + Sync + 'static) -> Self {
        Self {
            load: Arc::new(Box::new(load)),
            inner: Arc::default(),
            failed: Arc::default(),
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts the server; returns the address agents open.
    pub async fn start(&self) -> Result<String, ControlError> {
        if let Some(url) = self.inner().running.as_ref().map(|r| r.url.clone()) {
            return Ok(url);
        }
        let result = self.try_start().await;
        if let Err(e) = &result {
            tracing::error!("the server did not start: {e}");
            self.inner().failure = Some(e.to_string());
        }
        result
    }

    /// Every refusal comes before anything is created: the configuration, development mode on
    /// a network address, another instance on an existing folder, the port; only then the data
    /// folder, its lock and the workspace.
    async fn try_start(&self) -> Result<String, ControlError> {
        let config = (self.load)()?;
        server::refuse_unsafe(&config, config.bind)?;
        let early = config
            .data_dir
            .is_dir()
            .then(|| Instance::acquire(&config.data_dir))
            .transpose()?;
        let listener = server::bind(config.bind, &config)?;
        let addr = listener.local_addr().map_err(|source| StartError::Io {
            what: "cannot read the listening address".into(),
            source,
        })?;
        secure_folder(&config)?;
        let instance = match early {
            Some(instance) => instance,
            None => Instance::acquire(&config.data_dir)?,
        };
        let (mut app, first) = App::open(config).await?;
        let secure = app.secure_for(addr)?;
        let url = onboarding::agent_url(addr, secure);
        let connect_url = onboarding::page_url(addr);
        if let Err(e) = instance.record(&url) {
            tracing::warn!("cannot record where this instance listens: {e}");
        }
        let state = app.state().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let control = self.clone();
        let task = tokio::spawn(async move {
            let served = app
                .serve(listener, async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!("the server stopped: {e}");
                let mut inner = control.inner();
                inner.failure = Some(e.to_string());
                inner.running = None;
                drop(inner);
                control.failed.notify_one();
            }
        });
        let mut inner = self.inner();
        inner.failure = None;
        inner.first_admin = first.admin.or(inner.first_admin.take());
        inner.running = Some(Running {
            state,
            url: url.clone(),
            connect_url,
            stop,
            task,
            _instance: instance,
        });
        Ok(url)
    }

    /// Stops the server (sockets close with 1001) and waits until the port is free.
    pub async fn stop(&self) {
        let running = self.inner().running.take();
        if let Some(running) = running {
            let _ = running.stop.send(());
            let _ = running.task.await;
        }
    }

    /// What the server is doing now.
    #[must_use]
    pub fn status(&self) -> Status {
        let inner = self.inner();
        match (&inner.running, &inner.failure) {
            (Some(r), _) => Status::Running {
                url: r.url.clone(),
                agents_online: r.state.hub.connected_users().len(),
                channels: r.state.channels.tray_line(),
                setup: r.state.inbox.setup_progress(),
            },
            (None, Some(why)) => Status::Failed(why.clone()),
            (None, None) => Status::Stopped,
        }
    }

    /// How large the running server's database may grow.
    #[must_use]
    pub fn size_cap(&self) -> Option<SizeCap> {
        let inner = self.inner();
        inner.running.as_ref().map(|r| r.state.store.size_cap())
    }

    /// The "Connect a device" page while the server runs.
    #[must_use]
    pub fn connect_url(&self) -> Option<String> {
        self.inner().running.as_ref().map(|r| r.connect_url.clone())
    }

    /// The first admin's name and one-time password, when this run created them.
    #[must_use]
    pub fn first_admin(&self) -> Option<(String, String)> {
        self.inner().first_admin.clone()
    }

    /// Completes when a started server has stopped by itself (its error is in [`Self::status`]),
    /// so a headless run exits instead of waiting for a signal that nothing will act on.
    pub async fn failed(&self) {
        self.failed.notified().await;
    }

    /// The configuration as it would be read now.
    pub fn config(&self) -> Result<Config, ConfigError> {
        (self.load)()
    }
}

/// What would refuse a start, checked before the log folder or the configuration file is
/// written: development mode on a network address, another instance on the data folder, the
/// port. [`Control::start`] checks the same again, in the same order, as it starts.
pub fn preflight(config: &Config) -> Result<(), ControlError> {
    server::refuse_unsafe(config, config.bind)?;
    if config.data_dir.is_dir() {
        drop(Instance::acquire(&config.data_dir)?);
    }
    drop(server::bind(config.bind, config)?);
    Ok(())
}

/// Creates the data folder (private) before anything is written into it.
fn secure_folder(config: &Config) -> Result<(), StartError> {
    crate::auth::secret::private_dir(&config.data_dir).map_err(|source| StartError::Io {
        what: format!(
            "cannot create the data folder {}",
            config.data_dir.display()
        ),
        source,
    })
}
