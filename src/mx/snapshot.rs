//! Snapshots: the JSON Lines `mxlens check --format json` writes (one
//! `mxlens/report/v1` object per domain and resolver), read back strictly,
//! and compared with another snapshot or with live reports.
//!
//! Pure: bytes in, reports or a located error out. Reading and writing
//! files (with the one JSON writer) is `crate::snapshot_file`'s job.

use std::collections::HashMap;

use serde::Serialize;
use thiserror::Error;

use crate::mx::changes::{self, Change, DIFF_SCHEMA, Options};
use crate::mx::escape::visible;
use crate::mx::input::parse_domain;
use crate::mx::report::REPORT_SCHEMA;
use crate::mx::{MxReport, Outcome};

/// Why a snapshot cannot be used; `line` is 1-based. Every string taken
/// from the file is already escaped in `problem`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}{problem}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct ParseError {
    pub line: Option<usize>,
    pub problem: String,
}

impl ParseError {
    fn at(line: usize, problem: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            problem: problem.into(),
        }
    }
}

/// The reports of one snapshot, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub reports: Vec<MxReport>,
}

impl Snapshot {
    /// Reads JSON Lines of `mxlens/report/v1` objects. Blank lines are
    /// allowed; anything else that is not such a report is an error naming
    /// its line: text that is not JSON, a file cut off mid-record, another
    /// program's JSON, a report that repeats a domain and resolver.
    pub fn parse(bytes: &[u8]) -> Result<Self, ParseError> {
        let mut reports = Vec::new();
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        let ends_in_newline = bytes.last() == Some(&b'\n');
        let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
        let count = lines.len();
        for (i, raw) in lines.into_iter().enumerate() {
            let n = i + 1;
            let last = i + 1 == count;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let Ok(line) = std::str::from_utf8(raw) else {
                return Err(ParseError::at(n, "not UTF-8 text: not a snapshot"));
            };
            if line.trim().is_empty() {
                continue;
            }
            // The common case in one pass; a line that is not a report is
            // read again as plain JSON only to say what it is instead.
            let report = match serde_json::from_str::<MxReport>(line) {
                Ok(r) if r.schema == REPORT_SCHEMA => r,
                Ok(r) => return Err(foreign(n, Some(&r.schema))),
                Err(e) => return Err(diagnose(n, line, &e, last && !ends_in_newline)),
            };
            // Names go on to be looked up and shown: only the contract's
            // form (what `check` wrote) is accepted.
            if parse_domain(&report.domain).as_deref() != Ok(report.domain.as_str()) {
                return Err(ParseError::at(
                    n,
                    format!(
                        "\"{}\" is not a domain name as reports write them (lower case, trailing dot)",
                        visible(&report.domain)
                    ),
                ));
            }
            let key = (report.domain.clone(), report.resolver.clone());
            if let Some(first) = seen.get(&key) {
                return Err(ParseError::at(
                    n,
                    format!(
                        "repeats {} from resolver {} (first on line {first})",
                        visible(&key.0),
                        visible(&key.1)
                    ),
                ));
            }
            seen.insert(key, n);
            reports.push(report);
        }
        if reports.is_empty() {
            return Err(ParseError {
                line: None,
                problem: "holds no report (an empty snapshot)".into(),
            });
        }
        Ok(Self { reports })
    }

    /// Domains in file order, each once.
    pub fn domains(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.reports
            .iter()
            .filter(|r| seen.insert(r.domain.as_str()))
            .map(|r| r.domain.clone())
            .collect()
    }
}

/// The error for JSON whose `schema` is not a report's.
fn foreign(n: usize, schema: Option<&str>) -> ParseError {
    match schema {
        Some(other) => ParseError::at(
            n,
            format!(
                "schema \"{}\" is not {REPORT_SCHEMA}: not a snapshot",
                visible(other)
            ),
        ),
        None => ParseError::at(
            n,
            format!("JSON without \"schema\": \"{REPORT_SCHEMA}\": not an mxlens report"),
        ),
    }
}

/// What a line that did not read as a report is: cut off, not JSON,
/// another program's JSON, or a report with a bad field.
fn diagnose(n: usize, line: &str, err: &serde_json::Error, at_end: bool) -> ParseError {
    let value: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) if e.is_eof() && at_end => {
            return ParseError::at(n, "the file ends in the middle of a report (truncated)");
        }
        Err(e) => return ParseError::at(n, format!("not JSON ({})", visible(&e.to_string()))),
    };
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(REPORT_SCHEMA) => ParseError::at(
            n,
            format!(
                "not a valid {REPORT_SCHEMA} report ({})",
                visible(&err.to_string())
            ),
        ),
        other => foreign(n, other),
    }
}

