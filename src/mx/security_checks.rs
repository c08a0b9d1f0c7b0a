//! Checks of the transport-security data (DESIGN §5): reverse DNS, MTA-STS,
//! TLS-RPT. They look only at what the security lookups filled in, so a
//! report without them (no `--security`) gets none of these findings.

use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::mx::dnssec::{DnssecStatus, TlsaLookup, exchange_signed};
use crate::mx::sts::{StsMode, StsStatus};
use crate::mx::{AddressStatus, Finding, MxReport, Severity};

/// Every code this module can produce, with its severity.
pub const CODES: &[(&str, Severity)] = &[
    ("address-no-ptr", Severity::Info),
    ("address-ptr-mismatch", Severity::Info),
    ("dnssec-bogus", Severity::Error),
    ("tlsa-insecure", Severity::Warning),
    ("tlsa-partial", Severity::Warning),
    ("tlsa-unusable", Severity::Warning),
    ("tlsa-lookup-failed", Severity::Error),
    // An error in mode enforce, a warning in mode testing.
    ("mta-sts-mx-not-covered", Severity::Error),
    ("mta-sts-policy-unreachable", Severity::Warning),
    ("mta-sts-invalid", Severity::Warning),
    ("mta-sts-id-missing", Severity::Warning),
    ("tls-rpt-missing", Severity::Info),
];

fn finding(code: &str, subject: &str, message: String, reference: &str) -> Finding {
    Finding::listed(CODES, code, subject, message, reference)
}

/// Every security check, in record order.
pub fn run(report: &MxReport) -> Vec<Finding> {
    let mut out = Vec::new();
    dnssec(report, &mut out);
    tlsa(report, &mut out);
    reverse_dns(report, &mut out);
    mta_sts(report, &mut out);
    tls_rpt(report, &mut out);
    out
}

fn dnssec(report: &MxReport, out: &mut Vec<Finding>) {
    let Some(d) = &report.dnssec else { return };
    let domain = &report.domain;
    if d.mx == DnssecStatus::Bogus {
        out.push(finding(
            "dnssec-bogus",
            &report.domain,
            format!(
                "The MX RRset of {domain} fails DNSSEC validation: validating resolvers answer SERVFAIL, so their senders cannot deliver mail at all. Re-sign the zone or fix the DS at the parent."
            ),
            "RFC 4035 §5",
        ));
    }
    for e in &d.exchanges {
        let bad: Vec<&str> = [("A", e.a), ("AAAA", e.aaaa)]
            .into_iter()
            .filter(|(_, s)| *s == DnssecStatus::Bogus)
            .map(|(t, _)| t)
            .collect();
        if bad.is_empty() {
            continue;
        }
        out.push(finding(
            "dnssec-bogus",
            &e.exchange,
            format!(
                "The {} RRset of {} fails DNSSEC validation: senders behind validating resolvers cannot find its address and skip it. Re-sign its zone or fix the DS at the parent.",
                bad.join(" and "),
                &e.exchange
            ),
            "RFC 4035 §5",
        ));
    }
}

fn tlsa(report: &MxReport, out: &mut Vec<Finding>) {
    let Some(hosts) = &report.tlsa else { return };
    let dane_hosts: Vec<&str> = hosts
        .iter()
        .filter(|h| h.dane_usable())
        .map(|h| h.exchange.as_str())
        .collect();
    for h in hosts {
        let exchange = &h.exchange;
        match h.lookup {
            TlsaLookup::Failed if exchange_signed(report, &h.exchange) => out.push(finding(
                "tlsa-lookup-failed",
                &h.exchange,
                format!(
                    "The TLSA query for _25._tcp.{exchange} failed ({}) although its zone is DNSSEC-signed: DANE senders cannot tell whether to authenticate it and defer mail to it.",
                    h.error.as_deref().unwrap_or("error")
                ),
                "RFC 7672 §2.2",
            )),
            TlsaLookup::Found => {
                if h.dnssec != DnssecStatus::Secure {
                    out.push(finding(
                        "tlsa-insecure",
                        &h.exchange,
                        format!(
                            "{exchange} publishes TLSA records but they are not DNSSEC-secure ({}): senders ignore them, so DANE does not protect it. Sign the zone of {exchange}.",
                            h.dnssec.as_str()
                        ),
                        "RFC 7672 §2.2",
                    ));
                }
                let reasons: Vec<String> = h.records.iter().filter_map(|r| r.unusable()).collect();
                if !reasons.is_empty() {
                    let all = reasons.len() == h.records.len();
                    out.push(finding(
                        "tlsa-unusable",
                        &h.exchange,
                        format!(
                            "{} of the {} TLSA records of {exchange} {} unusable: {}.{}",
                            reasons.len(),
                            h.records.len(),
                            if reasons.len() == 1 { "is" } else { "are" },
                            reasons.join("; "),
                            if all {
                                " With none usable, DANE senders fall back to unauthenticated TLS."
                            } else {
                                ""
                            }
                        ),
                        "RFC 7672 §3.1.3",
                    ));
                }
            }
            TlsaLookup::None if !dane_hosts.is_empty() => out.push(finding(
                "tlsa-partial",
                &h.exchange,
                format!(
                    "{exchange} has no TLSA record while {} of the same domain {}: DANE senders deliver to it without authentication, so an attacker who blocks the others gets the mail. Publish TLSA for {exchange} too.",
                    dane_hosts.join(", "),
                    if dane_hosts.len() == 1 { "has one" } else { "have them" }
                ),
                "RFC 7672 §2.2",
            )),
            _ => {}
        }
    }
}

