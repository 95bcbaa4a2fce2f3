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
/// tungstenite's debug lines can carry request URIs (and so tokens) and frame contents; rustls
/// and the mDNS daemon (and the poller under it) log every handshake and packet at trace level.
const QUIET: &str = "hyper=warn,hyper_util=warn,warp=warn,tungstenite=warn,tokio_tungstenite=warn,\
     rustls=warn,tokio_rustls=warn,mdns_sd=warn,mio=warn";

/// Where log lines go besides stderr.
#[derive(Debug, Clone, Copy)]
pub struct FileLog<'a> {
    pub dir: &'a Path,
    /// Daily files kept.
    pub keep_days: usize,
}

/// The server's log writer threads; dropping it writes out what they still hold.
#[must_use = "log lines are lost once the guard is dropped"]
pub struct Guard {
    _writers: Vec<WorkerGuard>,
}

/// Logging for a short command: lines go straight to stderr, so they are out before it exits.
pub fn init_command(default_level: &str) {
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = tracing_subscriber::registry()
        .with(filter(default_level))
        .with(stderr)
        .try_init();
}

/// Logging for the server: stderr and, with `file`, `pilito-box.<date>.log` there, each written
/// by a thread of its own. The server never waits for its stderr: a paused terminal, a Windows
/// console in selection mode or a pipe nobody reads would otherwise stop every task that logs.
/// Stderr lines beyond its writer's buffer are dropped; the file keeps them.
pub fn init_server(file: Option<FileLog<'_>>) -> std::io::Result<Guard> {
    let daily = file
        .map(|f| daily::DailyFile::new(f.dir, f.keep_days, daily::system_clock()))
        .transpose()?;
    let (stderr, stderr_guard) = tracing_appender::non_blocking(std::io::stderr());
    let mut guards = vec![stderr_guard];
    let file = daily.map(|daily| {
        let (writer, guard) = tracing_appender::non_blocking(daily);
        guards.push(guard);
        tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_ansi(false)
            .with_target(false)
    });
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    let _ = tracing_subscriber::registry()
        .with(filter("info"))
        .with(stderr)
        .with(file)
        .try_init();
    Ok(Guard { _writers: guards })
}

/// The filter from `PILITO_BOX_LOG` (tracing's env-filter syntax) or `default_level`, with the
/// HTTP and WebSocket libraries held at `warn`.
fn filter(default_level: &str) -> EnvFilter {
    let asked = std::env::var("PILITO_BOX_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default_level.to_owned());
    EnvFilter::try_new(format!("{asked},{QUIET}"))
        .unwrap_or_else(|_| EnvFilter::new(format!("{default_level},{QUIET}")))
}
