//! `mxlens check`: look up domains, run the checks, print reports.
//!
//! Domains are read lazily, looked up `--concurrency` at a time and printed
//! in input order as soon as each is ready, so output streams and memory
//! stays flat however long the input is.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::stream::{self, BoxStream, StreamExt};
use tokio::io::BufReader;

use super::exit;
use super::lines::{self, Line};
use super::progress::Progress;
use crate::cli::CheckArgs;
use crate::config::settings::Settings;
use crate::dns::authority::{self, AuthoritySource};
use crate::dns::lookup;
use crate::dns::security::{SecurityOptions, add_security};
use crate::dns::upstream::{Upstream, connect};
use crate::export::ExportFormat;
use crate::mx::changes::Options;
use crate::mx::escape::visible;
use crate::mx::input::{parse_domain, parse_list};
use crate::mx::snapshot::{self, Status};
use crate::mx::{MxReport, Outcome, Severity};
use crate::text::{self, Style};

/// One input item: a parsed domain, or a line that could not be used.
pub(super) enum Item {
    Domain(String),
    Invalid(String),
}

pub async fn run(args: &CheckArgs, settings: &Settings) -> anyhow::Result<i32> {
    let mut named = match &args.list {
        Some(name) => settings
            .config
            .list(name)
            .map_err(anyhow::Error::msg)?
            .to_vec(),
        None => Vec::new(),
    };
    named.extend(args.domains.iter().cloned());
    for warning in super::single_labels(&args.domains)? {
        eprintln!("mxlens: {}", visible(&warning));
    }
    let bulk = args.file.is_some() || args.list.is_some();
    let inputs = super::domains_or_demo(&named, settings.demo && !bulk);
    if inputs.is_empty() && args.file.is_none() {
        anyhow::bail!(
            "no domain given: name one or more, use --file PATH (or - for stdin), --list NAME, or try --demo"
        );
    }
    // Read and check the whole baseline before anything is written.
    let baseline = match &args.baseline {
        Some(path) => Some(load_baseline(path)?),
        None => None,
    };
    let (upstreams, demo) = connect(&settings.upstream_spec()).await?;
    // An argument may list several domains ("a.example,b.example").
    let from_args: Vec<Item> = inputs
        .iter()
        .enumerate()
        .flat_map(|(i, raw)| {
            parse_list(raw).into_iter().map(move |r| match r {
                Ok(d) => Item::Domain(d),
                Err((_, e)) => Item::Invalid(format!("argument {}: {e}", i + 1)),
            })
        })
        .collect();
    // Progress and the summary: on a terminal's stderr, for bulk runs only.
    let mut progress = Progress::new(bulk && std::io::stderr().is_terminal());
    match &args.file {
        Some(path) => progress.count_in_background(path, from_args.len() as u64),
        None => progress.set_total(from_args.len() as u64),
    }
    // With the reports on the same terminal, the line is cleared before
    // each of them is written and redrawn after.
    let shared_terminal = progress.shown() && std::io::stdout().is_terminal();
    let from_args = stream::iter(from_args).boxed();
    let items = match &args.file {
        Some(path) => from_args.chain(read_lines(path).await?).boxed(),
        None => from_args,
    };
    // With a baseline the exit code is diff(1)'s: 0 same, 1 changed, 2 error.
    let mut changed = false;
    let style = Style::for_stdout_with(settings.color.value);
    let format = args.format;
    let concurrency = args.concurrency as usize;
    let source = args.authority.source(false).on_demo(demo.as_ref());
    let security = if settings.security.value {
        Some(Arc::new(super::security_options(settings, demo.as_ref())?))
    } else {
        None
    };
    let mut results = items
        .map(|item| {
            let upstreams = upstreams.clone();
            let source = source.clone();
            let security = security.clone();
            async move {
                match item {
                    Item::Domain(d) => {
                        Ok(lookup_all(&upstreams, &d, &source, security.as_deref()).await)
                    }
                    Item::Invalid(msg) => Err(msg),
                }
            }
        })
        .buffered(concurrency);

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut code = exit::OK;
    let mut export =
        crate::export::ReportStream::new(format).with_ptr_columns(settings.security.value);
    loop {
        // Flush only when the next report is not ready yet: output streams
        // without a write per report in a bulk run.
        let next = match results.next().now_or_never() {
            Some(next) => next,
            None => {
                out.flush()?;
                progress.tick();
                if progress.shown() {
                    // Keep the rate and the time left moving during a slow lookup.
                    loop {
                        tokio::select! {
                            next = results.next() => break next,
                            () = tokio::time::sleep(std::time::Duration::from_millis(250)) => progress.tick(),
                        }
                    }
                } else {
                    results.next().await
                }
            }
        };
        let Some(result) = next else { break };
        let reports = match result {
            Ok(reports) => reports,
            Err(msg) => {
                out.flush()?;
                progress.clear();
                progress.tally.skip();
                eprintln!("mxlens: skipped {}", visible(&msg));
                code = code.max(exit::USAGE_OR_LOOKUP);
                continue;
            }
        };
        for r in &reports {
            code = code.max(exit_code(r));
        }
        progress.tally.add(&reports);
        if shared_terminal {
            progress.clear();
        }
        let base_diff = baseline
            .as_ref()
            .map(|base| against_baseline(base, &reports));
        if let Some(diffs) = &base_diff {
            match snapshot::exit_status(diffs) {
                2 => code = code.max(exit::USAGE_OR_LOOKUP),
                1 => changed = true,
                _ => {}
            }
        }
        match format {
            ExportFormat::Text => {
                for r in &reports {
                    out.write_all(text::report::render(r, style).as_bytes())?;
                }
                if reports.len() > 1 {
                    out.write_all(text::resolvers::render(&reports).as_bytes())?;
                }
                if let Some(diffs) = &base_diff {
                    out.write_all(baseline_text(diffs).as_bytes())?;
                }
            }
            _ => {
                for r in &reports {
                    out.write_all(export.push(r).as_bytes())?;
                }
            }
        }
        if shared_terminal {
            out.flush()?;
        }
        progress.tick();
    }
    out.flush()?;
    progress.finish();
    if baseline.is_some() {
        // Findings do not count here: only lookups that failed (2) and change.
        return Ok(if code == exit::USAGE_OR_LOOKUP {
            code
        } else if changed {
            exit::FINDINGS
        } else {
            exit::OK
        });
    }
    Ok(code)
}

