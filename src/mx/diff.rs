//! Comparing two reports of the same domain: two resolvers, or a saved
//! snapshot against now. Pure data in, a list of differences out.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::IpAddr;

use crate::mx::escape::visible;
use crate::mx::{MxReport, Outcome};

/// One difference between report `a` (before / first resolver) and `b`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Outcome {
        a: Outcome,
        b: Outcome,
    },
    Error {
        a: Option<String>,
        b: Option<String>,
    },
    RecordAdded {
        preference: u16,
        exchange: String,
    },
    RecordRemoved {
        preference: u16,
        exchange: String,
    },
    RecordTtl {
        exchange: String,
        a: u32,
        b: u32,
    },
    AddressAdded {
        exchange: String,
        ip: IpAddr,
    },
    AddressRemoved {
        exchange: String,
        ip: IpAddr,
    },
    FindingAdded {
        code: String,
        subject: String,
    },
    FindingRemoved {
        code: String,
        subject: String,
    },
}

/// The differences between two reports of one domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDiff {
    pub domain: String,
    /// Labels of the two sides (resolver addresses, or "snapshot" / "now").
    pub a: String,
    pub b: String,
    pub changes: Vec<Change>,
}

impl ReportDiff {
    pub fn is_same(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Compares `a` with `b`. With `ttls` false, TTL changes are ignored (a
/// caching resolver counts TTLs down, so they always differ).
pub fn diff(a: &MxReport, b: &MxReport, ttls: bool) -> ReportDiff {
    let mut changes = Vec::new();
    if a.outcome != b.outcome {
        changes.push(Change::Outcome {
            a: a.outcome,
            b: b.outcome,
        });
    }
    let err = |r: &MxReport| r.error.as_ref().map(|e| e.as_str().to_string());
    if err(a) != err(b) {
        changes.push(Change::Error {
            a: err(a),
            b: err(b),
        });
    }
    let records = |r: &MxReport| -> BTreeSet<(u16, String)> {
        r.mx.iter()
            .map(|h| (h.preference, h.exchange.clone()))
            .collect()
    };
    let (ra, rb) = (records(a), records(b));
    for (preference, exchange) in ra.difference(&rb) {
        changes.push(Change::RecordRemoved {
            preference: *preference,
            exchange: exchange.clone(),
        });
    }
    for (preference, exchange) in rb.difference(&ra) {
        changes.push(Change::RecordAdded {
            preference: *preference,
            exchange: exchange.clone(),
        });
    }
    if ttls {
        let ttl = |r: &MxReport| -> BTreeMap<String, u32> {
            r.mx.iter().map(|h| (h.exchange.clone(), h.ttl)).collect()
        };
        let tb = ttl(b);
        for (exchange, ta) in ttl(a) {
            if let Some(&tb) = tb.get(&exchange)
                && tb != ta
            {
                changes.push(Change::RecordTtl {
                    exchange,
                    a: ta,
                    b: tb,
                });
            }
        }
    }
    let (aa, ab) = (a.exchange_addresses(), b.exchange_addresses());
    for (exchange, ip) in aa.difference(&ab) {
        changes.push(Change::AddressRemoved {
            exchange: exchange.clone(),
            ip: *ip,
        });
    }
    for (exchange, ip) in ab.difference(&aa) {
        changes.push(Change::AddressAdded {
            exchange: exchange.clone(),
            ip: *ip,
        });
    }
    let findings = |r: &MxReport| -> BTreeSet<(String, String)> {
        r.findings
            .iter()
            .map(|f| (f.code.clone(), f.subject.clone()))
            .collect()
    };
    let (fa, fb) = (findings(a), findings(b));
    for (code, subject) in fa.difference(&fb) {
        changes.push(Change::FindingRemoved {
            code: code.clone(),
            subject: subject.clone(),
        });
    }
    for (code, subject) in fb.difference(&fa) {
        changes.push(Change::FindingAdded {
            code: code.clone(),
            subject: subject.clone(),
        });
    }
    ReportDiff {
        domain: b.domain.clone(),
        a: a.resolver.clone(),
        b: b.resolver.clone(),
        changes,
    }
}

/// How another resolver's answer stands against the reference's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// The same answer (TTLs aside).
    Same,
    /// A different answer.
    Differs(ReportDiff),
    /// One side gave no answer (timeout, unreachable, SERVFAIL, …): nothing
    /// is known, so nothing is said to differ.
    Unknown { resolver: String, error: String },
}

/// The error word of a report whose lookup failed, else `None`.
pub fn failure(r: &MxReport) -> Option<&str> {
    (r.outcome == Outcome::Error).then(|| r.error.as_ref().map_or("error", |e| e.as_str()))
}

/// Compares `other` with `reference` for the resolver comparison: a failed
/// lookup on either side is [`Comparison::Unknown`], never a list of
/// removed records.
pub fn compare(reference: &MxReport, other: &MxReport) -> Comparison {
    for r in [other, reference] {
        if let Some(e) = failure(r) {
            return Comparison::Unknown {
                resolver: r.resolver.clone(),
                error: e.to_string(),
            };
        }
    }
    let mut d = diff(reference, other, false);
    // The authoritative check and the TUI's security lookups join the
    // primary's report only: their findings say nothing about how the
    // resolvers differ.
    let primary_only = |code: &str| {
        crate::mx::authority::CODES
            .iter()
            .chain(crate::mx::security_checks::CODES)
            .any(|(c, _)| *c == code)
    };
    d.changes.retain(|c| match c {
        Change::FindingAdded { code, .. } | Change::FindingRemoved { code, .. } => {
            !primary_only(code)
        }
        _ => true,
    });
    if d.is_same() {
        Comparison::Same
    } else {
        Comparison::Differs(d)
    }
}

/// Seconds each side may keep serving its answer behind `change` (the TTL
/// it returned: a caching resolver's remaining TTL): the MX RRset's for a
/// record change (the negative TTL when it has no MX), the exchange's
/// addresses' for an address change. `None` when it does not apply.
pub fn expiry(change: &Change, a: &MxReport, b: &MxReport) -> Option<(Option<u32>, Option<u32>)> {
    let mx_ttl = |r: &MxReport| r.mx.iter().map(|h| h.ttl).min().or(r.negative_ttl);
    let addr_ttl = |r: &MxReport, exchange: &str| {
        r.mx.iter()
            .filter(|h| h.exchange == exchange)
            .flat_map(|h| h.addresses.iter().map(|x| x.ttl))
            .min()
    };
    match change {
        Change::RecordAdded { .. } | Change::RecordRemoved { .. } => Some((mx_ttl(a), mx_ttl(b))),
        Change::AddressAdded { exchange, .. } | Change::AddressRemoved { exchange, .. } => {
            Some((addr_ttl(a, exchange), addr_ttl(b, exchange)))
        }
        _ => None,
    }
}

/// "expires at 127.0.0.1:5353 in 41 m, at 127.0.0.1:5354 in 5 m": when each
/// resolver's cached answer behind `change` runs out and it asks again.
pub fn expiry_note(change: &Change, a: &MxReport, b: &MxReport) -> Option<String> {
    let (ta, tb) = expiry(change, a, b)?;
    let parts: Vec<String> = [(&a.resolver, ta), (&b.resolver, tb)]
        .into_iter()
        .filter_map(|(who, t)| t.map(|t| format!("at {} in {}", visible(who), human_secs(t))))
        .collect();
    (!parts.is_empty()).then(|| format!("expires {}", parts.join(", ")))
}

/// `45 s`, `41 m`, `2 h 5 m`, `3 d 4 h`.
pub fn human_secs(secs: u32) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    match () {
        _ if secs < 60 => format!("{s} s"),
        _ if secs < 3600 => {
            if s == 0 {
                format!("{m} m")
            } else {
                format!("{m} m {s} s")
            }
        }
        _ if secs < 86_400 => {
            if m == 0 {
                format!("{h} h")
            } else {
                format!("{h} h {m} m")
            }
        }
        _ if h == 0 => format!("{d} d"),
        _ => format!("{d} d {h} h"),
    }
}

impl fmt::Display for Change {
    /// One line, names escaped for the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = |s: &str| visible(s).into_owned();
        match self {
            Change::Outcome { a, b } => write!(f, "outcome {} → {}", a.as_str(), b.as_str()),
            Change::Error { a, b } => write!(
                f,
                "error {} → {}",
                a.as_deref().unwrap_or("none"),
                b.as_deref().unwrap_or("none")
            ),
            Change::RecordAdded {
                preference,
                exchange,
            } => write!(f, "+ MX {preference} {}", v(exchange)),
            Change::RecordRemoved {
                preference,
                exchange,
            } => write!(f, "- MX {preference} {}", v(exchange)),
            Change::RecordTtl { exchange, a, b } => {
                write!(f, "~ MX {} TTL {a} → {b}", v(exchange))
            }
            Change::AddressAdded { exchange, ip } => write!(f, "+ {} {ip}", v(exchange)),
            Change::AddressRemoved { exchange, ip } => write!(f, "- {} {ip}", v(exchange)),
            Change::FindingAdded { code, subject } => {
                write!(f, "+ finding {code} ({})", v(subject))
            }
            Change::FindingRemoved { code, subject } => {
                write!(f, "- finding {code} ({})", v(subject))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mx::{Address, MxHost};

    fn report(resolver: &str, hosts: &[(u16, &str, &[&str])]) -> MxReport {
        let mut r = MxReport::new("d.test.", resolver);
        r.outcome = Outcome::Mx;
        for (p, e, ips) in hosts {
            let mut h = MxHost::new(*p, *e, 300);
            h.addresses = ips
                .iter()
                .map(|ip| Address::new(ip.parse().unwrap(), 60))
                .collect();
            r.mx.push(h);
        }
        r
    }

    #[test]
    fn identical_reports_are_the_same() {
        let a = report("a", &[(10, "mx.d.test.", &["192.0.2.1"])]);
        let b = report("b", &[(10, "mx.d.test.", &["192.0.2.1"])]);
        let d = diff(&a, &b, true);
        assert!(d.is_same(), "{:?}", d.changes);
        assert_eq!((d.a.as_str(), d.b.as_str()), ("a", "b"));
    }

    #[test]
    fn records_addresses_and_outcome_changes() {
        let a = report(
            "a",
            &[(10, "mx.d.test.", &["192.0.2.1"]), (20, "old.d.test.", &[])],
        );
        let mut b = report(
            "b",
            &[(10, "mx.d.test.", &["192.0.2.2"]), (30, "new.d.test.", &[])],
        );
        b.mx[0].ttl = 60;
        let d = diff(&a, &b, true);
        let lines: Vec<String> = d.changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "- MX 20 old.d.test.",
                "+ MX 30 new.d.test.",
                "~ MX mx.d.test. TTL 300 → 60",
                "- mx.d.test. 192.0.2.1",
                "+ mx.d.test. 192.0.2.2",
            ]
        );
        assert_eq!(diff(&a, &b, false).changes.len(), 4, "TTLs ignored");
        let mut c = b.clone();
        c.outcome = Outcome::Error;
        assert!(matches!(
            diff(&b, &c, false).changes[0],
            Change::Outcome { .. }
        ));
    }

