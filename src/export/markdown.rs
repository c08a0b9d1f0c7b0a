//! A Markdown table for tickets and chat: a heading line naming the domain,
//! one table row per host, then the findings (whole reports only).
//!
//! Every piece of data passes through [`visible`] and then [`md`], which
//! backslash-escapes the characters Markdown would act on (`|` would split
//! the cell, a backtick open a code span, `<` a tag, `*` `_` `~` emphasis,
//! `[` `]` a link), so the table renders the text as it is.

use std::fmt::Write as _;

use super::{Part, Scope, alias_chain, mx_owner};
use crate::mx::escape::visible;
use crate::mx::{Address, MxHost, Outcome};

/// Data as Markdown text that renders literally.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in visible(s).chars() {
        if matches!(
            c,
            '\\' | '`' | '|' | '*' | '_' | '<' | '>' | '[' | ']' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn exchange_cell(host: &MxHost) -> String {
    let chain = alias_chain(host);
    if chain.len() > 1 {
        let rest: Vec<String> = chain[1..].iter().map(|n| md(n)).collect();
        format!("{} (alias of {})", md(chain[0]), rest.join(" → "))
    } else {
        md(&host.exchange)
    }
}

fn address_md(a: &Address) -> String {
    match &a.ptr {
        Some(p) => format!("{} ({})", a.ip, p.describe(md)),
        None => a.ip.to_string(),
    }
}

fn addresses_cell(host: &MxHost, only: Option<&Address>) -> String {
    if host.is_null() {
        return "none (null MX)".to_string();
    }
    let list: Vec<String> = match only {
        Some(a) => vec![address_md(a)],
        None => host.addresses.iter().map(address_md).collect(),
    };
    if list.is_empty() {
        format!("none ({})", host.address_status.as_str())
    } else {
        list.join(", ")
    }
}

pub(super) fn render(part: &Part) -> String {
    let report = part.report;
    let mut domain = md(&report.domain);
    if mx_owner(report) != report.domain {
        let _ = write!(domain, " (alias of {})", md(mx_owner(report)));
    }
    let mut blocks = vec![format!(
        "### {domain} — MX as seen by {}",
        md(&report.resolver)
    )];
    let rows: Vec<(&MxHost, Option<&Address>)> = match part.scope {
        Scope::Report => report.mx.iter().map(|h| (h, None)).collect(),
        Scope::Host(h) => vec![(h, None)],
        Scope::Address(h, a) => vec![(h, Some(a))],
    };
    let note = match report.outcome {
        Outcome::Implicit => {
            Some("No MX record: mail goes to the domain's own addresses (implicit MX).".to_string())
        }
        Outcome::NullMx => Some("Null MX: the domain accepts no mail (RFC 7505).".to_string()),
        Outcome::NoMail => Some("No MX record and no address: no mail route.".to_string()),
        Outcome::Nxdomain => Some("The domain does not exist (NXDOMAIN).".to_string()),
        Outcome::Error => Some(format!(
            "The MX lookup failed ({}).",
            md(report.error_word())
        )),
        Outcome::Mx => None,
    };
    blocks.extend(note);
    if !rows.is_empty() {
        let mut table = String::from("| Preference | Exchange | TTL | Addresses | Provider |\n");
        table.push_str("| ---: | --- | ---: | --- | --- |");
        for (host, only) in rows {
            let _ = write!(
                table,
                "\n| {} | {} | {} | {} | {} |",
                host.preference,
                exchange_cell(host),
                host.ttl,
                addresses_cell(host, only),
                host.provider.as_deref().map(md).unwrap_or_default()
            );
        }
        blocks.push(table);
    }
    if matches!(part.scope, Scope::Report) && !report.findings.is_empty() {
        let list: Vec<String> = report
            .findings
            .iter()
            .map(|f| {
                format!(
                    "- {} {}: {} — {} ({})",
                    f.severity.as_str(),
                    md(&f.code),
                    md(&f.subject),
                    md(&f.message),
                    md(&f.reference)
                )
            })
            .collect();
        blocks.push(format!("Findings:\n\n{}", list.join("\n")));
    }
    let mut out = blocks.join("\n\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_and_controls() {
        assert_eq!(md("a|b`c"), "a\\|b\\`c");
        assert_eq!(md("_dmarc.x"), "\\_dmarc.x");
        assert_eq!(md("e\u{1b}[1m"), "e\\\\027\\[1m");
    }
}
