//! Logging: plain lines on stderr and, for the server, a daily file in the log folder (the newest
//! `log_keep_days` kept). Lines never carry a query string, a token or a password; callers log
//! paths, names and addresses only.

pub mod daily;

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Library noise kept out of the logs whatever `PILITO_BOX_LOG` asks for: hyper's and
/// tungstenite's debug lines can carry request URIs (and so tokens) and frame contents.
const QUIET: &str = "hyper=warn,hyper_util=warn,warp=warn,tungstenite=warn,tokio_tungstenite=warn";

/// Where log lines go besides stderr.
#[derive(Debug, Clone, Copy)]
pub struct FileLog<'a> {
    /// The log folder.
    pub dir: &'a Path,
    /// Daily files kept.
    pub keep_days: usize,
}

/// Starts logging to stderr and, with `file`, to `pilito-box.<date>.log` there. The filter
/// comes from `PILITO_BOX_LOG` (tracing's env-filter syntax), with the HTTP and WebSocket
/// libraries held at `warn`. Keep the guard until exit.
pub fn init(
    file: Option<FileLog<'_>>,
    default_level: &str,
) -> std::io::Result<Option<WorkerGuard>> {
    let asked = std::env::var("PILITO_BOX_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default_level.to_owned());
    let filter = || {
        EnvFilter::try_new(format!("{asked},{QUIET}"))
            .unwrap_or_else(|_| EnvFilter::new(format!("{default_level},{QUIET}")))
    };
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false);
    let Some(file) = file else {
        let _ = tracing_subscriber::registry()
            .with(filter())
            .with(stderr)
            .try_init();
        return Ok(None);
    };
    let daily = daily::DailyFile::new(file.dir, file.keep_days, daily::system_clock())?;
    let (writer, guard) = tracing_appender::non_blocking(daily);
    let file = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false);
    let _ = tracing_subscriber::registry()
        .with(filter())
        .with(stderr)
        .with(file)
        .try_init();
    Ok(Some(guard))
}
