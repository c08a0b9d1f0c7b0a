//! RFC checks over a report, producing the findings of DESIGN §5.
//!
//! Every finding says what is wrong in words a mail admin understands and
//! names the RFC that says so. Codes never change meaning; the set may grow.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::mx::{AddressStatus, Finding, MxHost, MxReport, Outcome, Severity};

mod reach;

/// Every code this module can produce, with its severity.
pub const CODES: &[(&str, Severity)] = &[
    ("null-mx", Severity::Info),
    ("null-mx-mixed", Severity::Error),
    ("null-mx-nonzero-preference", Severity::Warning),
    ("implicit-mx", Severity::Warning),
    ("no-mail-route", Severity::Error),
    ("nxdomain", Severity::Error),
    ("lookup-failed", Severity::Error),
    ("mx-target-cname", Severity::Error),
    ("mx-target-ip-literal", Severity::Error),
    ("mx-target-nxdomain", Severity::Error),
    ("mx-target-no-address", Severity::Error),
    ("mx-target-lookup-failed", Severity::Warning),
    ("mx-target-invalid-hostname", Severity::Warning),
    ("mx-target-non-routable-address", Severity::Warning),
    ("mx-duplicate-exchange", Severity::Warning),
    ("mx-shared-address", Severity::Info),
    ("single-mx", Severity::Info),
    ("no-ipv6", Severity::Info),
    ("no-ipv4", Severity::Warning),
    ("mx-all-non-routable", Severity::Error),
    ("mx-too-many-exchanges", Severity::Warning),
];

/// Distinct exchanges whose addresses one report looks up (the DNS layer
/// skips the rest and `mx-too-many-exchanges` says so).
pub const MAX_EXCHANGES: usize = 100;

struct Out<'a> {
    findings: Vec<Finding>,
    report: &'a MxReport,
}

impl Out<'_> {
    fn add(&mut self, code: &str, subject: &str, message: String, reference: &str) {
        let severity = CODES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, s)| *s)
            .expect("every code is listed in CODES");
        self.findings.push(Finding {
            code: code.to_string(),
            severity,
            subject: subject.to_string(),
            message,
            reference: reference.to_string(),
        });
    }
}

