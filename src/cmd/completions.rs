//! `mxlens completions SHELL`: a completion script on standard output.

use std::io::Write;

use clap_complete::Shell;

/// Writes the completion script of `shell` for `cmd` to standard output.
pub fn run(mut cmd: clap::Command, shell: Shell) -> anyhow::Result<i32> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "mxlens", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(super::exit::OK)
}
