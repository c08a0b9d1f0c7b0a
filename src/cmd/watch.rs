//! `mxlens watch`: look domains up again as their TTLs expire (or every
//! `--every` seconds) on every resolver, and on the authoritative servers
//! when asked, and print a timeline of what changed and when.
//!
//! mxlens keeps no cache, so every look goes to the wire; authoritative
//! servers are asked directly. Ctrl-C stops with exit code 130. The output is
//! plain lines: the terminal is never put in raw mode.

use std::io::Write;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::exit;
use crate::cli::WatchArgs;
use crate::config::settings::Settings;
use crate::dns::authority::{self, AuthoritySource};
use crate::dns::lookup::mx_report;
use crate::dns::upstream::{Upstream, connect};
use crate::export::ExportFormat;
use crate::mx::escape::visible;
use crate::mx::input::parse_domain;
use crate::mx::watch::{Event, EventKind, Look, Watch, next_interval};

/// Exit code after Ctrl-C (128 + SIGINT), as shells report it.
pub const INTERRUPTED: i32 = 130;

/// Schema of the JSON events.
pub const WATCH_SCHEMA: &str = "mxlens/watch/v1";

struct Watched {
    domain: String,
    watch: Watch,
    looks: u64,
    next: Instant,
    consistent: bool,
}

pub async fn run(args: &WatchArgs, settings: &Settings) -> anyhow::Result<i32> {
    let mut watched = Vec::new();
    for (i, raw) in args.domains.iter().enumerate() {
        let domain = parse_domain(raw).map_err(|e| anyhow::anyhow!("argument {}: {e}", i + 1))?;
        watched.push(Watched {
            domain,
            watch: Watch::new(),
            looks: 0,
            next: Instant::now(),
            consistent: false,
        });
    }
    let (upstreams, demo) = connect(&settings.upstream_spec()).await?;
    let source = args.authority.source(false).on_demo(demo.as_ref());
    let started = Instant::now();
    let mut out = Output {
        json: args.format == ExportFormat::Json,
        started,
    };
    if !out.json {
        out.line(&header(args, &upstreams, &source));
    }
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let Some(i) = (0..watched.len()).min_by_key(|i| watched[*i].next) else {
            return Ok(exit::OK);
        };
        let w = &mut watched[i];
        tokio::select! {
            _ = &mut ctrl_c => return Ok(INTERRUPTED),
            _ = tokio::time::sleep_until(w.next.into()) => {}
        }
        let look = tokio::select! {
            _ = &mut ctrl_c => return Ok(INTERRUPTED),
            look = look_at(&upstreams, &w.domain, &source) => look,
        };
        w.looks += 1;
        let step = w.watch.step(&look);
        for e in &step.events {
            out.event(&w.domain, w.looks, e);
        }
        if step.consistency_changed {
            out.consistency(&w.domain, w.looks, step.consistent);
        }
        w.consistent = step.consistent;
        let wait = next_interval(&look, args.every);
        w.next = Instant::now() + Duration::from_secs_f64(wait);
        if args.until_change && step.changed {
            return Ok(exit::FINDINGS);
        }
        if args.until_consistent && watched.iter().all(|w| w.looks > 0 && w.consistent) {
            return Ok(exit::OK);
        }
    }
}

async fn look_at(upstreams: &[Upstream], domain: &str, source: &AuthoritySource) -> Look {
    let reports = futures_util::future::join_all(upstreams.iter().map(|u| mx_report(u, domain)));
    if source.is_off() {
        return Look {
            reports: reports.await,
            authorities: None,
        };
    }
    let primary = &upstreams[0];
    let (reports, check) = futures_util::join!(
        reports,
        authority::check(primary, domain, source, primary.options())
    );
    Look {
        reports,
        authorities: Some(check),
    }
}

