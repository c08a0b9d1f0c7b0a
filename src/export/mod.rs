//! Renderings of a report, or of part of one, for copying and for
//! `mxlens check --format …`.
//!
//! A [`Selection`] is what the user points at: a whole [`MxReport`], one of
//! its hosts, or one address of a host. [`render`] turns it into one of the
//! [`ExportFormat`]s; [`render_many`] does the same for a list of reports.
//!
//! Safety: names come off the wire and may hold control characters or
//! terminal escape sequences. No rendering lets a control character through
//! except `\n` and `\t` (and the CR of CSV's CRLF record terminator): zone
//! and dig output write names with RFC 1035 §5.1 master-file escapes
//! (`\DDD` decimal, `\X`), the other formats with [`crate::mx::escape::visible`].
//!
//! Names in a report are read as the DNS layer writes them
//! (`dns::wire::name_to_string`): octets below 128 as themselves, `\.` and
//! `\\` for a dot or backslash inside a label, `\DDD` for octets above 127
//! ([`name_labels`]).

mod csv;
mod dig;
mod json;
mod markdown;
mod text;
mod zone;

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::mx::escape::visible;
use crate::mx::{Address, Finding, MxHost, MxReport};

pub use crate::mx::name::name_labels;
pub use json::line as json_line;
pub use zone::master_file_name;

/// The text formats a selection can be rendered in. The default, what `y`
/// copies, is [`ExportFormat::Zone`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ExportFormat {
    /// RFC 1035 master-file lines (MX, A, AAAA).
    #[default]
    Zone,
    /// `dig` commands that repeat the lookup against the same upstream.
    Dig,
    /// The `mxlens/report/v1` contract, or the selected host or address object.
    Json,
    /// RFC 4180 CSV, one row per address.
    Csv,
    /// A Markdown table for tickets and chat.
    Markdown,
    /// Plain aligned text.
    Text,
}

impl ExportFormat {
    /// Every format, in the order a picker lists them.
    pub fn all() -> &'static [ExportFormat] {
        &[
            ExportFormat::Zone,
            ExportFormat::Dig,
            ExportFormat::Json,
            ExportFormat::Csv,
            ExportFormat::Markdown,
            ExportFormat::Text,
        ]
    }

    /// Every format's name, comma-separated, for messages.
    pub fn names() -> String {
        let names: Vec<&str> = Self::all().iter().map(|f| f.name()).collect();
        names.join(", ")
    }

    /// One line for help.
    pub fn description(self) -> &'static str {
        match self {
            ExportFormat::Zone => "RFC 1035 master-file lines (MX, A, AAAA)",
            ExportFormat::Dig => "dig commands that repeat the lookups",
            ExportFormat::Json => "JSON Lines: one mxlens/report/v1 object per domain",
            ExportFormat::Csv => "RFC 4180 CSV, one row per address",
            ExportFormat::Markdown => "a Markdown table",
            ExportFormat::Text => "aligned text for people",
        }
    }

    /// The name used on the command line and in the format picker.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Zone => "zone",
            ExportFormat::Dig => "dig",
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
            ExportFormat::Markdown => "markdown",
            ExportFormat::Text => "text",
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An export format name that is not one of [`ExportFormat::all`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("\"{0}\" is not an export format; use one of {list}", list = ExportFormat::names())]
pub struct UnknownFormat(pub String);

impl FromStr for ExportFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let want = s.trim();
        ExportFormat::all()
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(want))
            .ok_or_else(|| UnknownFormat(visible(s).into_owned()))
    }
}

