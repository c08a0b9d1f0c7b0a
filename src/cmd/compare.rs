//! `mxlens compare DOMAIN DOMAIN...`: the domains side by side, aligned by
//! tier, what differs marked (and, with three or more, which domain differs
//! from the majority).
//!
//! Exit codes like diff(1): 0 every tier agrees, 1 some tier differs, 2 a
//! lookup failed or a usage error.

use std::collections::HashSet;
use std::io::Write;

use anyhow::Context;
use serde::Serialize;

use super::exit;
use crate::cli::CompareArgs;
use crate::config::settings::{Settings, Source};
use crate::dns::lookup;
use crate::dns::upstream::connect;
use crate::export::ExportFormat;
use crate::mx::escape::visible;
use crate::mx::input::parse_domain;
use crate::mx::sidebyside::{SideBySide, align};
use crate::mx::{MxReport, Outcome};
use crate::text::{self, Style};

/// `mxlens/compare/v1`: the aligned tiers, then the reports they came from.
#[derive(Serialize)]
struct CompareJson<'a> {
    #[serde(flatten)]
    view: &'a SideBySide,
    resolver: &'a str,
    reports: &'a [MxReport],
}

pub async fn run(args: &CompareArgs, settings: &Settings) -> anyhow::Result<i32> {
    let mut domains = Vec::new();
    let mut seen = HashSet::new();
    for raw in &args.domains {
        let d = parse_domain(raw)
            .with_context(|| format!("\"{}\" is not a domain to compare", visible(raw)))?;
        if !seen.insert(d.clone()) {
            anyhow::bail!(
                "\"{}\" is named twice; compare different domains",
                visible(&d)
            );
        }
        domains.push(d);
    }
    let mut spec = settings.upstream_spec();
    if spec.resolvers.len() > 1 {
        if matches!(settings.resolvers.source, Source::Flag(_)) {
            anyhow::bail!(
                "compare uses one upstream; give --resolver once (check compares resolvers)"
            );
        }
        // Several configured resolvers: compare asks the first.
        spec.resolvers.truncate(1);
    }
    let (upstreams, _demo) = connect(&spec).await?;
    let up = upstreams
        .first()
        .context("no upstream to query; give --resolver ADDR or --demo")?;
    let reports: Vec<MxReport> =
        futures_util::future::join_all(domains.iter().map(|d| lookup::mx_report(up, d))).await;
    let view = align(&reports);
    let mut out = std::io::stdout().lock();
    match args.format {
        ExportFormat::Json => {
            let line = crate::export::json_line(&CompareJson {
                view: &view,
                resolver: up.label(),
                reports: &reports,
            });
            out.write_all(line.as_bytes())?;
        }
        _ => out.write_all(
            text::compare::render(
                &view,
                up.label(),
                Style::for_stdout_with(settings.color.value),
            )
            .as_bytes(),
        )?,
    }
    out.flush()?;
    Ok(if reports.iter().any(|r| r.outcome == Outcome::Error) {
        exit::USAGE_OR_LOOKUP
    } else if view.all_same() {
        exit::OK
    } else {
        exit::FINDINGS
    })
}