fn header(args: &WatchArgs, upstreams: &[Upstream], source: &AuthoritySource) -> String {
    let names: Vec<&str> = upstreams.iter().map(Upstream::label).collect();
    let auth = match source {
        AuthoritySource::Off => String::new(),
        AuthoritySource::Given(a) => format!(" and {} authoritative server(s)", a.len()),
        AuthoritySource::Discover { .. } => " and the domains' authoritative servers".into(),
    };
    let when = match args.every {
        Some(s) => format!("every {s} s"),
        None => "when the shortest TTL expires (at least every 5 s)".into(),
    };
    let until = if args.until_change {
        "; stops at the first change (exit 1)"
    } else if args.until_consistent {
        "; stops once every source agrees (exit 0)"
    } else {
        ""
    };
    let n = args.domains.len();
    format!(
        "watching {n} domain{} on {}{auth}, {when}{until}; Ctrl-C stops",
        if n == 1 { "" } else { "s" },
        names.join(", ")
    )
}

/// One `mxlens/watch/v1` event.
#[derive(Serialize)]
struct JsonEvent<'a> {
    schema: &'static str,
    time: String,
    elapsed_s: f64,
    domain: &'a str,
    look: u64,
    event: &'static str,
    source: Option<&'a str>,
    role: Option<&'static str>,
    answer: Option<&'a str>,
    changes: &'a [String],
}

struct Output {
    json: bool,
    started: Instant,
}

impl Output {
    fn line(&mut self, s: &str) {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{s}");
        let _ = stdout.flush();
    }

    fn emit(&mut self, e: JsonEvent) {
        match serde_json::to_string(&e) {
            Ok(s) => self.line(&s),
            Err(err) => eprintln!("mxlens: cannot write an event: {err}"),
        }
    }

    fn event(&mut self, domain: &str, look: u64, e: &Event) {
        let kind = match e.kind {
            EventKind::Initial => "initial",
            EventKind::Change => "change",
            EventKind::Unknown => "unknown",
            EventKind::Back => "back",
        };
        if self.json {
            let elapsed_s = self.elapsed();
            self.emit(JsonEvent {
                schema: WATCH_SCHEMA,
                time: utc_now(),
                elapsed_s,
                domain,
                look,
                event: kind,
                source: Some(&e.source),
                role: Some(e.role),
                answer: Some(&e.answer),
                changes: &e.changes,
            });
            return;
        }
        let what = match e.kind {
            EventKind::Initial => e.answer.clone(),
            EventKind::Change => format!("changed: {}  → now {}", e.changes.join(", "), e.answer),
            EventKind::Unknown => format!("? gave no answer ({}): unknown", e.answer),
            EventKind::Back => format!("answers again: {}", e.answer),
        };
        let line = format!(
            "{}  {}  {} {}  {what}",
            clock(),
            visible(domain),
            e.role,
            visible(&e.source)
        );
        self.line(&line);
    }

    fn consistency(&mut self, domain: &str, look: u64, consistent: bool) {
        if self.json {
            let elapsed_s = self.elapsed();
            self.emit(JsonEvent {
                schema: WATCH_SCHEMA,
                time: utc_now(),
                elapsed_s,
                domain,
                look,
                event: if consistent {
                    "consistent"
                } else {
                    "inconsistent"
                },
                source: None,
                role: None,
                answer: None,
                changes: &[],
            });
            return;
        }
        let what = if consistent {
            "= every source gives the same answer"
        } else {
            "≠ the sources do not all give the same answer (or some gave none)"
        };
        let line = format!("{}  {}  {what}", clock(), visible(domain));
        self.line(&line);
    }

    fn elapsed(&self) -> f64 {
        (self.started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0
    }
}

/// `HH:MM:SS` in UTC.
fn clock() -> String {
    utc_now()[11..19].to_string()
}

/// RFC 3339 UTC time, to the second: `2026-11-30T11:23:45Z`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_037_825), "2026-11-30T11:23:45Z");
    }
}