fn mta_sts(report: &MxReport, out: &mut Vec<Finding>) {
    let Some(sts) = &report.mta_sts else { return };
    let domain = report.domain.as_str();
    let why = sts.error.as_deref().unwrap_or_default();
    match sts.status {
        StsStatus::Invalid => out.push(finding(
            "mta-sts-invalid",
            domain,
            format!("MTA-STS of {domain} is unusable: {why}. Senders apply no policy until it is fixed."),
            "RFC 8461 §3",
        )),
        StsStatus::Unreachable => out.push(finding(
            "mta-sts-policy-unreachable",
            domain,
            format!(
                "{domain} publishes an MTA-STS record but its policy cannot be fetched: {why}. New senders apply no policy; senders holding a cached one keep it until max_age runs out."
            ),
            "RFC 8461 §3.3",
        )),
        StsStatus::None | StsStatus::Ok | StsStatus::Error => {}
    }
    if sts.record.is_some() && sts.id.is_none() && sts.status != StsStatus::Invalid {
        out.push(finding(
            "mta-sts-id-missing",
            domain,
            format!(
                "The _mta-sts record of {domain} has no id= field, which RFC 8461 requires: the record is invalid, so senders apply no MTA-STS policy at all (the policy file is not enforced). Add id=<1 to 32 letters and digits> and change it with every policy update."
            ),
            "RFC 8461 §3.1",
        ));
    }
    // Without an id the record is invalid: senders never get to the policy.
    let Some(policy) = sts.policy_in_force() else {
        return;
    };
    let severity = match policy.mode {
        StsMode::Enforce => Severity::Error,
        StsMode::Testing => Severity::Warning,
        StsMode::None => return,
    };
    let mut seen = BTreeSet::new();
    for host in report.mx.iter().filter(|h| !h.is_null()) {
        if policy.covers(&host.exchange) || !seen.insert(host.exchange.as_str()) {
            continue;
        }
        let exchange = &host.exchange;
        let consequence = match policy.mode {
            StsMode::Enforce => format!(
                "senders that enforce MTA-STS refuse to deliver to {exchange}; when it is the only host left, mail is deferred and bounces"
            ),
            _ => format!(
                "in mode testing senders still deliver to {exchange} but report the failure; switching to enforce would make them refuse it"
            ),
        };
        let patterns: Vec<String> = policy.mx.clone();
        let mut f = finding(
            "mta-sts-mx-not-covered",
            &host.exchange,
            format!(
                "{exchange} (preference {}) matches no mx: line of the MTA-STS policy of {domain} ({}): {consequence}. Add \"mx: {}\" to the policy and change the record's id.",
                host.preference,
                patterns.join(", "),
                host.exchange.trim_end_matches('.')
            ),
            "RFC 8461 §4.1",
        );
        f.severity = severity;
        out.push(f);
    }
}

fn tls_rpt(report: &MxReport, out: &mut Vec<Finding>) {
    let Some(rpt) = &report.tls_rpt else { return };
    if rpt.usable() {
        return;
    }
    let sts_in_use = report.mta_sts.as_ref().is_some_and(|s| s.record.is_some());
    let dane_in_use = report
        .tlsa
        .as_ref()
        .is_some_and(|hosts| hosts.iter().any(|h| h.dane_usable()));
    if !sts_in_use && !dane_in_use {
        return;
    }
    let what = match (sts_in_use, dane_in_use) {
        (true, true) => "MTA-STS and DANE",
        (true, false) => "MTA-STS",
        _ => "DANE",
    };
    let domain = report.domain.as_str();
    let state = match (&rpt.record, &rpt.error) {
        (Some(_), Some(e)) => format!("its _smtp._tls record is unusable ({})", e),
        (None, Some(e)) => format!("its _smtp._tls lookup failed ({})", e),
        _ => "it publishes no _smtp._tls TXT record".to_string(),
    };
    out.push(finding(
        "tls-rpt-missing",
        domain,
        format!(
            "{} uses {what} but {state}: senders that fail TLS to its exchanges cannot tell anyone. Publish \"v=TLSRPTv1; rua=mailto:<address>\" at _smtp._tls.{}",
            domain,
            domain
        ),
        "RFC 8460 §3",
    ));
}

const RDNS_NOTE: &str = "Receiving MX rarely need reverse DNS (senders do not check the host they deliver to), but admins are asked about it, and the same address sending mail needs it";

fn reverse_dns(report: &MxReport, out: &mut Vec<Finding>) {
    let mut seen: BTreeSet<IpAddr> = BTreeSet::new();
    for host in &report.mx {
        for a in &host.addresses {
            let Some(ptr) = &a.ptr else { continue };
            if !seen.insert(a.ip) {
                continue;
            }
            let ip = a.ip.to_string();
            let exchange = &host.exchange;
            match ptr.status {
                AddressStatus::Nxdomain | AddressStatus::Nodata => out.push(finding(
                    "address-no-ptr",
                    &ip,
                    format!(
                        "{ip} ({exchange}) has no PTR record ({}). {RDNS_NOTE}: publish a PTR naming a host that resolves back to {ip}.",
                        ptr.status.as_str()
                    ),
                    "RFC 1912 §2.1",
                )),
                AddressStatus::Ok if !ptr.confirmed => {
                    let names: Vec<String> = ptr.names.clone();
                    out.push(finding(
                        "address-ptr-mismatch",
                        &ip,
                        format!(
                            "{ip} ({exchange}) has PTR {}, but no PTR name resolves back to {ip} (not forward-confirmed). {RDNS_NOTE}: point the PTR at a name whose {} record holds {ip}.",
                            names.join(", "),
                            if a.ip.is_ipv4() { "A" } else { "AAAA" }
                        ),
                        "RFC 1912 §2.1",
                    ));
                }
                // Confirmed, or the PTR query failed: nothing to say about the zone.
                _ => {}
            }
        }
    }
}