/// The exit code one report calls for.
pub fn exit_code(r: &MxReport) -> i32 {
    if r.outcome == Outcome::Error {
        exit::USAGE_OR_LOOKUP
    } else if r.outcome == Outcome::Nxdomain || r.worst_severity() == Some(Severity::Error) {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// The domain's report on every upstream; with authorities asked, their
/// answers and findings join the primary's report; with `--security`, the
/// transport-security lookups run for every report.
async fn lookup_all(
    upstreams: &[Upstream],
    domain: &str,
    source: &AuthoritySource,
    security: Option<&SecurityOptions>,
) -> Vec<MxReport> {
    let reports = futures_util::future::join_all(upstreams.iter().map(|u| async move {
        let mut report = lookup::mx_report(u, domain).await;
        if let Some(opts) = security {
            // Boxed: its future is large, and a bulk run without
            // --security would otherwise move that size for every domain.
            Box::pin(add_security(u, &mut report, opts)).await;
        }
        report
    }));
    if source.is_off() {
        return reports.await;
    }
    let primary = &upstreams[0];
    let (mut reports, check) = futures_util::join!(
        reports,
        authority::check(primary, domain, source, primary.options())
    );
    crate::mx::authority::attach(&mut reports[0], check);
    reports
}

/// Lines of `path` (`-`: standard input) as a lazy stream of items.
pub(super) async fn read_lines(path: &Path) -> anyhow::Result<BoxStream<'static, Item>> {
    let reader: Box<dyn tokio::io::AsyncRead + Unpin + Send> = if path == Path::new("-") {
        Box::new(tokio::io::stdin())
    } else {
        Box::new(
            tokio::fs::File::open(path)
                .await
                .map_err(|e| anyhow::anyhow!("cannot read \"{}\": {e}", path.display()))?,
        )
    };
    let name = if path == Path::new("-") {
        "stdin".to_string()
    } else {
        path.display().to_string()
    };
    let reader = BufReader::with_capacity(1 << 16, reader);
    Ok(stream::unfold(
        (Some((reader, Vec::new())), 0usize, name),
        |(state, mut n, name)| async move {
            let (mut reader, mut buf) = state?;
            loop {
                n += 1;
                let item = match lines::next_line(&mut reader, &mut buf).await {
                    Ok(None) => return None,
                    Ok(Some(Line::Text(line))) => {
                        let content = line.split('#').next().unwrap_or("").trim();
                        if content.is_empty() {
                            continue;
                        }
                        match parse_domain(content) {
                            Ok(d) => Item::Domain(d),
                            Err(e) => Item::Invalid(format!("{name} line {n}: {e}")),
                        }
                    }
                    Ok(Some(Line::NotUtf8(shown))) => Item::Invalid(format!(
                        "{name} line {n}: not UTF-8 (\"{shown}\"); save the list as UTF-8"
                    )),
                    Ok(Some(Line::TooLong(shown))) => Item::Invalid(format!(
                        "{name} line {n}: longer than {} octets (\"{shown}\"); a domain is at most 253",
                        lines::MAX_LINE
                    )),
                    Ok(Some(Line::Runaway)) => {
                        let item = Item::Invalid(format!(
                            "{name} line {n}: no line end within {} MiB; the rest of the input is not read (is it a text file?)",
                            lines::MAX_RUNAWAY >> 20
                        ));
                        return Some((item, (None, n, name)));
                    }
                    Err(e) => {
                        // Report once, then stop: the rest cannot be read.
                        let item = Item::Invalid(format!("{name} line {n}: cannot read: {e}"));
                        return Some((item, (None, n, name)));
                    }
                };
                return Some((item, (Some((reader, buf)), n, name)));
            }
        },
    )
    .boxed())
}

/// Reports of an earlier `check --format json`, by domain.
fn load_baseline(path: &Path) -> anyhow::Result<HashMap<String, Vec<MxReport>>> {
    let snap = crate::snapshot_file::load(path)?;
    let mut map: HashMap<String, Vec<MxReport>> = HashMap::new();
    for r in snap.reports {
        map.entry(r.domain.clone()).or_default().push(r);
    }
    Ok(map)
}

/// How one domain's reports (one per resolver) differ from the baseline's.
/// TTLs are not compared: a caching resolver counts them down.
fn against_baseline(
    base: &HashMap<String, Vec<MxReport>>,
    now: &[MxReport],
) -> Vec<snapshot::DomainDiff> {
    let before = now
        .first()
        .and_then(|r| base.get(&r.domain))
        .map_or(&[][..], Vec::as_slice);
    snapshot::diff_reports(before, now, ("baseline", "now"), Options { ttls: false })
}

/// What changed for one domain since the snapshot.
fn baseline_text(diffs: &[snapshot::DomainDiff]) -> String {
    let mut out = String::new();
    for d in diffs {
        let domain = visible(&d.domain);
        match d.status {
            Status::Same => out.push_str(&format!("= {domain}: unchanged since the baseline\n")),
            Status::Added => out.push_str(&format!("± {domain}: not in the baseline\n")),
            Status::Removed => out.push_str(&format!(
                "± {domain}: the baseline's answer from {} has no counterpart now\n",
                visible(
                    &d.before
                        .as_ref()
                        .map_or(String::new(), |s| s.resolver.clone())
                )
            )),
            Status::Unknown => out.push_str(&format!(
                "? {domain}: unknown, the lookup failed ({})\n",
                visible(d.error.as_deref().unwrap_or("error"))
            )),
            Status::Changed => {
                out.push_str(&format!("± {domain}: changed since the baseline\n"));
                for c in &d.changes {
                    out.push_str(&format!("    {} {c}\n", c.sign()));
                }
            }
        }
    }
    out.push('\n');
    out
}
