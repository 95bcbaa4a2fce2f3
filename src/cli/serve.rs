//! Running the server: headless in the foreground (`serve`, or no command without a desktop),
//! or with the tray icon where a desktop exists (no command, tray-enabled builds).

use std::io::Write as _;
use std::process::ExitCode;

use super::Settings;
use super::boot::{control, first_config, runtime, start_logging};
use crate::config::ConfigError;
use crate::control::{ControlError, Status};
use crate::storage::SizeCap;

/// No command: the tray where this build has one and a desktop exists, headless otherwise.
pub fn desktop(settings: &Settings, headless_flag: bool) -> ExitCode {
    #[cfg(any(feature = "tray", windows, target_os = "macos"))]
    {
        if headless_flag {
            return headless(settings, Some("--headless was given".to_owned()));
        }
        match crate::tray::available() {
            Ok(()) => crate::tray::run(settings),
            Err(why) => headless(settings, Some(why)),
        }
    }
    #[cfg(not(any(feature = "tray", target_os = "windows", target_os = "macos")))]
    {
        let why = if headless_flag {
            "--headless was given"
        } else {
            "this build has no tray icon (build with --features tray)"
        };
        headless(settings, Some(why.to_owned()))
    }
}

/// The server in the foreground until Ctrl-C or SIGTERM. Non-zero exit, at once and before
/// anything is created, when it cannot start; non-zero too when it stops by itself.
pub fn headless(settings: &Settings, no_tray: Option<String>) -> ExitCode {
    let Some(runtime) = runtime() else {
        return ExitCode::FAILURE;
    };
    let refused = settings
        .load()
        .map_err(ControlError::from)
        .and_then(|config| {
            let _in_runtime = runtime.enter();
            crate::control::preflight(&config)
        });
    if let Err(e) = refused {
        eprintln!("error: {e}");
        return exit_code(&e);
    }
    let _guard = start_logging(settings);
    if let Some(why) = no_tray {
        tracing::info!("no tray icon: {why}; running headless");
    }
    first_config(settings);
    let control = control(settings);
    runtime.block_on(async {
        let stop = shutdown_signal();
        match control.start().await {
            Ok(url) => {
                let connect = control.connect_url().unwrap_or_default();
                if let Some((name, password)) = control.first_admin() {
                    show_first_admin(&name, &password, &connect, control.size_cap());
                }
                tracing::info!("agents on this network open {url}");
                tracing::info!("to set up a phone or another computer, open {connect} on it");
            }
            Err(e) => {
                eprintln!("error: {e}");
                return exit_code(&e);
            }
        }
        tokio::select! {
            () = stop => {
                control.stop().await;
                ExitCode::SUCCESS
            }
            () = control.failed() => {
                if let Status::Failed(why) = control.status() {
                    eprintln!("error: {why}");
                }
                ExitCode::FAILURE
            }
        }
    })
}

/// 2 for a broken configuration, 1 for any other refusal.
fn exit_code(e: &ControlError) -> ExitCode {
    if matches!(e, ControlError::Config(ConfigError::Invalid { .. })) {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}

/// Prints the first admin's password, the one time it exists in clear, where devices are set up
/// and how large the database may grow. Standard output may be closed (`serve | head -1`, a
/// reader that has gone): the server keeps serving and the log says how to set a password
/// instead, where `println!` would have ended the process.
fn show_first_admin(name: &str, password: &str, connect: &str, cap: Option<SizeCap>) {
    let mut notice = format!(
        "First start: created the admin user {name:?} with password {password}\n\
         Sign in and change it; it is shown only this once.\n\
         Connect a device: open {connect} on it (the address, a QR code and the certificate to trust).\n"
    );
    if let Some(cap) = cap {
        notice = format!("{notice}{cap}.\n");
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(notice.as_bytes()).and_then(|()| out.flush()) {
        tracing::warn!(
            "could not show the first admin's password ({e}); set one with `pilito-box user passwd {name}`"
        );
    }
}

/// Ctrl-C, or SIGTERM on Unix. Call before starting the server, so a signal that arrives while
/// it starts is not lost (and does not kill the process the default way).
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                    }
                }
                _ => std::future::pending().await,
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
