//! Where the configuration and the remembered session live (XDG base
//! directories: <https://specifications.freedesktop.org/basedir-spec/latest/>).

use std::path::{Path, PathBuf};

/// How the configuration file was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathOrigin {
    /// `--config PATH`.
    Flag,
    /// `MXLENS_CONFIG`.
    Env,
    /// `$XDG_CONFIG_HOME/mxlens/config.toml` or `~/.config/mxlens/config.toml`.
    Default,
}

/// The configuration file's path and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigPath {
    pub path: PathBuf,
    pub origin: PathOrigin,
}

impl ConfigPath {
    /// `--config PATH` first, then `MXLENS_CONFIG`, then the XDG default.
    /// `None` only when no home directory is known.
    pub fn resolve(flag: Option<&Path>) -> Option<Self> {
        if let Some(p) = flag {
            return Some(Self {
                path: p.to_path_buf(),
                origin: PathOrigin::Flag,
            });
        }
        if let Some(p) = std::env::var_os("MXLENS_CONFIG").filter(|v| !v.is_empty()) {
            return Some(Self {
                path: PathBuf::from(p),
                origin: PathOrigin::Env,
            });
        }
        default_path().map(|path| Self {
            path,
            origin: PathOrigin::Default,
        })
    }
}

/// `$XDG_CONFIG_HOME/mxlens/config.toml`, else `~/.config/mxlens/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    xdg_dir("XDG_CONFIG_HOME", ".config").map(|d| d.join("mxlens").join("config.toml"))
}

/// `$VAR` when it is an absolute path (the spec says to ignore relative
/// ones), else `$HOME/fallback`.
pub fn xdg_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(var).map(PathBuf::from)
        && dir.is_absolute()
    {
        return Some(dir);
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(fallback))
}
