//! `mxlens` with no subcommand: the terminal UI on the given domains.

use std::io::{self, IsTerminal};
use std::time::Instant;

use crate::cli::Cli;
use crate::clipboard::Clipboard;
use crate::config::session;
use crate::config::settings::Settings;
use crate::dns::authority;
use crate::dns::lookup::mx_report;
use crate::dns::security::dnssec::read_anchor_file;
use crate::dns::security::{add_security, read_pem};
use crate::dns::upstream::connect;
use crate::mx::enforce::Enforce;
use crate::mx::escape::visible;
use crate::mx::failover::Profile;
use crate::mx::input::parse_list;
use crate::tui::keyspec::Keymap;
use crate::tui::state::{DomainEntry, Status};
use crate::tui::theme::Theme;
use crate::tui::{App, run_app};
use futures_util::FutureExt;

/// The TUI entry point: `mxlens [--demo] [--resolver ADDR]... [--list NAME] [DOMAIN]...`.
///
/// Bad domains are reported before the terminal is touched. With `--demo`
/// and no domain, every demo domain is shown. With nothing named at all
/// (no domain, `--list` or `--demo`) the last session is opened again,
/// unless `--fresh`; every session but a `--demo` one is remembered at quit.
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
    let mut domains = match &cli.file {
        Some(path) => read_domain_file(path).await?,
        None => Vec::new(),
    };
    let demo_all = settings.demo && domains.is_empty();
    // An argument may list several domains ("a.example,b.example"); every
    // bad one is named before the terminal is touched.
    let mut bad = Vec::new();
    for d in &super::domains_or_demo(&named, demo_all) {
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
    // A demo session means nothing to another resolver: not remembered.
    let session_path = if settings.demo {
        None
    } else {
        crate::config::state_path()
    };
    let nothing_named =
        cli.domains.is_empty() && cli.list.is_none() && cli.file.is_none() && !settings.demo;
    let remembered = match &session_path {
        Some(path) if nothing_named && !cli.fresh => session::load(path),
        _ => Ok(None),
    };
    let (upstreams, demo) = connect(&settings.upstream_spec()).await?;
    // The selected domain's security lookups. The user's own --ca-file and
    // --trust-anchor are read now, so a bad one stops here, before the
    // terminal is touched; the rest (the system's root certificates, tens
    // of milliseconds) loads beside the first frame.
    let security_on = settings.tui_security.value;
    if security_on {
        if let Some(path) = &settings.ca_file {
            read_pem(path)?;
        }
        if let Some(path) = &settings.trust_anchor {
            read_anchor_file(path)?;
        }
    }
    let demo = demo.map(std::sync::Arc::new);
    let security = {
        let (settings, demo) = (settings.clone(), demo.clone());
        let loading = tokio::task::spawn_blocking(move || {
            if !security_on {
                return Err("--no-security".to_string());
            }
            super::security_options(&settings, demo.as_deref())
                .map(std::sync::Arc::new)
                .map_err(|e| visible(&e.to_string()).into_owned())
        });
        async move {
            loading
                .await
                .unwrap_or_else(|e| Err(format!("could not load the security options: {e}")))
        }
        .shared()
    };
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
    app.security = security_on;
    if !security_on {
        app.security_off = Some(match settings.tui_security.source {
            crate::config::settings::Source::File(line) => {
                format!("[security] tui = false (config line {line})")
            }
            _ => "--no-security".to_string(),
        });
    }
    let sec_up = primary.clone();
    let source = cli.authority.source(true).on_demo(demo.as_deref());
    let auth_up = primary.clone();
    app.tmux = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
    app.keymap = Keymap::with_overrides(&settings.key_table());
    app.profile = settings.profile.clone();
    match remembered {
        Ok(Some(loaded)) => restore(&mut app, loaded, settings),
        Ok(None) => {}
        // The message holds a path: escaped before it reaches the terminal.
        Err(e) => {
            app.status = Some(Status {
                text: visible(&e).into_owned(),
                error: true,
            })
        }
    }
    if !warnings.is_empty() {
        app.notice(warnings.join("; "));
    }
    let clipboard = Clipboard::new(cli.clipboard);
    // The app asks only for upstreams it was given: indexes into this list.
    let upstreams = std::sync::Arc::new(upstreams);
    let app = run_app(
        app,
        started,
        clipboard,
        move |i: usize, domain: String| {
            let up = upstreams[i].clone();
            async move { mx_report(&up, &domain).await }
        },
        (
            move |domain: String| {
                let (up, source) = (auth_up.clone(), source.clone());
                async move { authority::check(&up, &domain, &source, up.options()).await }
            },
            move |mut report: crate::mx::MxReport| {
                let (up, opts) = (sec_up.clone(), security.clone());
                async move {
                    let opts = opts.await?;
                    add_security(&up, &mut report, &opts).await;
                    Ok(report)
                }
            },
        ),
    )
    .await?;
    drop(demo);
    // The terminal is restored by now: a warning here is readable.
    if let Some(path) = session_path
        && let Err(e) = session::save(&path, &snapshot(&app))
    {
        let shown = format!("{}: {e}", path.display());
        eprintln!(
            "mxlens: could not remember this session in {}",
            visible(&shown)
        );
    }
    Ok(())
}

