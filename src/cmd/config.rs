//! `mxlens config`: the configuration in effect, as TOML.

use std::io::Write;

use crate::config::settings::Settings;

/// Prints `settings` as a configuration file, with where each value comes from.
pub fn run(settings: &Settings) -> anyhow::Result<i32> {
    let mut out = std::io::stdout().lock();
    out.write_all(settings.to_toml().as_bytes())?;
    out.flush()?;
    Ok(super::exit::OK)
}
