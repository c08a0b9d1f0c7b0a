//! The configuration file (DESIGN §4):
//! `$XDG_CONFIG_HOME/mxlens/config.toml` (else `~/.config/mxlens/config.toml`),
//! or the file named by `--config PATH` or `MXLENS_CONFIG`.
//!
//! mxlens only reads it, never writes it. Every key is optional; an unknown
//! key, a value of the wrong kind, an unknown action or a key bound twice is
//! an error that names the file, the line and the column. [`settings`] merges
//! the file with the command line (flags win) and remembers where each value
//! came from, for `mxlens config`.
//!
//! ```toml
//! resolvers = ["127.0.0.1:5353"]
//! timeout = 1.5
//! theme = "light"            # dark | light | mono
//! color = "auto"             # auto | always | never
//!
//! [sender]
//! profile = "postfix"        # rfc | postfix
//! address_limit = 3
//!
//! [security]
//! check = true               # check runs the security lookups (--security)
//! tui = false                # the TUI does not run them (--no-security)
//! trust_anchor = "anchors.txt"   # relative to this file's directory
//! ca_file = "/etc/ssl/corp-root.pem"
//!
//! [keys]
//! quit = ["q", "ctrl-c"]
//! add = "n"
//!
//! [lists]
//! clients = ["example.com", "example.org"]
//! ```

pub mod paths;
mod raw;
pub mod session;
pub mod settings;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::mx::escape::visible;
use crate::text::ColorChoice;
use crate::tui::keymap::{Action, Key};
use crate::tui::theme::ThemeName;
pub use paths::{ConfigPath, PathOrigin};

/// A value read from the file, with the line it is on (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub line: usize,
}

/// What the configuration file says; `None` where it says nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileConfig {
    pub resolvers: Option<At<Vec<SocketAddr>>>,
    pub timeout: Option<At<f64>>,
    pub theme: Option<At<ThemeName>>,
    pub color: Option<At<ColorChoice>>,
    pub sender: SenderConfig,
    pub security: SecurityConfig,
    /// Actions whose keys the file replaces, in file order.
    pub keys: Vec<At<(Action, Vec<Key>)>>,
    /// Named domain lists (`--list NAME`), domains parsed to FQDNs.
    pub lists: BTreeMap<String, At<Vec<String>>>,
}

/// `[sender]`: the profile `simulate` and the TUI start with, and its overrides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SenderConfig {
    pub profile: Option<At<String>>,
    pub address_limit: Option<At<u32>>,
    pub connect_timeout: Option<At<f64>>,
    pub min_backoff: Option<At<f64>>,
    pub max_backoff: Option<At<f64>>,
    pub queue_lifetime: Option<At<f64>>,
}

/// `[security]`: whether `check` runs the security lookups, and the files
/// `--trust-anchor` and `--ca-file` would name (as written: a relative path
/// is taken from the configuration file's directory when merged).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SecurityConfig {
    pub check: Option<At<bool>>,
    pub tui: Option<At<bool>>,
    pub trust_anchor: Option<At<PathBuf>>,
    pub ca_file: Option<At<PathBuf>>,
}

/// A configuration file that cannot be used.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file \"{path}\": {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// `path:line:column: message`, the form editors jump to.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// The configuration in effect: where it was looked for, and what it says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// Where the file is (or would be); `None` when no home directory is known.
    pub path: Option<ConfigPath>,
    /// Whether the file exists and was read.
    pub found: bool,
    pub file: FileConfig,
}

impl Config {
    /// Reads the file at `path`. A missing file at the default place means
    /// defaults; a file named by `--config` or `MXLENS_CONFIG` must exist.
    pub fn load(path: Option<ConfigPath>) -> Result<Self, ConfigError> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = match std::fs::read_to_string(&path.path) {
            Ok(text) => text,
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && path.origin == PathOrigin::Default =>
            {
                return Ok(Self {
                    path: Some(path),
                    found: false,
                    file: FileConfig::default(),
                });
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.path.display().to_string(),
                    source,
                });
            }
        };
        let file = parse(&text, &path.path)?;
        Ok(Self {
            path: Some(path),
            found: true,
            file,
        })
    }

    /// The domains of the list called `name`.
    pub fn list(&self, name: &str) -> Result<&[String], String> {
        if let Some(list) = self.file.lists.get(name) {
            return Ok(&list.value);
        }
        let known: Vec<&str> = self.file.lists.keys().map(String::as_str).collect();
        let place = match (&self.path, self.found) {
            (Some(p), true) => format!("\"{}\"", p.path.display()),
            (Some(p), false) => format!("\"{}\" (which does not exist)", p.path.display()),
            (None, _) => "the configuration file".to_string(),
        };
        Err(if known.is_empty() {
            format!(
                "no domain list \"{}\": {place} defines none; add one under [lists], e.g. clients = [\"example.com\"]",
                name.escape_debug()
            )
        } else {
            format!(
                "no domain list \"{}\" in {place}; known lists: {}",
                name.escape_debug(),
                visible(&known.join(", "))
            )
        })
    }
}

/// Parses the text of a configuration file; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<FileConfig, ConfigError> {
    raw::parse(text).map_err(|e| {
        let (line, column) = line_column(text, e.offset);
        ConfigError::Invalid {
            // Keys and values quoted from the file reach a terminal: escaped.
            path: visible(&path.display().to_string()).into_owned(),
            line,
            column,
            message: visible(&e.message).into_owned(),
        }
    })
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// Where a TUI session is remembered:
/// `$XDG_STATE_HOME/mxlens/session.json` (else `~/.local/state/mxlens/session.json`).
pub fn state_path() -> Option<PathBuf> {
    paths::xdg_dir("XDG_STATE_HOME", ".local/state").map(|d| d.join("mxlens").join("session.json"))
}

#[cfg(test)]
mod tests;
