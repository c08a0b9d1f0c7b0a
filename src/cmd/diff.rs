//! `mxlens diff OLD.jsonl [NEW.jsonl]`: what changed between two snapshots,
//! or between a snapshot and the live answers.
//!
//! Exit codes like diff(1): 0 nothing changed, 1 something did, 2 trouble
//! (a snapshot that cannot be read, a live lookup that failed). Both files
//! are read and checked before anything is written.

use std::io::Write;

use futures_util::stream::{self, StreamExt};

use crate::cli::DiffArgs;
use crate::config::settings::{Settings, Source};
use crate::dns::lookup;
use crate::dns::upstream::connect;
use crate::export::ExportFormat;
use crate::mx::changes::Options;
use crate::mx::snapshot::{diff_reports, exit_status};
use crate::snapshot_file::{self, shown};
use crate::text::{self, Style};

pub async fn run(args: &DiffArgs, settings: &Settings) -> anyhow::Result<i32> {
    let old = snapshot_file::load(&args.old)?;
    let opts = Options {
        ttls: !args.ignore_ttl,
    };
    let old_name = shown(&args.old);
    let (after, after_name) = match &args.new {
        Some(path) => {
            if settings.demo || matches!(settings.resolvers.source, Source::Flag(_)) {
                anyhow::bail!(
                    "two snapshots are compared with each other: --demo and --resolver apply only without NEW.jsonl"
                );
            }
            (snapshot_file::load(path)?.reports, shown(path))
        }
        None => {
            let (upstreams, _demo) = connect(&settings.upstream_spec()).await?;
            let domains = old.domains();
            let reports: Vec<Vec<_>> = stream::iter(domains)
                .map(|d| {
                    let ups = upstreams.clone();
                    async move {
                        futures_util::future::join_all(ups.iter().map(|u| lookup::mx_report(u, &d)))
                            .await
                    }
                })
                .buffered(args.concurrency as usize)
                .collect()
                .await;
            (reports.into_iter().flatten().collect(), "live".to_string())
        }
    };
    let diffs = diff_reports(&old.reports, &after, (&old_name, &after_name), opts);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        ExportFormat::Json => {
            for d in &diffs {
                out.write_all(crate::export::json_line(d).as_bytes())?;
            }
        }
        _ => {
            let st = Style::for_stdout_with(settings.color.value);
            for d in &diffs {
                out.write_all(text::diff::render(d, st).as_bytes())?;
            }
            out.write_all(text::diff::summary(&diffs).as_bytes())?;
        }
    }
    out.flush()?;
    Ok(exit_status(&diffs))
}
