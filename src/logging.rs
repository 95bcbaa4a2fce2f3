//! Logging: plain lines on stderr and, for the server, a daily rolling file in the log folder.
//! Lines never carry a query string, a token or a password; callers log paths and names only.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Daily files kept in the log folder.
pub const KEEP_FILES: usize = 14;

/// Library noise kept out of the logs (hyper and tungstenite debug lines can carry URIs).
const QUIET: &str = "hyper=warn,hyper_util=warn,warp=warn,tungstenite=warn,tokio_tungstenite=warn";

/// Starts logging to stderr and, with `log_dir`, to `pilito-box.<date>.log` there. The filter
/// comes from `PILITO_BOX_LOG` (tracing's env-filter syntax). Keep the guard until exit.
pub fn init(log_dir: Option<&Path>, default_level: &str) -> std::io::Result<Option<WorkerGuard>> {
    let filter = || {
        EnvFilter::try_from_env("PILITO_BOX_LOG")
            .unwrap_or_else(|_| EnvFilter::new(format!("{default_level},{QUIET}")))
    };
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false);
    let Some(dir) = log_dir else {
        let _ = tracing_subscriber::registry()
            .with(filter())
            .with(stderr)
            .try_init();
        return Ok(None);
    };
    std::fs::create_dir_all(dir)?;
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("pilito-box")
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(std::io::Error::other)?;
    let (file, guard) = tracing_appender::non_blocking(appender);
    let file = tracing_subscriber::fmt::layer()
        .with_writer(file)
        .with_ansi(false)
        .with_target(false);
    let _ = tracing_subscriber::registry()
        .with(filter())
        .with(stderr)
        .with(file)
        .try_init();
    Ok(Some(guard))
}