/// What is being exported: a whole report, one host (index into `mx`), or
/// one address (host index, address index).
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    Report(&'a MxReport),
    Host(&'a MxReport, usize),
    Address(&'a MxReport, usize, usize),
}

/// A rendering ready to copy or print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The text; ends with a newline unless empty.
    pub text: String,
    /// For a status line: what the text holds, counted in the format's own
    /// unit, e.g. "3 records as zone lines", "2 rows as CSV", "the host as
    /// JSON", "a comment (no records) as zone lines" ([`summary`]).
    pub summary: String,
    /// DNS records (MX, A, AAAA) the selection holds, each once: the
    /// resource-record lines its `zone` rendering has.
    pub record_count: usize,
}

/// Renders `sel` in `fmt`.
///
/// A selection whose index is out of range renders as empty text with a
/// summary that says so (the TUI may hold a stale index for a moment).
pub fn render(sel: &Selection, fmt: ExportFormat) -> Rendered {
    let Some(part) = Part::of(sel) else {
        return Rendered {
            text: String::new(),
            summary: "nothing to copy: the selection is no longer in the report".to_string(),
            record_count: 0,
        };
    };
    let text = match fmt {
        ExportFormat::Zone => zone::render(&part),
        ExportFormat::Dig => dig::render(&part),
        ExportFormat::Json => json::render(&part),
        ExportFormat::Csv => csv::render(std::slice::from_ref(&part)),
        ExportFormat::Markdown => markdown::render(&part),
        ExportFormat::Text => text::render(&part),
    };
    let zone_text;
    let zone = if fmt == ExportFormat::Zone {
        &text
    } else {
        zone_text = zone::render(&part);
        &zone_text
    };
    let record_count = zone_records(zone);
    Rendered {
        summary: summary(fmt, &part.scope, &text),
        text,
        record_count,
    }
}

/// Resource-record lines of zone text (the rest are `;` comments).
fn zone_records(zone: &str) -> usize {
    zone.lines().filter(|l| !l.starts_with(';')).count()
}

/// `n` and `noun`, plural when `n` is not 1: "1 row", "3 rows".
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// What `text`, a rendering of `scope` in `fmt`, holds, counted in the
/// format's unit: zone resource-record lines (or the comments when there
/// is no record), CSV data rows, dig commands, Markdown table rows, lines
/// of text, the JSON object.
fn summary(fmt: ExportFormat, scope: &Scope, text: &str) -> String {
    match fmt {
        ExportFormat::Zone => match zone_records(text) {
            0 => {
                let comments = text.lines().filter(|l| l.starts_with(';')).count();
                let what = if comments == 1 {
                    "a comment".to_string()
                } else {
                    format!("{comments} comments")
                };
                format!("{what} (no records) as zone lines")
            }
            n => format!("{} as zone lines", counted(n, "record")),
        },
        ExportFormat::Dig => {
            let n = text.lines().filter(|l| l.starts_with("dig ")).count();
            counted(n, "dig command")
        }
        ExportFormat::Json => format!(
            "the {} as JSON",
            match scope {
                Scope::Report => "report",
                Scope::Host(_) => "host",
                Scope::Address(..) => "address",
            }
        ),
        ExportFormat::Csv => {
            // Cells never hold a raw line break: one line per record.
            let rows = text.lines().count().saturating_sub(1);
            format!("{} as CSV", counted(rows, "row"))
        }
        ExportFormat::Markdown => {
            // The header and the delimiter row are not counted.
            let rows = text.lines().filter(|l| l.starts_with('|')).count();
            match rows.saturating_sub(2) {
                0 => "a Markdown note (no table)".to_string(),
                n => format!("a Markdown table of {}", counted(n, "row")),
            }
        }
        ExportFormat::Text => format!("{} of text", counted(text.lines().count(), "line")),
    }
}

/// Renders whole reports one after the other, for `mxlens check --format`.
///
/// CSV has one header row, then the rows of every report; JSON is JSON
/// Lines (one compact report per line); the other formats separate reports
/// with a blank line. The same as feeding every report to one
/// [`ReportStream`] and concatenating what it returns.
pub fn render_many(reports: &[MxReport], fmt: ExportFormat) -> String {
    let with_ptr = reports.iter().any(|r| {
        r.mx.iter()
            .any(|h| h.addresses.iter().any(|a| a.ptr.is_some()))
    });
    let mut stream = ReportStream::new(fmt).with_ptr_columns(with_ptr);
    reports.iter().map(|r| stream.push(r)).collect()
}

/// Renders reports one at a time as they arrive, so `check` can stream a
/// long domain list: the first push carries the CSV header, later pushes
/// of block formats start with the blank separator line.
#[derive(Debug, Clone)]
pub struct ReportStream {
    fmt: ExportFormat,
    started: bool,
    /// CSV: whether the PTR columns are written (fixed by the first push
    /// unless set with [`ReportStream::with_ptr_columns`]).
    ptr_columns: Option<bool>,
}

impl ReportStream {
    pub fn new(fmt: ExportFormat) -> Self {
        ReportStream {
            fmt,
            started: false,
            ptr_columns: None,
        }
    }

    /// CSV: write the PTR columns (`check --security`) or not, whatever the
    /// first report holds, so every row of a stream has the header's columns.
    pub fn with_ptr_columns(mut self, on: bool) -> Self {
        self.ptr_columns = Some(on);
        self
    }

    /// The text to write for `report`.
    pub fn push(&mut self, report: &MxReport) -> String {
        let first = !self.started;
        self.started = true;
        let part = Part {
            report,
            scope: Scope::Report,
        };
        match self.fmt {
            ExportFormat::Csv => {
                let parts = std::slice::from_ref(&part);
                let with_ptr = *self.ptr_columns.get_or_insert_with(|| csv::has_ptr(parts));
                let rows = csv::rows(parts, with_ptr);
                if first {
                    csv::header(with_ptr) + &rows
                } else {
                    rows
                }
            }
            ExportFormat::Json => json::render_line(&part),
            fmt => {
                let block = match fmt {
                    ExportFormat::Zone => zone::render(&part),
                    ExportFormat::Dig => dig::render(&part),
                    ExportFormat::Markdown => markdown::render(&part),
                    _ => text::render(&part),
                };
                if first { block } else { format!("\n{block}") }
            }
        }
    }
}

/// One finding as copied by the TUI's `c` key: severity, code, subject,
/// message and the RFC reference on one line, visibly escaped.
pub fn render_finding(f: &Finding) -> Rendered {
    let text = format!(
        "{} {}: {}: {} ({})\n",
        f.severity.as_str(),
        visible(&f.code),
        visible(&f.subject),
        visible(&f.message),
        visible(&f.reference)
    );
    Rendered {
        text,
        summary: format!("finding {} with its reference", visible(&f.code)),
        record_count: 0,
    }
}

/// A resolved selection: the report and the part of it that is selected.
struct Part<'a> {
    report: &'a MxReport,
    scope: Scope<'a>,
}

