//! What every way of running the server needs before it starts, headless or with the tray:
//! logging, the commented configuration file at first start, the runtime and a control.

use super::Settings;
use crate::config;
use crate::control::Control;
use crate::logging;

/// Logs to stderr and to the daily file of the configuration's log folder (stderr only when the
/// configuration cannot be read or the folder written). Keep the guard until exit.
pub fn start_logging(settings: &Settings) -> Option<logging::Guard> {
    let Ok(config) = settings.load() else {
        return logging::init_server(None).ok();
    };
    let dir = config.log_dir();
    let file = logging::FileLog {
        dir: &dir,
        keep_days: config.log_keep_days,
    };
    match logging::init_server(Some(file)) {
        Ok(guard) => Some(guard),
        Err(e) => {
            let guard = logging::init_server(None).ok();
            tracing::warn!("cannot write logs to {}: {e}", dir.display());
            guard
        }
    }
}

/// Writes the commented configuration file at first start.
pub fn first_config(settings: &Settings) {
    let Some(path) = settings.config_path() else {
        return;
    };
    match config::write_template(&path) {
        Ok(true) => tracing::info!("wrote a commented configuration file to {}", path.display()),
        Ok(false) => {}
        Err(e) => tracing::warn!(
            "cannot write a configuration file to {}: {e}",
            path.display()
        ),
    }
}

/// A control reading the configuration through `settings` at every start.
pub fn control(settings: &Settings) -> Control {
    let settings = settings.clone();
    Control::new(move || settings.load())
}

/// The server's multi-threaded runtime; `None` (after saying why) when it cannot be made.
pub fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Some(runtime),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            None
        }
    }
}