    #[test]
    fn a_failed_side_is_unknown_not_a_removal() {
        let a = report("a", &[(10, "mx.d.test.", &["192.0.2.1"])]);
        let mut b = MxReport::new("d.test.", "b");
        b.outcome = Outcome::Error;
        b.error = Some(crate::mx::LookupError::Timeout);
        assert_eq!(
            compare(&a, &b),
            Comparison::Unknown {
                resolver: "b".into(),
                error: "timeout".into()
            }
        );
        assert_eq!(compare(&b, &a), compare(&a, &b), "either side");
        assert_eq!(compare(&a, &a), Comparison::Same);
    }

    #[test]
    fn each_resolver_says_when_its_answer_expires() {
        let a = report("127.0.0.1:5353", &[(10, "old.d.test.", &["192.0.2.1"])]);
        let mut b = report("127.0.0.1:5354", &[(10, "new.d.test.", &[])]);
        b.mx[0].ttl = 2460;
        let Comparison::Differs(d) = compare(&a, &b) else {
            panic!("they differ")
        };
        let removed = &d.changes[0];
        assert_eq!(removed.to_string(), "- MX 10 old.d.test.");
        assert_eq!(
            expiry_note(removed, &a, &b).unwrap(),
            "expires at 127.0.0.1:5353 in 5 m, at 127.0.0.1:5354 in 41 m"
        );
        let addr = d
            .changes
            .iter()
            .find(|c| matches!(c, Change::AddressRemoved { .. }))
            .unwrap();
        assert_eq!(
            expiry_note(addr, &a, &b).unwrap(),
            "expires at 127.0.0.1:5353 in 1 m"
        );
        assert_eq!(human_secs(45), "45 s");
        assert_eq!(human_secs(7500), "2 h 5 m");
        assert_eq!(human_secs(86_400 * 3 + 3600 * 4), "3 d 4 h");
    }

    #[test]
    fn hostile_names_are_escaped_in_lines() {
        let a = report("a", &[]);
        let b = report("b", &[(10, "x\u{1b}[2J.d.test.", &[])]);
        let line = diff(&a, &b, false).changes[0].to_string();
        assert_eq!(line, "+ MX 10 x\\027[2J.d.test.");
    }
}
