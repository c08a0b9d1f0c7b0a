//! `mxlens` with no subcommand: the terminal UI on the given domains.

use std::io::{self, IsTerminal};
use std::path::Path;
use std::time::Instant;

use crate::cli::Cli;
use crate::clipboard::Clipboard;
use crate::config::settings::Settings;
use crate::dns::authority;
use crate::dns::lookup::mx_report;
use crate::dns::upstream::connect;
use crate::mx::input::parse_list;
use crate::tui::theme::Theme;
use crate::tui::{App, run_app};

/// The domains a `--file` lists, in order; items that are not domains go
/// to `skipped` ("line 4: …"), to be said once the screen is up.
fn read_file(path: &Path, skipped: &mut Vec<String>) -> anyhow::Result<Vec<String>> {
    if path == Path::new("-") {
        anyhow::bail!(
            "--file - is not possible here: the interactive UI reads its keys from the terminal; give a file (--file domains.txt), or use \"mxlens check --file -\" for a pipe"
        );
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read \"{}\": {e}", path.display()))?;
    let mut domains = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let content = line.split('#').next().unwrap_or("");
        for item in parse_list(content) {
            match item {
                Ok(name) => domains.push(name),
                Err((_, e)) => skipped.push(format!("line {}: {e}", n + 1)),
            }
        }
    }
    if domains.is_empty() && skipped.is_empty() {
        anyhow::bail!("\"{}\" lists no domain", path.display());
    }
    Ok(domains)
}

/// The TUI entry point: `mxlens [--demo] [--resolver ADDR]... [DOMAIN]...`.
///
/// Bad domains are reported before the terminal is touched. With `--demo`
/// and no domain, every demo domain is shown.
pub async fn run(cli: &Cli, settings: &Settings) -> anyhow::Result<()> {
    let started = Instant::now();
    let warnings = super::single_labels(&cli.domains)?;
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        anyhow::bail!(
            "the interactive UI needs a terminal; for scripts and pipes use \"mxlens check\" (e.g. mxlens check --format json example.com)"
        );
    }
    let mut named = match &cli.list {
        Some(name) => settings
            .config
            .list(name)
            .map_err(anyhow::Error::msg)?
            .to_vec(),
        None => Vec::new(),
    };
    named.extend(cli.domains.iter().cloned());
    // An argument may list several domains ("a.example,b.example"); every
    // bad one is named before the terminal is touched.
    let mut domains = Vec::new();
    let mut bad = Vec::new();
    let mut skipped = Vec::new();
    if let Some(path) = &cli.file {
        domains = read_file(path, &mut skipped)?;
    }
    let demo_list = settings.demo && cli.file.is_none();
    for d in &super::domains_or_demo(&named, demo_list) {
        for item in parse_list(d) {
            match item {
                Ok(name) => domains.push(name),
                Err((_, e)) => bad.push(e.to_string()),
            }
        }
    }
    if !bad.is_empty() {
        anyhow::bail!(
            "{}; give domain names like example.com, user@example.com or mailto:user@example.com",
            bad.join("; ")
        );
    }
    let (upstreams, demo) = connect(&settings.upstream_spec()).await?;
    let Some(primary) = upstreams.first() else {
        anyhow::bail!("no upstream to query");
    };
    let label = match &demo {
        Some(d) => format!("demo server {}", d.addr()),
        None => primary.label().to_string(),
    };
    let others = upstreams[1..]
        .iter()
        .map(|u| u.label().to_string())
        .collect();
    let mut app = App::comparing(
        label,
        others,
        domains,
        Theme::named(settings.theme.value, settings.color_enabled(true)),
    );
    // The compare view asks the selected domain's authoritative servers:
    // those given with --authority, else the ones its NS set names.
    app.authorities = true;
    let source = cli.authority.source(true).on_demo(demo.as_ref());
    let auth_up = primary.clone();
    app.tmux = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
    if !warnings.is_empty() {
        app.notice(warnings.join("; "));
    }
    if let Some(first) = skipped.first() {
        let n = skipped.len();
        let s = if n == 1 { "" } else { "s" };
        app.notice(format!("{n} item{s} of the file not used: {first}"));
    }
    let clipboard = Clipboard::new(cli.clipboard);
    // The app asks only for upstreams it was given: indexes into this list.
    let upstreams = std::sync::Arc::new(upstreams);
    let result = run_app(
        app,
        started,
        clipboard,
        move |i: usize, domain: String| {
            let up = upstreams[i].clone();
            async move { mx_report(&up, &domain).await }
        },
        move |domain: String| {
            let (up, source) = (auth_up.clone(), source.clone());
            async move { authority::check(&up, &domain, &source, up.options()).await }
        },
    )
    .await;
    drop(demo);
    result
}
