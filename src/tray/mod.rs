//! The system-tray icon and its menu: a status line, start and stop, the agent page, the setup
//! checklist and how far it is, the device set-up page, the logs, the data folder, start at
//! login and quit. The first start opens the agent page, where the owner chooses their
//! password. It drives the server only through a [`Control`]; the server never knows it exists.
//! Linux builds have it with the `tray` feature; Windows and macOS builds always do.

mod icon;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use tao::event::{Event, StartCause};
use tao::event_loop::{ControlFlow, EventLoopBuilder};
use tray_icon::menu::{CheckMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tray_icon::{TrayIcon, TrayIconBuilder};

use self::icon::Look;
use crate::cli::Settings;
use crate::cli::boot::{control, first_config, runtime, start_logging};
use crate::control::{Control, ControlError, Status};
use crate::instance::InstanceError;

/// Whether a tray can be shown here; `Err` says why not (no display, GTK failed).
pub fn available() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            return Err("neither DISPLAY nor WAYLAND_DISPLAY is set".into());
        }
        gtk::init().map_err(|e| format!("GTK could not start ({e})"))?;
    }
    Ok(())
}

/// The menu's items, kept to update their text and state.
struct Items {
    status: MenuItem,
    admin: MenuItem,
    start: MenuItem,
    stop: MenuItem,
    page: MenuItem,
    setup: MenuItem,
    connect: MenuItem,
    logs: MenuItem,
    folder: MenuItem,
    login: CheckMenuItem,
    quit: MenuItem,
}

impl Items {
    fn new() -> Self {
        Self {
            status: MenuItem::new("Starting…", false, None),
            admin: MenuItem::new("", false, None),
            start: MenuItem::new("Start server", false, None),
            stop: MenuItem::new("Stop server", true, None),
            page: MenuItem::new("Open agent page", true, None),
            setup: MenuItem::new("Setup checklist", true, None),
            connect: MenuItem::new("Connect a device…", true, None),
            logs: MenuItem::new("View logs", true, None),
            folder: MenuItem::new("Open data folder", true, None),
            login: CheckMenuItem::new(
                "Start at login",
                true,
                at_login().is_some_and(|a| a.is_enabled().unwrap_or(false)),
                None,
            ),
            quit: MenuItem::new("Quit", true, None),
        }
    }

    fn menu(&self) -> Option<Menu> {
        let menu = Menu::new();
        let sep = PredefinedMenuItem::separator;
        menu.append_items(&[
            &self.status,
            &self.admin,
            &sep(),
            &self.start,
            &self.stop,
            &sep(),
            &self.page,
            &self.setup,
            &self.connect,
            &self.logs,
            &self.folder,
            &sep(),
            &self.login,
            &sep(),
            &self.quit,
        ])
        .ok()?;
        Some(menu)
    }

    /// Shows `status`; returns the icon's look.
    fn show(&self, status: &Status, control: &Control) -> Look {
        let (text, look, running) = match status {
            Status::Running {
                url,
                agents_online,
                channels,
                setup,
            } => {
                self.setup.set_text(match setup {
                    Some(p) if !p.complete => format!("Setup: {} of {} done", p.done, p.total),
                    _ => "Setup checklist".to_owned(),
                });
                let agents = if *agents_online == 1 {
                    "agent"
                } else {
                    "agents"
                };
                let channels = channels
                    .as_deref()
                    .map(|c| format!(" · {c}"))
                    .unwrap_or_default();
                (
                    format!("Running on {url} · {agents_online} {agents} online{channels}"),
                    Look::Running,
                    true,
                )
            }
            Status::Stopped => ("Stopped".to_owned(), Look::Stopped, false),
            Status::Failed(why) => (format!("Error: {why}"), Look::Error, false),
        };
        self.status.set_text(text);
        self.start.set_enabled(!running);
        self.stop.set_enabled(running);
        self.page.set_enabled(running);
        self.setup.set_enabled(running);
        self.connect.set_enabled(running);
        match control.first_admin() {
            Some((name, password)) => self
                .admin
                .set_text(format!("First sign-in: {name} / {password}")),
            None => self
                .admin
                .set_text("Staff open the address above in a browser"),
        }
        look
    }
}

/// Set, the first start does not open the agent page (tests, machines nobody looks at).
const NO_BROWSER: &str = "PILITO_BOX_NO_BROWSER";

enum UserEvent {
    Menu(MenuEvent),
}