/// The domains of a `--file`, read as `check --file` reads them (bounded
/// memory per line); a bad line stops the UI before it starts, naming the
/// file and the line.
async fn read_domain_file(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    use futures_util::StreamExt;

    use super::check::{Item, read_lines};
    if path == std::path::Path::new("-") {
        anyhow::bail!(
            "the interactive UI reads keys from standard input, so --file - is not possible here; give a file, or use \"mxlens check --file -\""
        );
    }
    let mut items = read_lines(path).await?;
    let mut out = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Item::Domain(d) => out.push(d),
            Item::Invalid(msg) => anyhow::bail!("{}", visible(&msg)),
        }
    }
    Ok(out)
}

/// Opens a remembered session: its domains (nothing else was named), their
/// outages, the selected domain and the profile.
fn restore(app: &mut App, loaded: session::Loaded, settings: &Settings) {
    let s = loaded.session;
    let n = app.upstreams.len();
    app.domains = s
        .domains
        .into_iter()
        .map(|d| {
            let mut entry = DomainEntry::new(d.name, n);
            entry.outages.hosts = d.down_hosts;
            entry.outages.addresses = d.down_addresses;
            entry
        })
        .collect();
    let len = app.domains.len();
    app.view = (0..len).collect();
    app.domain_cursor.set(s.selected, len, 1);
    // The configured profile keeps its overrides; the other one is built in.
    if s.profile != settings.profile.name
        && let Some(p) = Profile::by_name(&s.profile)
    {
        app.profile = p;
    }
    if let Some(e) = s.enforce.as_deref().and_then(Enforce::by_name) {
        app.enforce = e;
    }
    app.dns_down = s.dns_down;
    let mut text = format!(
        "reopened the last session: {len} domain{} (mxlens --fresh starts empty)",
        if len == 1 { "" } else { "s" }
    );
    if loaded.dropped > 0 {
        text.push_str(&format!("; {} unusable entries left out", loaded.dropped));
    }
    app.status = Some(Status { text, error: false });
}

/// What the session file keeps of `app`.
fn snapshot(app: &App) -> session::Session {
    let domains = app
        .domains
        .iter()
        .map(|d| session::SessionDomain {
            name: d.name.clone(),
            down_hosts: d.outages.hosts.clone(),
            down_addresses: d.outages.addresses.clone(),
        })
        .collect();
    let mut s = session::Session::new(&app.profile.name, app.domain_cursor.selected, domains);
    s.enforce = (app.enforce != Enforce::None).then(|| app.enforce.name().to_string());
    s.dns_down = app.dns_down;
    s
}
