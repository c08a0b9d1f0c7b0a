//! Plain aligned text: what the selection shows on screen.

use std::fmt::Write as _;

use super::{Part, Scope, alias_chain, mx_owner, pad};
use crate::mx::escape::visible;
use crate::mx::{Address, MxHost, Outcome};

fn address_text(a: &Address) -> String {
    match &a.ptr {
        Some(p) => format!(
            "{} (ttl {}; {})",
            a.ip,
            a.ttl,
            p.describe(|n| visible(n).into_owned())
        ),
        None => format!("{} (ttl {})", a.ip, a.ttl),
    }
}

/// Columns of one host: preference, exchange, ttl, then one address per line.
fn host_rows(host: &MxHost, only: Option<&Address>) -> Vec<[String; 4]> {
    let chain = alias_chain(host);
    let mut exchange = visible(&host.exchange).into_owned();
    if chain.len() > 1 {
        let rest: Vec<String> = chain[1..].iter().map(|n| visible(n).into_owned()).collect();
        let _ = write!(exchange, " (alias of {})", rest.join(" -> "));
    }
    if let Some(p) = &host.provider {
        let _ = write!(exchange, " [{}]", visible(p));
    }
    let addresses: Vec<String> = if host.is_null() {
        vec!["null MX: no mail".to_string()]
    } else if let Some(a) = only {
        vec![address_text(a)]
    } else if host.addresses.is_empty() {
        vec![format!("no address ({})", host.address_status.as_str())]
    } else {
        host.addresses.iter().map(address_text).collect()
    };
    let mut rows = Vec::new();
    for (i, a) in addresses.into_iter().enumerate() {
        if i == 0 {
            rows.push([
                host.preference.to_string(),
                exchange.clone(),
                host.ttl.to_string(),
                a,
            ]);
        } else {
            rows.push([String::new(), String::new(), String::new(), a]);
        }
    }
    rows
}

pub(super) fn render(part: &Part) -> String {
    let report = part.report;
    let status = match report.outcome {
        Outcome::Error => format!("error ({})", report.error_word()),
        o => o.as_str().to_string(),
    };
    let mut domain = visible(&report.domain).into_owned();
    if mx_owner(report) != report.domain {
        let _ = write!(domain, " (alias of {})", visible(mx_owner(report)));
    }
    let mut out = format!(
        "{}  MX via {}: {}\n",
        domain,
        visible(&report.resolver),
        visible(&status)
    );
    let mut rows = vec![[
        "pref".to_string(),
        "exchange".to_string(),
        "ttl".to_string(),
        "addresses".to_string(),
    ]];
    match part.scope {
        Scope::Report => report
            .mx
            .iter()
            .for_each(|h| rows.extend(host_rows(h, None))),
        Scope::Host(h) => rows.extend(host_rows(h, None)),
        Scope::Address(h, a) => rows.extend(host_rows(h, Some(a))),
    }
    if rows.len() > 1 {
        let widths: Vec<usize> = (0..4)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        for r in &rows {
            let line = format!(
                "  {}  {}  {}  {}",
                pad(&r[0], widths[0]),
                pad(&r[1], widths[1]),
                pad(&r[2], widths[2]),
                r[3]
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    if matches!(part.scope, Scope::Report) {
        for (label, line) in crate::text::security::lines(report) {
            let _ = writeln!(out, "{label}: {line}");
        }
    }
    if matches!(part.scope, Scope::Report) && !report.findings.is_empty() {
        out.push_str("findings:\n");
        let sev = report
            .findings
            .iter()
            .map(|f| f.severity.as_str().len())
            .max()
            .unwrap_or(0);
        for f in &report.findings {
            let _ = writeln!(
                out,
                "  {}  {}  {}: {} ({})",
                pad(f.severity.as_str(), sev),
                visible(&f.code),
                visible(&f.subject),
                visible(&f.message),
                visible(&f.reference)
            );
        }
    }
    out
}