/// Where one side of a comparison came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// A file name, or `live`.
    pub source: String,
    /// The resolver label the report carries.
    pub resolver: String,
}

/// What happened to one domain (and resolver) between the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Same,
    Changed,
    /// Only on the new side.
    Added,
    /// Only on the old side.
    Removed,
    /// The new side's lookup failed (and not the same way as the old
    /// side's): whether anything changed is not known.
    Unknown,
}

/// One line of `mxlens/diff/v1`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainDiff {
    pub schema: &'static str,
    pub domain: String,
    pub status: Status,
    pub before: Option<Side>,
    pub after: Option<Side>,
    /// With status `unknown`: the lookup error of the new side.
    pub error: Option<String>,
    pub changes: Vec<Change>,
}

/// Pairs `before` with `after` and classifies every change. A domain with
/// one report on each side is paired whatever the resolver labels say;
/// with several (a snapshot of several resolvers) reports pair by label.
/// Order: `before`'s, then what only `after` has.
pub fn diff_reports(
    before: &[MxReport],
    after: &[MxReport],
    sources: (&str, &str),
    opts: Options,
) -> Vec<DomainDiff> {
    let group = |rs: &[MxReport]| -> (Vec<String>, HashMap<String, Vec<usize>>) {
        let mut order = Vec::new();
        let mut by: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in rs.iter().enumerate() {
            let e = by.entry(r.domain.clone()).or_default();
            if e.is_empty() {
                order.push(r.domain.clone());
            }
            e.push(i);
        }
        (order, by)
    };
    let (order_b, by_b) = group(before);
    let (order_a, by_a) = group(after);
    let side = |source: &str, r: &MxReport| Side {
        source: source.to_string(),
        resolver: r.resolver.clone(),
    };
    let mut out = Vec::new();
    let mut one = |b: Option<&MxReport>, a: Option<&MxReport>| {
        let domain = a.or(b).map(|r| r.domain.clone()).unwrap_or_default();
        let mut d = DomainDiff {
            schema: DIFF_SCHEMA,
            domain,
            status: Status::Same,
            before: b.map(|r| side(sources.0, r)),
            after: a.map(|r| side(sources.1, r)),
            error: None,
            changes: Vec::new(),
        };
        match (b, a) {
            (Some(_), None) => d.status = Status::Removed,
            (None, Some(_)) => d.status = Status::Added,
            // The same failure on both sides is the same observation.
            (Some(b), Some(a))
                if a.outcome == Outcome::Error
                    && (b.outcome != Outcome::Error || b.error != a.error) =>
            {
                d.status = Status::Unknown;
                d.error = Some(a.error.as_ref().map_or("error", |e| e.as_str()).into());
            }
            (Some(b), Some(a)) => {
                d.changes = changes::classify(b, a, opts);
                if !d.changes.is_empty() {
                    d.status = Status::Changed;
                }
            }
            (None, None) => return,
        }
        out.push(d);
    };
    let empty = Vec::new();
    for domain in &order_b {
        let bs = &by_b[domain];
        let as_ = by_a.get(domain).unwrap_or(&empty);
        if bs.len() == 1 && as_.len() == 1 {
            one(Some(&before[bs[0]]), Some(&after[as_[0]]));
            continue;
        }
        let mut used = vec![false; as_.len()];
        for &i in bs {
            let b = &before[i];
            let m = as_
                .iter()
                .position(|&j| after[j].resolver == b.resolver)
                .filter(|&k| !used[k]);
            if let Some(k) = m {
                used[k] = true;
            }
            one(Some(b), m.map(|k| &after[as_[k]]));
        }
        for (k, &j) in as_.iter().enumerate() {
            if !used[k] {
                one(None, Some(&after[j]));
            }
        }
    }
    for domain in &order_a {
        if !by_b.contains_key(domain) {
            for &j in &by_a[domain] {
                one(None, Some(&after[j]));
            }
        }
    }
    out
}

/// diff(1)'s exit status: 0 all the same, 1 something differs, 2 some
/// answer could not be had (it wins: the comparison is incomplete).
pub fn exit_status(diffs: &[DomainDiff]) -> i32 {
    if diffs.iter().any(|d| d.status == Status::Unknown) {
        2
    } else if diffs.iter().any(|d| d.status != Status::Same) {
        1
    } else {
        0
    }
}

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod tests;
