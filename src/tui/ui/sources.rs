//! The side-by-side grid of the compare view: one row per MX record and per
//! exchange address, one column per source (each resolver, then each
//! authoritative address), the TTL each source gave in the cell (how long a
//! resolver keeps serving it), `·` where the source does not have it, `?`
//! where the source gave no answer.
//!
//! ```text
//! side by side (TTL at each source)     1     2     3     4
//! MX 10 mx-new.migrating.example.     1 m     ·     ·   1 m
//! MX 10 mx-old.migrating.example.       ·  41 m   1 h     ·
//! 1 demo (primary) · 2 demo-lagging · 3 127.0.0.2:5353 ns-old.demo.test. · …
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use ratatui::text::{Line, Span};

use super::{esc, fit};
use crate::mx::MxReport;
use crate::mx::authority::{AuthorityAnswer, AuthorityCheck, AuthorityStatus};
use crate::mx::diff::failure;
use crate::tui::state::{App, DomainEntry};

/// Cells per source column.
const COL: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Row {
    Mx(u16, String),
    Addr(String, IpAddr),
}

/// What one source said: `None` when it gave no answer.
struct Source {
    label: String,
    cells: Option<BTreeMap<Row, u32>>,
    /// Exchanges whose addresses this source speaks for (an authority: the
    /// ones in its zone); `None`: every exchange.
    speaks_for: Option<BTreeSet<String>>,
}

fn from_report(r: &MxReport) -> BTreeMap<Row, u32> {
    let mut m = BTreeMap::new();
    for h in &r.mx {
        m.insert(Row::Mx(h.preference, h.exchange.clone()), h.ttl);
        for a in &h.addresses {
            m.insert(Row::Addr(h.exchange.clone(), a.ip), a.ttl);
        }
    }
    m
}

fn from_authority(a: &AuthorityAnswer) -> BTreeMap<Row, u32> {
    let mut m = BTreeMap::new();
    for x in &a.mx {
        m.insert(Row::Mx(x.preference, x.exchange.clone()), x.ttl);
    }
    for x in &a.addresses {
        m.insert(Row::Addr(x.exchange.clone(), x.ip), x.ttl);
    }
    m
}

/// Whether `name` is at or under `zone` (both lower-case, trailing dot).
fn under(name: &str, zone: &str) -> bool {
    zone == "." || name == zone || name.ends_with(&format!(".{zone}"))
}

fn sources(app: &App, d: &DomainEntry) -> Vec<Source> {
    let mut out = Vec::new();
    for (i, label) in app.upstreams.iter().enumerate() {
        let cells = d
            .report_of(i)
            .filter(|r| failure(r).is_none())
            .map(from_report);
        let label = if i == 0 {
            format!("{} (primary)", esc(label))
        } else {
            esc(label).into_owned()
        };
        out.push(Source {
            label,
            cells,
            speaks_for: None,
        });
    }
    if let Some(check) = &d.authorities {
        let zone = check.zone.clone().unwrap_or_else(|| d.name.clone());
        for s in &check.servers {
            let cells = (s.status == AuthorityStatus::Answer).then(|| from_authority(s));
            let speaks_for =
                s.mx.iter()
                    .map(|m| m.exchange.clone())
                    .filter(|e| under(e, &zone))
                    .collect();
            out.push(Source {
                label: s.name(),
                cells,
                speaks_for: Some(speaks_for),
            });
        }
    }
    out
}

/// `60 s`, `41 m`, `1 h`, `2 d`: the largest whole unit, to fit a cell.
fn short(ttl: u32) -> String {
    match ttl {
        0..60 => format!("{ttl} s"),
        60..3600 => format!("{} m", ttl / 60),
        3600..86_400 => format!("{} h", ttl / 3600),
        _ => format!("{} d", ttl / 86_400),
    }
}

/// The grid's lines, `width` cells wide; empty with fewer than two sources.
pub fn grid(app: &App, d: &DomainEntry, width: usize) -> Vec<Line<'static>> {
    let sources = sources(app, d);
    if sources.len() < 2 {
        return Vec::new();
    }
    let rows: BTreeSet<Row> = sources
        .iter()
        .filter_map(|s| s.cells.as_ref())
        .flat_map(|c| c.keys().cloned())
        .collect();
    let name_w = width.saturating_sub(COL * sources.len()).max(12);
    let t = &app.theme;
    let mut out = Vec::new();
    let mut head = format!("{:<name_w$}", fit("side by side (TTL at each)", name_w));
    for i in 1..=sources.len() {
        head.push_str(&format!("{i:>COL$}"));
    }
    out.push(Line::styled(head, t.dim));
    for row in &rows {
        let label = match row {
            Row::Mx(p, e) => format!("MX {p} {}", esc(e)),
            Row::Addr(e, ip) => format!("  {} {ip}", esc(e)),
        };
        let mut cells = Vec::new();
        for s in &sources {
            let cell = match (&s.cells, row, &s.speaks_for) {
                (None, _, _) => "?".to_string(),
                (Some(_), Row::Addr(e, _), Some(names)) if !names.contains(e) => String::new(),
                (Some(c), _, _) => c.get(row).map_or("·".into(), |ttl| short(*ttl)),
            };
            cells.push(cell);
        }
        let answered: Vec<&String> = cells
            .iter()
            .filter(|c| *c != "?" && !c.is_empty())
            .collect();
        let differs = answered.iter().any(|c| *c == "·") && answered.iter().any(|c| *c != "·");
        let style = if differs {
            t.warning
        } else {
            ratatui::style::Style::new()
        };
        let mut text = format!("{:<name_w$}", fit(&label, name_w));
        for c in &cells {
            text.push_str(&format!("{c:>COL$}"));
        }
        out.push(Line::styled(text, style));
    }
    let legend: Vec<String> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let what = if s.cells.is_none() {
                " (no answer)"
            } else {
                ""
            };
            format!("{} {}{what}", i + 1, s.label)
        })
        .collect();
    for part in legend {
        out.push(Line::from(vec![Span::styled(
            format!("  {}", fit(&part, width.saturating_sub(2))),
            t.dim,
        )]));
    }
    out
}

/// The authorities' verdict line, or `None` when they were not asked.
pub fn authority_verdict(
    app: &App,
    check: Option<&AuthorityCheck>,
    pending: bool,
) -> Option<Line<'static>> {
    let t = &app.theme;
    if pending && check.is_none() {
        return Some(Line::styled(
            format!(
                "{} asking the authoritative servers…",
                super::spinner(app.spinner)
            ),
            t.pending,
        ));
    }
    let check = check?;
    if let Some(e) = &check.error {
        return Some(Line::styled(
            format!("? authoritative servers not found: {}", esc(e)),
            t.error,
        ));
    }
    let n = check.servers.len();
    let failed = check
        .servers
        .iter()
        .filter(|s| s.status != AuthorityStatus::Answer)
        .count();
    if n > 0 && failed == n {
        return Some(Line::styled(
            format!(
                "? none of the {n} authoritative server{} gave an authoritative answer",
                if n == 1 { "" } else { "s" }
            ),
            t.error,
        ));
    }
    let tail = if failed > 0 {
        format!(" ({failed} gave no authoritative answer)")
    } else {
        String::new()
    };
    Some(if check.consistent() {
        Line::styled(format!("= the {n} authoritative servers agree{tail}"), t.ok)
    } else {
        Line::styled(
            format!("≠ the {n} authoritative servers disagree{tail}"),
            t.warning,
        )
    })
}
