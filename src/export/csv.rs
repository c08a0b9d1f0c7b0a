//! CSV (RFC 4180): a header row, then one row per address.
//!
//! - Records end with CRLF (RFC 4180 §2.1); that CR is the only control
//!   character in the output: names pass through [`visible`] first.
//! - A field is quoted when it holds a comma, a double quote, CR or LF;
//!   quotes inside are doubled (§2.6, §2.7).
//! - Spreadsheet formula injection: a cell that starts with `=`, `+`, `-`
//!   or `@` would be run as a formula by Excel, LibreOffice and Sheets. Such
//!   cells (only a hostile name or provider can start that way; numbers and
//!   addresses never do) get a leading `'`, the OWASP recommendation, which
//!   spreadsheets show as text and which keeps the visible name recognisable.
//! - A host without addresses gives one row with empty `ip`, `family` and
//!   `address_ttl`; a report without hosts (NXDOMAIN, no mail route, lookup
//!   error) gives one row with only `domain`, so every domain appears.

use super::{Part, Scope};
use crate::mx::escape::visible;
use crate::mx::{Address, Family, MxHost};

/// The columns added when reverse DNS was looked up (`check --security`):
/// the PTR names (space-separated), the PTR query's status, and whether a
/// name resolves back to the address (`true`/`false`).
pub const PTR_HEADER: [&str; 3] = ["ptr", "ptr_status", "ptr_confirmed"];

/// The header row's fields.
pub const HEADER: [&str; 8] = [
    "domain",
    "preference",
    "exchange",
    "ttl",
    "ip",
    "family",
    "address_ttl",
    "provider",
];

/// One cell, guarded against formula injection and quoted as needed.
fn cell(value: &str) -> String {
    let value = visible(value);
    let guarded = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.into_owned()
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn push_row(out: &mut String, fields: [String; 8], ptr: Option<[String; 3]>) {
    let cells: Vec<String> = fields
        .iter()
        .chain(ptr.iter().flatten())
        .map(|f| cell(f))
        .collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

fn row(domain: &str, host: &MxHost, address: Option<&Address>) -> [String; 8] {
    let (ip, family, address_ttl) = match address {
        Some(a) => (
            a.ip.to_string(),
            match a.family {
                Family::Ipv4 => "ipv4",
                Family::Ipv6 => "ipv6",
            }
            .to_string(),
            a.ttl.to_string(),
        ),
        None => Default::default(),
    };
    [
        domain.to_string(),
        host.preference.to_string(),
        host.exchange.clone(),
        host.ttl.to_string(),
        ip,
        family,
        address_ttl,
        host.provider.clone().unwrap_or_default(),
    ]
}

/// The PTR cells of a row, when the stream has the PTR columns.
fn ptr_cells(with_ptr: bool, address: Option<&Address>) -> Option<[String; 3]> {
    if !with_ptr {
        return None;
    }
    Some(match address.and_then(|a| a.ptr.as_ref()) {
        Some(p) => [
            p.names.join(" "),
            p.status.as_str().to_string(),
            p.confirmed.to_string(),
        ],
        None => Default::default(),
    })
}

fn host_rows(out: &mut String, domain: &str, host: &MxHost, with_ptr: bool) {
    if host.addresses.is_empty() {
        push_row(out, row(domain, host, None), ptr_cells(with_ptr, None));
    }
    for a in &host.addresses {
        push_row(
            out,
            row(domain, host, Some(a)),
            ptr_cells(with_ptr, Some(a)),
        );
    }
}

/// Whether any address in `parts` has reverse DNS: then the PTR columns are written.
pub(super) fn has_ptr(parts: &[Part]) -> bool {
    parts.iter().any(|p| {
        p.report
            .mx
            .iter()
            .any(|h| h.addresses.iter().any(|a| a.ptr.is_some()))
    })
}

/// The header, then the rows of every part; the PTR columns when any
/// address has reverse DNS.
pub(super) fn render(parts: &[Part]) -> String {
    let with_ptr = has_ptr(parts);
    let mut out = header(with_ptr);
    out.push_str(&rows(parts, with_ptr));
    out
}

/// The header row with its CRLF.
pub(super) fn header(with_ptr: bool) -> String {
    let mut out = HEADER.join(",");
    if with_ptr {
        out.push(',');
        out.push_str(&PTR_HEADER.join(","));
    }
    out.push_str("\r\n");
    out
}

/// The rows of every part, without the header.
pub(super) fn rows(parts: &[Part], with_ptr: bool) -> String {
    let mut out = String::new();
    for part in parts {
        let domain = &part.report.domain;
        match part.scope {
            Scope::Address(host, a) => push_row(
                &mut out,
                row(domain, host, Some(a)),
                ptr_cells(with_ptr, Some(a)),
            ),
            Scope::Host(host) => host_rows(&mut out, domain, host, with_ptr),
            Scope::Report if part.report.mx.is_empty() => {
                push_row(
                    &mut out,
                    [
                        domain.clone(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ],
                    ptr_cells(with_ptr, None),
                );
            }
            Scope::Report => {
                for host in &part.report.mx {
                    host_rows(&mut out, domain, host, with_ptr);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(cell("-1+1,x"), "\"'-1+1,x\"");
        assert_eq!(cell("a\r\nb"), "a\\013\\010b");
        assert_eq!(cell(""), "");
    }
}
