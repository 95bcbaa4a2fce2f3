//! Where the configuration comes from: the file (`--config`, or `config.toml` in the OS config
//! folder), the environment, then the command line (`--data-dir`, `serve --bind`, `--dev`).
//! Read again at every server start, so an owner can fix the file and press Start.

use std::net::SocketAddr;
use std::path::PathBuf;

use directories::ProjectDirs;

use super::Globals;
use crate::config::{Config, ConfigError};

/// What the command line says about the configuration.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    bind: Option<SocketAddr>,
    dev: bool,
}

fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("com", "Pilito", "pilito-box")
}

impl From<&Globals> for Settings {
    fn from(cli: &Globals) -> Self {
        Self {
            config: cli.config.clone(),
            data_dir: cli.data_dir.clone(),
            bind: None,
            dev: false,
        }
    }
}

impl Settings {
    /// The same, with `serve`'s `--bind` and `--dev`.
    #[must_use]
    pub fn with(mut self, bind: Option<SocketAddr>, dev: bool) -> Self {
        self.bind = bind;
        self.dev = dev;
        self
    }

    /// The configuration file read (it need not exist).
    #[must_use]
    pub fn config_path(&self) -> Option<PathBuf> {
        self.config
            .clone()
            .or_else(|| dirs().map(|d| d.config_dir().join("config.toml")))
    }

    /// Reads the configuration now.
    pub fn load(&self) -> Result<Config, ConfigError> {
        let mut config = match self.config_path() {
            Some(path) => Config::load(&path)?,
            None => Config::default(),
        };
        let default_dir = Config::default().data_dir;
        if let Some(dir) = &self.data_dir {
            config.data_dir.clone_from(dir);
            if config.log_dir.is_none() {
                config.log_dir = Some(dir.join("logs"));
            }
        } else if config.data_dir == default_dir
            && let Some(dirs) = dirs()
        {
            dirs.data_dir().clone_into(&mut config.data_dir);
            if config.log_dir.is_none() {
                config.log_dir = Some(dirs.data_local_dir().join("logs"));
            }
        }
        if let Some(bind) = self.bind {
            config.bind = bind;
        }
        config.dev |= self.dev;
        Ok(config)
    }
}
