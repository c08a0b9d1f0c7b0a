//! RFC 1035 master-file lines.
//!
//! Owner names are always absolute, so the lines paste into any zone file
//! whatever its `$ORIGIN`. What has no record (implicit MX, a missing
//! domain, an exchange without address, an alias chain whose CNAME TTLs the
//! report does not carry) is said in `;` comment lines.

use std::fmt::Write as _;

use super::{Part, Scope, alias_chain, canonical_name, mx_owner, pad};
use crate::mx::escape::visible;
use crate::mx::name::name_labels;
use crate::mx::{Address, Family, MxHost, Outcome};

/// Writes a report name (see [`name_labels`]) in master-file syntax
/// (RFC 1035 §5.1), absolute.
///
/// Letters, digits, `-` and `_` stay as they are; other printable ASCII is
/// written `\X` (so a `.` inside a label can never be confused with a label
/// separator, and `;`, `(`, `"`, `$`, `@` lose their special meaning);
/// everything else — controls, space, DEL, octets above 127 — as `\DDD`
/// with DDD the decimal octet. The result contains printable ASCII only.
/// `None` when the string cannot be a DNS name.
pub fn master_file_name(name: &str) -> Option<String> {
    let labels = name_labels(name)?;
    if labels.is_empty() {
        return Some(".".to_string());
    }
    let mut out = String::with_capacity(name.len() + 1);
    for label in labels {
        for b in label {
            match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' => out.push(char::from(b)),
                0x21..=0x7e => {
                    out.push('\\');
                    out.push(char::from(b));
                }
                _ => {
                    let _ = write!(out, "\\{b:03}");
                }
            }
        }
        out.push('.');
    }
    Some(out)
}

/// A name for a comment: master-file form, or visibly escaped when it is
/// not a valid name at all.
fn comment_name(name: &str) -> String {
    master_file_name(name).unwrap_or_else(|| format!("\"{}\"", visible(name)))
}

enum Line {
    Record {
        owner: String,
        ttl: u32,
        rtype: &'static str,
        data: String,
    },
    Comment(String),
}

#[derive(Default)]
struct Lines(Vec<Line>, Vec<String>);

impl Lines {
    fn comment(&mut self, text: String) {
        self.0.push(Line::Comment(text));
    }

    fn record(&mut self, owner: &str, ttl: u32, rtype: &'static str, data: String) {
        match master_file_name(owner) {
            Some(owner) => self.0.push(Line::Record {
                owner,
                ttl,
                rtype,
                data,
            }),
            None => self.comment(format!(
                "cannot write \"{}\" as a master-file name",
                visible(owner)
            )),
        }
    }

    fn mx(&mut self, domain: &str, host: &MxHost) {
        match master_file_name(&host.exchange) {
            Some(exchange) => self.record(
                domain,
                host.ttl,
                "MX",
                format!("{} {exchange}", host.preference),
            ),
            None => self.comment(format!(
                "cannot write the exchange \"{}\" as a master-file name",
                visible(&host.exchange)
            )),
        }
    }

    fn address(&mut self, owner: &str, a: &Address) {
        let rtype = match a.family {
            Family::Ipv4 => "A",
            Family::Ipv6 => "AAAA",
        };
        self.record(owner, a.ttl, rtype, a.ip.to_string());
        if let Some(p) = &a.ptr {
            // PTR records live in the reverse zone: a note, not a record.
            self.comment(format!("{} {}", a.ip, p.describe(comment_name)));
        }
    }

    /// The addresses of a host, with comments for aliases and absences.
    /// A name listed twice (duplicate MX records, in any letter case: DNS
    /// names compare case-insensitively) gets its lines once.
    fn host_addresses(&mut self, host: &MxHost) {
        if host.is_null()
            || self
                .1
                .iter()
                .any(|seen| seen.eq_ignore_ascii_case(&host.exchange))
        {
            return;
        }
        self.1.push(host.exchange.clone());
        let chain = alias_chain(host);
        if chain.len() > 1 {
            let names: Vec<String> = chain.iter().map(|n| comment_name(n)).collect();
            self.comment(format!(
                "{} is an alias (CNAME chain {}); the addresses belong to {}",
                names[0],
                names.join(" -> "),
                names[names.len() - 1]
            ));
        }
        if host.addresses.is_empty() {
            self.comment(format!(
                "{} has no address ({})",
                comment_name(&host.exchange),
                host.address_status.as_str()
            ));
        }
        let owner = canonical_name(host);
        for a in &host.addresses {
            self.address(owner, a);
        }
    }