/// Runs every check; findings come most severe first, then in record order.
pub fn run(report: &MxReport) -> Vec<Finding> {
    let mut out = Out {
        findings: Vec::new(),
        report,
    };
    let domain = report.domain.as_str();
    match report.outcome {
        Outcome::Nxdomain => out.add(
            "nxdomain",
            domain,
            format!("{} does not exist (NXDOMAIN): mail to it bounces.", domain),
            "RFC 1035 §4.1.1",
        ),
        Outcome::Error => {
            let mut why = report.error_word().to_string();
            if let Some(detail) = &report.error_detail {
                why = format!("{why}: {detail}");
            }
            let advice = match report.error.as_ref().map(|e| e.as_str()) {
                Some("referral") => {
                    " The server is not authoritative for it and does not recurse: ask a recursive resolver, or the servers it names."
                }
                Some("cname-loop") => " Break the loop: one of the aliases must point at a name with records.",
                _ => " Check the resolver, then try again.",
            };
            out.add(
                "lookup-failed",
                domain,
                format!(
                    "The MX query for {} failed ({why}): nothing is known about its mail routing.{advice}",
                    domain
                ),
                "RFC 1035 §4.1.1",
            );
        }
        Outcome::NoMail => out.add(
            "no-mail-route",
            domain,
            format!(
                "{} has no MX record and no A/AAAA address: mail to it cannot be delivered. Publish an MX record, or a null MX (\"0 .\") if it should get no mail.",
                domain
            ),
            "RFC 5321 §5.1",
        ),
        Outcome::Implicit => {
            out.add(
                "implicit-mx",
                domain,
                format!(
                    "{} publishes no MX record; senders fall back to its own A/AAAA addresses. Publish an MX record (or a null MX if it takes no mail).",
                    domain
                ),
                "RFC 5321 §5.1",
            );
            hosts(&mut out);
        }
        Outcome::NullMx | Outcome::Mx => {
            null_mx(&mut out);
            hosts(&mut out);
        }
    }
    let mut findings = out.findings;
    findings.extend(crate::mx::security_checks::run(report));
    // Stable: most severe first, record order inside a severity.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}

fn null_mx(out: &mut Out) {
    let report = out.report;
    let nulls: Vec<&MxHost> = report.mx.iter().filter(|h| h.is_null()).collect();
    if nulls.is_empty() {
        return;
    }
    let domain = report.domain.as_str();
    if report.mx.len() == 1 {
        out.add(
            "null-mx",
            domain,
            format!(
                "{} publishes a null MX: it accepts no mail, and senders bounce at once instead of queueing.",
                domain
            ),
            "RFC 7505 §3",
        );
    } else {
        out.add(
            "null-mx-mixed",
            domain,
            format!(
                "{} publishes a null MX beside {} other MX record{}: a null MX must be the only MX record (another \".\" at a different preference counts too). Remove one or the other.",
                domain,
                report.mx.len() - 1,
                if report.mx.len() == 2 { "" } else { "s" }
            ),
            "RFC 7505 §3",
        );
    }
    for h in nulls {
        if h.preference != 0 {
            out.add(
                "null-mx-nonzero-preference",
                domain,
                format!(
                    "The null MX record has preference {}; it should be 0 (\"MX 0 .\").",
                    h.preference
                ),
                "RFC 7505 §3",
            );
        }
    }
}

fn hosts(out: &mut Out) {
    let report = out.report;
    let real: Vec<&MxHost> = report.mx.iter().filter(|h| !h.is_null()).collect();
    let mut seen = BTreeSet::new();
    for h in &real {
        if !seen.insert(h.exchange.as_str()) {
            continue;
        }
        host(out, h);
    }

    if report.outcome == Outcome::Mx {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for h in &real {
            *counts.entry(h.exchange.as_str()).or_default() += 1;
        }
        for (exchange, n) in &counts {
            if *n > 1 {
                out.add(
                    "mx-duplicate-exchange",
                    exchange,
                    format!(
                        "{} appears in {n} MX records (names compare case-insensitively): the extra records add no redundancy. Keep one.",
                        exchange
                    ),
                    "RFC 2181 §5",
                );
            }
        }
        if counts.len() == 1 {
            let only = counts.keys().next().copied().unwrap_or_default();
            out.add(
                "single-mx",
                report.domain.as_str(),
                format!(
                    "All mail goes to one host, {}: when it is down, senders queue the mail until it is back. Consider a second MX.",
                    only
                ),
                "RFC 5321 §5.1",
            );
        }
    }

    // Shared addresses: one address behind several exchanges.
    let mut by_ip: BTreeMap<IpAddr, BTreeSet<&str>> = BTreeMap::new();
    for h in &real {
        for a in &h.addresses {
            by_ip.entry(a.ip).or_default().insert(h.exchange.as_str());
        }
    }
    for (ip, exchanges) in &by_ip {
        if exchanges.len() > 1 {
            let names: Vec<&str> = exchanges.iter().copied().collect();
            out.add(
                "mx-shared-address",
                &ip.to_string(),
                format!(
                    "{} share the address {ip}: they fail together, so they count as one host for redundancy.",
                    names.join(", ")
                ),
                "RFC 5321 §5.1",
            );
        }
    }

    // IPv6: only when every AAAA query was answered and none had addresses.
    let any_address = real.iter().any(|h| !h.addresses.is_empty());
    let any_v6 = real
        .iter()
        .any(|h| h.addresses.iter().any(|a| a.ip.is_ipv6()));
    let aaaa_known = real
        .iter()
        .filter(|h| ip_literal(&h.exchange).is_none())
        .all(|h| !h.aaaa_status.is_failure() && h.address_status != AddressStatus::Skipped);
    if any_address && !any_v6 && aaaa_known {
        out.add(
            "no-ipv6",
            report.domain.as_str(),
            format!(
                "No exchange of {} has an IPv6 (AAAA) address: IPv6-only senders cannot deliver.",
                &report.domain
            ),
            "RFC 3974 §3",
        );
    }
    reach::families_and_routes(out, &real);
}

fn host(out: &mut Out, h: &MxHost) {
    let ex = h.exchange.as_str();
    if let Some(ip) = ip_literal(ex) {
        out.add(
            "mx-target-ip-literal",
            ex,
            format!(
                "The exchange is written as the IP address {ip}; an MX must name a host. Senders look it up as a name and fail. Publish a host name with an A/AAAA record."
            ),
            "RFC 5321 §5.1",
        );
        return;
    }
    if !h.cname.is_empty() {
        out.add(
            "mx-target-cname",
            ex,
            format!(
                "The exchange {} is an alias (CNAME → {}); an MX must point at a canonical name. Many senders accept it, some bounce. Point the MX at {} directly.",
                ex,
                h.cname.join(" → "),
                h.cname.last().map_or(ex, String::as_str)
            ),
            "RFC 2181 §10.3",
        );
    }
    if let Some(reason) = invalid_hostname(ex) {
        out.add(
            "mx-target-invalid-hostname",
            ex,
            format!("The exchange {} is not a valid host name: {reason}.", ex),
            "RFC 1123 §2.1",
        );
    }
    match (h.address_status, h.cname.last()) {
        (AddressStatus::Nxdomain, None) => out.add(
            "mx-target-nxdomain",
            ex,
            format!(
                "The exchange {} does not exist (NXDOMAIN): senders cannot reach it. Fix the MX record or create the host.",
                ex
            ),
            "RFC 5321 §5.1",
        ),
        (AddressStatus::Nxdomain, Some(target)) => out.add(
            "mx-target-nxdomain",
            ex,
            format!(
                "The exchange {} is an alias of {}, which does not exist (NXDOMAIN on the alias target): senders cannot reach it.",
                ex,
                target
            ),
            "RFC 6604 §2",
        ),
        (AddressStatus::Nodata, None) => out.add(
            "mx-target-no-address",
            ex,
            format!(
                "The exchange {} exists but has no A or AAAA record: senders cannot connect to it.",
                ex
            ),
            "RFC 5321 §5.1",
        ),
        (AddressStatus::Nodata, Some(target)) => out.add(
            "mx-target-no-address",
            ex,
            format!(
                "The exchange {} is an alias of {}, which has no A or AAAA record: senders cannot connect to it.",
                ex,
                target
            ),
            "RFC 5321 §5.1",
        ),
        _ => {}
    }
    let failed: Vec<String> = [("A", h.a_status), ("AAAA", h.aaaa_status)]
        .into_iter()
        .filter(|(_, s)| s.is_failure())
        .map(|(t, s)| format!("{t}: {}", s.as_str()))
        .collect();
    if !failed.is_empty() {
        let detail = h
            .lookup_detail
            .as_ref()
            .map_or(String::new(), |d| format!("; {}", d));
        out.add(
            "mx-target-lookup-failed",
            ex,
            format!(
                "The address lookup of {} failed ({}{detail}): its addresses are unknown or incomplete. Senders treat this as a temporary failure.",
                ex,
                failed.join(", ")
            ),
            "RFC 5321 §5.1",
        );
    }
    for a in &h.addresses {
        if let Some(kind) = non_routable(a.ip) {
            out.add(
                "mx-target-non-routable-address",
                ex,
                format!(
                    "{} resolves to {} ({kind}), which cannot be reached from the Internet.",
                    ex, a.ip
                ),
                "RFC 6890",
            );
        }
    }
}

/// The IP address an exchange is written as, if it is one (`192.0.2.1.`,
/// `[192.0.2.1]`, `2001:db8::1`).
pub fn ip_literal(exchange: &str) -> Option<IpAddr> {
    let s = exchange.strip_suffix('.').unwrap_or(exchange);
    let s = s.trim_start_matches('[').trim_end_matches(']');
    s.parse::<IpAddr>().ok()
}

/// Why `name` is not an LDH host name (RFC 952 / RFC 1123 §2.1), if it is not.
pub fn invalid_hostname(name: &str) -> Option<String> {
    let bare = name.strip_suffix('.').unwrap_or(name);
    if bare.len() > 253 {
        return Some(format!("it is {} octets long (limit 253)", bare.len()));
    }
    for label in bare.split('.') {
        if label.is_empty() {
            return Some("it has an empty label".into());
        }
        if label.len() > 63 {
            return Some(format!("a label is {} octets long (limit 63)", label.len()));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            let what = if c.is_control() {
                format!("a control character (\\{:03})", c as u32)
            } else if c == '\\' {
                "an escaped byte".to_string()
            } else {
                format!("'{c}'")
            };
            return Some(format!(
                "label \"{}\" contains {what}; only letters, digits and hyphens are allowed",
                label
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!("label \"{label}\" starts or ends with a hyphen"));
        }
    }
    None
}

/// What kind of non-Internet address `ip` is, if it is one. Documentation
/// ranges (RFC 5737, RFC 3849) are deliberately not flagged.
pub fn non_routable(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_routable_v4(v4),
        IpAddr::V6(v6) => non_routable_v6(v6),
    }
}

fn non_routable_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    if ip.is_unspecified() || o[0] == 0 {
        Some("unspecified, \"this network\"")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private, RFC 1918")
    } else if o[0] == 100 && (o[1] & 0xc0) == 64 {
        Some("shared address space, RFC 6598")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if ip.is_broadcast() {
        Some("broadcast")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if o[0] >= 240 {
        Some("reserved, RFC 1112")
    } else {
        None
    }
}

fn non_routable_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return non_routable_v4(v4);
    }
    if ip.is_unspecified() {
        Some("unspecified")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if (s[0] & 0xfe00) == 0xfc00 {
        Some("unique local, RFC 4193")
    } else if (s[0] & 0xffc0) == 0xfe80 {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_literals() {
        assert_eq!(
            ip_literal("192.0.2.55."),
            Some("192.0.2.55".parse().unwrap())
        );
        assert_eq!(
            ip_literal("[192.0.2.55]"),
            Some("192.0.2.55".parse().unwrap())
        );
        assert_eq!(ip_literal("mx1.example.test."), None);
        assert_eq!(ip_literal("1.example."), None);
    }

    #[test]
    fn hostnames() {
        assert_eq!(invalid_hostname("mx-1.example.test."), None);
        assert_eq!(invalid_hostname("1mx.example."), None);
        assert!(invalid_hostname("-mx.example.").is_some());
        assert!(invalid_hostname("mx_1.example.").is_some());
        let hostile = invalid_hostname("mx\u{1b}[31m.example.").unwrap();
        // The reason names the byte; the label stays data, escaped where
        // the text reaches a terminal.
        assert!(hostile.contains("(\\027)"), "{hostile}");
        assert!(invalid_hostname(&format!("{}.example.", "a".repeat(64))).is_some());
    }

    #[test]
    fn routability() {
        for ip in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.1.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "fd00::1",
            "fe80::1",
            "::1",
            "::",
            "ff02::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(non_routable(ip.parse().unwrap()).is_some(), "{ip}");
        }
        for ip in [
            "192.0.2.1",
            "198.51.100.1",
            "203.0.113.1",
            "2001:db8::1",
            "8.8.8.8",
            "100.128.0.1",
            "2a00:1450::1",
        ] {
            assert!(non_routable(ip.parse().unwrap()).is_none(), "{ip}");
        }
    }
}
