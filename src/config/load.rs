//! Reading the configuration: the TOML file, then `PILITO_BOX_*` environment overrides, every
//! refusal naming the key (and the variable) at fault; and writing the commented template.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::Config;

/// Prefix of environment overrides.
pub const ENV_PREFIX: &str = "PILITO_BOX_";

/// Variables with the prefix that are not configuration keys (read by the command line, and
/// `NO_BROWSER` by the tray).
const NOT_KEYS: &[&str] = &["CONFIG", "LOG", "NO_BROWSER"];

/// Keys whose environment value is a comma-separated list.
const LIST_KEYS: &[&str] = &["allowed_origins", "trusted_proxies"];

/// The commented configuration file written at first start.
pub const TEMPLATE: &str = include_str!("template.toml");

/// Why the configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file or an environment variable has an unknown key or a bad value.
    #[error("{path}: {message}")]
    Invalid {
        path: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
}

impl Config {
    /// Reads a TOML file (a missing file means the defaults) and applies the environment.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX))
            .collect();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        Self::parse(&text, &env).map_err(|message| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        })
    }

    /// Parses TOML text and applies `PILITO_BOX_*` overrides; the error names the key.
    pub fn parse(text: &str, env: &[(String, String)]) -> Result<Self, String> {
        let mut table: Table = toml::from_str(text).map_err(|e| tidy(&e.to_string()))?;
        for (var, raw) in env {
            let Some(name) = var.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if NOT_KEYS.contains(&name) {
                continue;
            }
            let path: Vec<String> = name.split("__").map(str::to_lowercase).collect();
            let value = env_value(path.last().map_or("", String::as_str), raw);
            let mut alone = Table::new();
            insert(&mut alone, &path, value.clone());
            Self::deserialize_table(alone)
                .map_err(|e| format!("environment variable {var}: {e}"))?;
            insert(&mut table, &path, value);
        }
        Self::deserialize_table(table)
    }

    fn deserialize_table(table: Table) -> Result<Self, String> {
        serde::Deserialize::deserialize(Value::Table(table))
            .map_err(|e: toml::de::Error| tidy(&e.to_string()))
    }
}

fn tidy(message: &str) -> String {
    message.trim_end().to_owned()
}

/// An environment value as TOML: a number, a boolean, a quoted string or a list as written;
/// anything else is a string.
fn env_value(key: &str, raw: &str) -> Value {
    if LIST_KEYS.contains(&key) {
        return Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        );
    }
    toml::from_str::<Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(raw.to_owned()))
}

fn insert(table: &mut Table, path: &[String], value: Value) {
    match path {
        [] => {}
        [key] => {
            table.insert(key.clone(), value);
        }
        [section, rest @ ..] => {
            let entry = table
                .entry(section.clone())
                .or_insert_with(|| Value::Table(Table::new()));
            if !entry.is_table() {
                *entry = Value::Table(Table::new());
            }
            if let Value::Table(inner) = entry {
                insert(inner, rest, value);
            }
        }
    }
}

/// Writes the commented template to `path` unless a file is already there; returns whether it
/// wrote one.
pub fn write_template(path: &Path) -> std::io::Result<bool> {
    if path.exists() {
        return Ok(false);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::private_dir(dir)?;
    }
    crate::files::write_private(path, TEMPLATE.as_bytes())?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_template_lists_every_key_with_its_default() {
        let uncommented = TEMPLATE
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|l| l.contains(" = "))
                    .unwrap_or(l)
            })
            .collect::<Vec<_>>()
            .join("\n");
        let from_template = Config::parse(&uncommented, &[]).unwrap();
        let defaults = Config::default();
        assert_eq!(from_template.bind, defaults.bind);
        assert_eq!(
            from_template.limits.queue_capacity,
            defaults.limits.queue_capacity
        );
        assert_eq!(
            from_template.storage.synchronous,
            defaults.storage.synchronous
        );
        assert_eq!(from_template.log_keep_days, defaults.log_keep_days);
        assert_eq!(
            from_template.channels.max_media_mb,
            defaults.channels.max_media_mb
        );
        assert_eq!(Config::parse(TEMPLATE, &[]).unwrap().bind, defaults.bind);
    }

    #[test]
    fn environment_overrides_file_and_names_bad_variables() {
        let c = Config::parse(
            "bind = \"127.0.0.1:1\"\n[limits]\nqueue_capacity = 8\n",
            &env(&[
                ("PILITO_BOX_BIND", "127.0.0.1:9000"),
                ("PILITO_BOX_LIMITS__MAX_CONNECTIONS", "77"),
                (
                    "PILITO_BOX_ALLOWED_ORIGINS",
                    "https://a.test, https://b.test",
                ),
                ("PILITO_BOX_LOG", "debug"),
                ("PILITO_BOX_NO_BROWSER", "1"),
            ]),
        )
        .unwrap();
        assert_eq!(
            (
                c.bind.port(),
                c.limits.max_connections,
                c.limits.queue_capacity
            ),
            (9000, 77, 8)
        );
        assert_eq!(c.allowed_origins, ["https://a.test", "https://b.test"]);
        let err =
            Config::parse("", &env(&[("PILITO_BOX_LIMITS__MAX_CONECTIONS", "1")])).unwrap_err();
        assert!(
            err.contains("PILITO_BOX_LIMITS__MAX_CONECTIONS") && err.contains("max_conections"),
            "{err}"
        );
        let err = Config::parse(
            "",
            &env(&[("PILITO_BOX_STORAGE__SYNCHRONOUS", "sometimes")]),
        )
        .unwrap_err();
        assert!(err.contains("PILITO_BOX_STORAGE__SYNCHRONOUS"), "{err}");
    }
}
