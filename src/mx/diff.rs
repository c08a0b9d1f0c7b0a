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
    let addrs = |r: &MxReport| -> BTreeSet<(String, IpAddr)> {
        r.mx.iter()
            .flat_map(|h| h.addresses.iter().map(|x| (h.exchange.clone(), x.ip)))
            .collect()
    };
    let (aa, ab) = (addrs(a), addrs(b));
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
    fn hostile_names_are_escaped_in_lines() {
        let a = report("a", &[]);
        let b = report("b", &[(10, "x\u{1b}[2J.d.test.", &[])]);
        let line = diff(&a, &b, false).changes[0].to_string();
        assert_eq!(line, "+ MX 10 x\\027[2J.d.test.");
    }
}