enum Scope<'a> {
    Report,
    Host(&'a MxHost),
    Address(&'a MxHost, &'a Address),
}

impl<'a> Part<'a> {
    fn of(sel: &Selection<'a>) -> Option<Part<'a>> {
        Some(match *sel {
            Selection::Report(report) => Part {
                report,
                scope: Scope::Report,
            },
            Selection::Host(report, h) => Part {
                report,
                scope: Scope::Host(report.mx.get(h)?),
            },
            Selection::Address(report, h, a) => {
                let host = report.mx.get(h)?;
                Part {
                    report,
                    scope: Scope::Address(host, host.addresses.get(a)?),
                }
            }
        })
    }

    /// The hosts in the selection (none for an address selection).
    fn hosts(&self) -> &'a [MxHost] {
        match self.scope {
            Scope::Report => &self.report.mx,
            Scope::Host(h) => std::slice::from_ref(h),
            Scope::Address(..) => &[],
        }
    }
}

/// The name that owns the MX records: the end of the domain's CNAME chain.
fn mx_owner(report: &MxReport) -> &str {
    report
        .domain_cname
        .last()
        .map_or(&report.domain, String::as_str)
}

/// The name that owns a host's addresses: the end of its CNAME chain.
fn canonical_name(host: &MxHost) -> &str {
    host.cname.last().map_or(&host.exchange, String::as_str)
}

/// The aliases from the exchange to its canonical name, exchange first.
fn alias_chain(host: &MxHost) -> Vec<&str> {
    let mut chain = vec![host.exchange.as_str()];
    for name in &host.cname {
        if chain.last() != Some(&name.as_str()) {
            chain.push(name);
        }
    }
    chain
}

/// Pads `s` with spaces to `width` characters.
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in ExportFormat::all() {
            assert_eq!(f.name().parse::<ExportFormat>(), Ok(*f));
        }
        assert_eq!("ZONE".parse::<ExportFormat>(), Ok(ExportFormat::Zone));
        let e = "yaml\u{1b}"
            .parse::<ExportFormat>()
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"yaml\\027\""), "{e}");
    }

    #[test]
    fn finding_line_carries_the_reference() {
        let f = Finding {
            code: "mx-target-cname".into(),
            severity: crate::mx::Severity::Error,
            subject: "mail\u{1b}[2J.test.".into(),
            message: "the exchange is an alias".into(),
            reference: "RFC 2181 §10.3".into(),
        };
        let out = render_finding(&f);
        assert_eq!(
            out.text,
            "error mx-target-cname: mail\\027[2J.test.: the exchange is an alias (RFC 2181 §10.3)\n"
        );
        assert_eq!(out.summary, "finding mx-target-cname with its reference");
    }

    #[test]
    fn stale_index_renders_nothing() {
        let r = MxReport::new("example.test.", "system");
        let out = render(&Selection::Host(&r, 3), ExportFormat::Zone);
        assert_eq!(out.text, "");
        assert_eq!(out.record_count, 0);
        assert!(out.summary.contains("no longer"), "{}", out.summary);
    }

    #[test]
    fn alias_chain_accepts_both_spellings() {
        let mut h = MxHost::new(10, "mail.example.test.", 300);
        h.cname = vec!["real.example.test.".into()];
        assert_eq!(
            alias_chain(&h),
            ["mail.example.test.", "real.example.test."]
        );
        h.cname = vec!["mail.example.test.".into(), "real.example.test.".into()];
        assert_eq!(
            alias_chain(&h),
            ["mail.example.test.", "real.example.test."]
        );
        assert_eq!(canonical_name(&h), "real.example.test.");
    }
}