    fn to_text(&self) -> String {
        let width = self
            .0
            .iter()
            .filter_map(|l| match l {
                Line::Record { owner, .. } => Some(owner.len()),
                Line::Comment(_) => None,
            })
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for line in &self.0 {
            match line {
                Line::Record {
                    owner,
                    ttl,
                    rtype,
                    data,
                } => {
                    let _ = writeln!(
                        out,
                        "{} {ttl:>6} IN {} {data}",
                        pad(owner, width),
                        pad(rtype, 4)
                    );
                }
                // Comment text is built from escaped names and our own words;
                // `visible` keeps any stray control character out regardless.
                Line::Comment(text) => {
                    let _ = writeln!(out, "; {}", visible(text));
                }
            }
        }
        out
    }
}

pub(super) fn render(part: &Part) -> String {
    let report = part.report;
    let domain = &report.domain;
    let mut lines = Lines::default();
    match part.scope {
        Scope::Address(host, a) => lines.address(canonical_name(host), a),
        Scope::Report | Scope::Host(_) => match report.outcome {
            Outcome::Implicit => {
                lines.comment(format!(
                    "{} has no MX record: mail goes to its own addresses (implicit MX, RFC 5321 §5.1)",
                    comment_name(domain)
                ));
                for host in part.hosts() {
                    lines.host_addresses(host);
                }
            }
            Outcome::NoMail if part.hosts().is_empty() => lines.comment(format!(
                "{} has no MX record and no address: no mail route",
                comment_name(domain)
            )),
            Outcome::Nxdomain => lines.comment(format!(
                "{} does not exist (NXDOMAIN)",
                comment_name(domain)
            )),
            Outcome::Error if part.hosts().is_empty() => lines.comment(format!(
                "{}: the MX lookup at {} failed ({})",
                comment_name(domain),
                report.resolver,
                report.error_word()
            )),
            _ => {
                // When the domain is an alias the MX records are the target's.
                let owner = mx_owner(report);
                if owner != domain.as_str() {
                    let mut chain = vec![comment_name(domain)];
                    chain.extend(
                        report
                            .domain_cname
                            .iter()
                            .filter(|n| *n != domain)
                            .map(|n| comment_name(n)),
                    );
                    lines.comment(format!(
                        "{} is an alias (CNAME chain {}); the MX records belong to {}",
                        chain[0],
                        chain.join(" -> "),
                        comment_name(owner)
                    ));
                }
                let hosts = part.hosts();
                for host in hosts {
                    lines.mx(owner, host);
                }
                for host in hosts {
                    lines.host_addresses(host);
                }
            }
        },
    }
    lines.to_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_to_printable_ascii() {
        assert_eq!(
            master_file_name("mx1.example.test.").as_deref(),
            Some("mx1.example.test.")
        );
        assert_eq!(master_file_name(".").as_deref(), Some("."));
        assert_eq!(
            master_file_name("e\u{1b}[31m\u{7}.x.").as_deref(),
            Some("e\\027\\[31m\\007.x.")
        );
        assert_eq!(
            master_file_name("a b;c\\.x").as_deref(),
            Some("a\\032b\\;c\\.x.")
        );
        assert_eq!(
            name_labels("a\\.b\\\\.\\233x.").unwrap(),
            [b"a.b\\".to_vec(), b"\xe9x".to_vec()]
        );
        assert_eq!(
            master_file_name("a\\.b\\\\.\\233x.").as_deref(),
            Some("a\\.b\\\\.\\233x.")
        );
        assert_eq!(master_file_name("é.x.").as_deref(), Some("\\195\\169.x."));
        assert_eq!(master_file_name("a..x."), None);
        assert_eq!(master_file_name(".x."), None);
        assert_eq!(
            name_labels("a\\\\\\.").unwrap(),
            [b"a\\.".to_vec()],
            "escaped backslash, then escaped dot: one label, relative"
        );
        assert_eq!(master_file_name(&format!("{}.x.", "a".repeat(64))), None);
    }

    #[test]
    fn a_duplicated_exchange_gets_its_addresses_once() {
        use crate::mx::{Address, MxReport};
        let mut r = MxReport::new("shared.test.", "system");
        r.outcome = Outcome::Mx;
        for (pref, name) in [(20, "backup.shared.test."), (30, "BACKUP.shared.test.")] {
            let mut h = MxHost::new(pref, name, 300);
            h.addresses
                .push(Address::new("192.0.2.1".parse().unwrap(), 60));
            r.mx.push(h);
        }
        let part = Part {
            report: &r,
            scope: Scope::Report,
        };
        let text = render(&part);
        assert_eq!(text.matches("MX").count(), 2, "{text}");
        assert_eq!(text.matches("IN A ").count(), 1, "{text}");
    }
}