/// Runs the tray (and the server) until Quit. Never returns on most platforms.
pub fn run(settings: &Settings) -> ExitCode {
    let mut guard = start_logging(settings);
    first_config(settings);
    let Some(runtime) = runtime() else {
        return ExitCode::FAILURE;
    };
    let control = control(settings);
    if let Err(ControlError::Instance(InstanceError::Taken(Some(other)))) =
        runtime.block_on(control.start())
    {
        println!("pilito-box is already running at {}; opening it", other.url);
        let _ = open::that(&other.url);
        return ExitCode::SUCCESS;
    }
    if control.first_admin().is_some()
        && std::env::var_os(NO_BROWSER).is_none()
        && let Status::Running { url, .. } = control.status()
    {
        let _ = open::that(url);
    }
    let event_loop = EventLoopBuilder::<UserEvent>::with_user_event().build();
    let proxy = event_loop.create_proxy();
    MenuEvent::set_event_handler(Some(move |event| {
        let _ = proxy.send_event(UserEvent::Menu(event));
    }));
    let items = Items::new();
    let mut tray: Option<TrayIcon> = None;
    let mut look = None;
    event_loop.run(move |event, _, flow| {
        *flow = ControlFlow::WaitUntil(Instant::now() + Duration::from_secs(1));
        match event {
            Event::NewEvents(StartCause::Init) => {
                let shown = items.show(&control.status(), &control);
                tray = items.menu().and_then(|menu| {
                    let mut builder = TrayIconBuilder::new()
                        .with_menu(Box::new(menu))
                        .with_tooltip("pilito-box");
                    if let Some(icon) = icon::icon(shown) {
                        builder = builder.with_icon(icon);
                    }
                    builder
                        .build()
                        .map_err(|e| tracing::error!("cannot show the tray icon: {e}"))
                        .ok()
                });
                look = Some(shown);
            }
            Event::NewEvents(StartCause::ResumeTimeReached { .. }) => {
                let shown = items.show(&control.status(), &control);
                if look != Some(shown) {
                    if let Some(tray) = &tray {
                        let _ = tray.set_icon(icon::icon(shown));
                    }
                    look = Some(shown);
                }
            }
            Event::UserEvent(UserEvent::Menu(event)) => {
                let id = event.id();
                if id == items.start.id() {
                    let _ = runtime.block_on(control.start());
                } else if id == items.stop.id() {
                    runtime.block_on(control.stop());
                } else if id == items.page.id() {
                    if let Status::Running { url, .. } = control.status() {
                        let _ = open::that(url);
                    }
                } else if id == items.setup.id() {
                    if let Status::Running { url, .. } = control.status() {
                        let _ = open::that(format!("{url}#/setup"));
                    }
                } else if id == items.connect.id() {
                    if let Some(url) = control.connect_url() {
                        let _ = open::that(url);
                    }
                } else if id == items.logs.id() {
                    view_logs(&control);
                } else if id == items.folder.id() {
                    if let Ok(config) = control.config() {
                        let _ = open::that(&config.data_dir);
                    }
                } else if id == items.login.id() {
                    toggle_login(&items.login);
                } else if id == items.quit.id() {
                    tracing::info!("quitting from the tray");
                    runtime.block_on(control.stop());
                    tray = None;
                    guard = None;
                    *flow = ControlFlow::Exit;
                    return;
                }
                let shown = items.show(&control.status(), &control);
                if let Some(tray) = &tray {
                    let _ = tray.set_icon(icon::icon(shown));
                }
                look = Some(shown);
            }
            _ => {}
        }
        let _ = &guard;
    })
}

/// The log page in the agent web UI while the server runs; the log folder otherwise.
fn view_logs(control: &Control) {
    if let Status::Running { url, .. } = control.status() {
        let _ = open::that(format!("{url}#/logs"));
    } else if let Ok(config) = control.config() {
        let _ = open::that(config.log_dir());
    }
}

fn at_login() -> Option<auto_launch::AutoLaunch> {
    let exe = std::env::current_exe().ok()?;
    auto_launch::AutoLaunchBuilder::new()
        .set_app_name("pilito-box")
        .set_app_path(&exe.to_string_lossy())
        .build()
        .ok()
}

fn toggle_login(item: &CheckMenuItem) {
    let Some(launcher) = at_login() else {
        item.set_checked(false);
        return;
    };
    let wanted = item.is_checked();
    let done = if wanted {
        launcher.enable()
    } else {
        launcher.disable()
    };
    if let Err(e) = done {
        tracing::warn!("cannot change start at login: {e}");
        item.set_checked(!wanted);
    }
}
