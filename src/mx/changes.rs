//! Classifying what changed for one domain between a snapshot and another
//! snapshot or the live answers (`mxlens diff`, `check --baseline`).
//!
//! Pure data in, a list of classified changes out; the `mxlens/diff/v1`
//! contract (README) serialises these types as they are.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::mx::escape::visible;
use crate::mx::{Family, MxReport, Outcome, Severity};

/// Schema identifier of every `mxlens diff --format json` line.
pub const DIFF_SCHEMA: &str = "mxlens/diff/v1";

/// Which record set a TTL belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RecordKind {
    #[serde(rename = "MX")]
    Mx,
    A,
    #[serde(rename = "AAAA")]
    Aaaa,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Mx => "MX",
            RecordKind::A => "A",
            RecordKind::Aaaa => "AAAA",
        }
    }
}

/// One classified change from `before` to `after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// The outcome word changed (`mx` → `null_mx`, `error` → `mx`, …).
    Outcome {
        before: Outcome,
        after: Outcome,
    },
    /// The lookup error word changed (with outcome `error` on one side).
    Error {
        before: Option<String>,
        after: Option<String>,
    },
    ExchangeAdded {
        preference: u16,
        exchange: String,
    },
    ExchangeRemoved {
        preference: u16,
        exchange: String,
    },
    /// The same exchange, listed once on each side, at another preference.
    PreferenceChanged {
        exchange: String,
        before: u16,
        after: u16,
    },
    AddressAdded {
        exchange: String,
        ip: IpAddr,
    },
    AddressRemoved {
        exchange: String,
        ip: IpAddr,
    },
    /// The TTL of an exchange's MX, A or AAAA record set.
    TtlChanged {
        exchange: String,
        record: RecordKind,
        before: u32,
        after: u32,
    },
    /// The set of mail providers the domain's exchanges belong to.
    ProviderChanged {
        before: Vec<String>,
        after: Vec<String>,
    },
    FindingAdded {
        code: String,
        severity: Severity,
        subject: String,
    },
    FindingResolved {
        code: String,
        severity: Severity,
        subject: String,
    },
}

impl Change {
    /// The contract's `kind` word.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Outcome { .. } => "outcome",
            Change::Error { .. } => "error",
            Change::ExchangeAdded { .. } => "exchange_added",
            Change::ExchangeRemoved { .. } => "exchange_removed",
            Change::PreferenceChanged { .. } => "preference_changed",
            Change::AddressAdded { .. } => "address_added",
            Change::AddressRemoved { .. } => "address_removed",
            Change::TtlChanged { .. } => "ttl_changed",
            Change::ProviderChanged { .. } => "provider_changed",
            Change::FindingAdded { .. } => "finding_added",
            Change::FindingResolved { .. } => "finding_resolved",
        }
    }

    /// `+` something appeared, `-` something went, `~` something changed.
    pub fn sign(&self) -> char {
        match self {
            Change::ExchangeAdded { .. } | Change::AddressAdded { .. } => '+',
            Change::FindingAdded { .. } => '+',
            Change::ExchangeRemoved { .. } | Change::AddressRemoved { .. } => '-',
            Change::FindingResolved { .. } => '-',
            _ => '~',
        }
    }
}

/// What to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Compare TTLs. Off when one side comes from a caching resolver, which
    /// counts TTLs down so that they always differ.
    pub ttls: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { ttls: true }
    }
}

/// Every change from `before` to `after`, in a fixed order: outcome and
/// error, exchanges, TTLs, addresses, providers, findings.
pub fn classify(before: &MxReport, after: &MxReport, opts: Options) -> Vec<Change> {
    let mut out = Vec::new();
    if before.outcome != after.outcome {
        out.push(Change::Outcome {
            before: before.outcome,
            after: after.outcome,
        });
    }
    let err = |r: &MxReport| r.error.as_ref().map(|e| e.as_str().to_string());
    if err(before) != err(after) {
        out.push(Change::Error {
            before: err(before),
            after: err(after),
        });
    }
    exchanges(before, after, &mut out);
    if opts.ttls {
        ttls(before, after, &mut out);
    }
    addresses(before, after, &mut out);
    let (pb, pa) = (providers(before), providers(after));
    if pb != pa {
        out.push(Change::ProviderChanged {
            before: pb,
            after: pa,
        });
    }
    findings(before, after, &mut out);
    out
}

/// Preferences of each exchange, sorted (an exchange may be listed twice).
fn preferences(r: &MxReport) -> BTreeMap<&str, Vec<u16>> {
    let mut m: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
    for h in &r.mx {
        m.entry(h.exchange.as_str()).or_default().push(h.preference);
    }
    for v in m.values_mut() {
        v.sort_unstable();
    }
    m
}

fn exchanges(before: &MxReport, after: &MxReport, out: &mut Vec<Change>) {
    let (b, a) = (preferences(before), preferences(after));
    let mut removed = Vec::new();
    let mut added = Vec::new();
    let mut moved = Vec::new();
    let names: BTreeSet<&str> = b.keys().chain(a.keys()).copied().collect();
    for name in names {
        let pb = b.get(name).map_or(&[][..], Vec::as_slice);
        let pa = a.get(name).map_or(&[][..], Vec::as_slice);
        if pb == pa {
            continue;
        }
        if let ([x], [y]) = (pb, pa) {
            moved.push(Change::PreferenceChanged {
                exchange: name.to_string(),
                before: *x,
                after: *y,
            });
            continue;
        }
        // Multiset difference: records only on one side.
        let mut rest: Vec<u16> = pa.to_vec();
        for p in pb {
            match rest.iter().position(|q| q == p) {
                Some(i) => {
                    rest.remove(i);
                }
                None => removed.push((*p, name)),
            }
        }
        added.extend(rest.into_iter().map(|p| (p, name)));
    }
    removed.sort_unstable();
    added.sort_unstable();
    out.extend(
        removed
            .into_iter()
            .map(|(preference, exchange)| Change::ExchangeRemoved {
                preference,
                exchange: exchange.to_string(),
            }),
    );
    out.extend(
        added
            .into_iter()
            .map(|(preference, exchange)| Change::ExchangeAdded {
                preference,
                exchange: exchange.to_string(),
            }),
    );
    out.extend(moved);
}

/// TTL of each (exchange, record set); an RRset's TTL is its smallest.
fn ttl_map(r: &MxReport) -> BTreeMap<(&str, RecordKind), u32> {
    fn put<'a>(m: &mut BTreeMap<(&'a str, RecordKind), u32>, k: (&'a str, RecordKind), ttl: u32) {
        let e = m.entry(k).or_insert(ttl);
        *e = (*e).min(ttl);
    }
    let mut m = BTreeMap::new();
    for h in &r.mx {
        put(&mut m, (h.exchange.as_str(), RecordKind::Mx), h.ttl);
        for a in &h.addresses {
            let kind = match a.family {
                Family::Ipv4 => RecordKind::A,
                Family::Ipv6 => RecordKind::Aaaa,
            };
            put(&mut m, (h.exchange.as_str(), kind), a.ttl);
        }
    }
    m
}

fn ttls(before: &MxReport, after: &MxReport, out: &mut Vec<Change>) {
    let a = ttl_map(after);
    for ((exchange, record), tb) in ttl_map(before) {
        if let Some(&ta) = a.get(&(exchange, record))
            && ta != tb
        {
            out.push(Change::TtlChanged {
                exchange: exchange.to_string(),
                record,
                before: tb,
                after: ta,
            });
        }
    }
}

fn addresses(before: &MxReport, after: &MxReport, out: &mut Vec<Change>) {
    let (b, a) = (before.exchange_addresses(), after.exchange_addresses());
    for (exchange, ip) in b.difference(&a) {
        out.push(Change::AddressRemoved {
            exchange: exchange.clone(),
            ip: *ip,
        });
    }
    for (exchange, ip) in a.difference(&b) {
        out.push(Change::AddressAdded {
            exchange: exchange.clone(),
            ip: *ip,
        });
    }
}

/// The providers of a report's exchanges, sorted, each once.
pub fn providers(r: &MxReport) -> Vec<String> {
    let set: BTreeSet<&String> = r.mx.iter().filter_map(|h| h.provider.as_ref()).collect();
    set.into_iter().cloned().collect()
}

fn findings(before: &MxReport, after: &MxReport, out: &mut Vec<Change>) {
    let map = |r: &MxReport| -> BTreeMap<(String, String), Severity> {
        r.findings
            .iter()
            .map(|f| ((f.code.clone(), f.subject.clone()), f.severity))
            .collect()
    };
    let (b, a) = (map(before), map(after));
    for ((code, subject), severity) in &b {
        if !a.contains_key(&(code.clone(), subject.clone())) {
            out.push(Change::FindingResolved {
                code: code.clone(),
                severity: *severity,
                subject: subject.clone(),
            });
        }
    }
    for ((code, subject), severity) in &a {
        if !b.contains_key(&(code.clone(), subject.clone())) {
            out.push(Change::FindingAdded {
                code: code.clone(),
                severity: *severity,
                subject: subject.clone(),
            });
        }
    }
}

impl fmt::Display for Change {
    /// One line for text output and the TUI; every string escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = |s: &str| visible(s).into_owned();
        let list = |l: &[String]| {
            if l.is_empty() {
                "none recognised".to_string()
            } else {
                l.iter().map(|s| v(s)).collect::<Vec<_>>().join(", ")
            }
        };
        match self {
            Change::Outcome { before, after } => {
                write!(f, "outcome {} → {}", before.as_str(), after.as_str())
            }
            Change::Error { before, after } => write!(
                f,
                "error {} → {}",
                before.as_deref().map_or("none".into(), v),
                after.as_deref().map_or("none".into(), v)
            ),
            Change::ExchangeAdded {
                preference,
                exchange,
            } => write!(f, "exchange added: MX {preference} {}", v(exchange)),
            Change::ExchangeRemoved {
                preference,
                exchange,
            } => write!(f, "exchange removed: MX {preference} {}", v(exchange)),
            Change::PreferenceChanged {
                exchange,
                before,
                after,
            } => write!(f, "preference of {}: {before} → {after}", v(exchange)),
            Change::AddressAdded { exchange, ip } => {
                write!(f, "address added: {} {ip}", v(exchange))
            }
            Change::AddressRemoved { exchange, ip } => {
                write!(f, "address removed: {} {ip}", v(exchange))
            }
            Change::TtlChanged {
                exchange,
                record,
                before,
                after,
            } => write!(
                f,
                "TTL of {} {}: {before} → {after}",
                v(exchange),
                record.as_str()
            ),
            Change::ProviderChanged { before, after } => {
                write!(f, "provider {} → {}", list(before), list(after))
            }
            Change::FindingAdded {
                code,
                severity,
                subject,
            } => write!(
                f,
                "finding added: {} {} ({})",
                severity.as_str(),
                v(code),
                v(subject)
            ),
            Change::FindingResolved {
                code,
                severity,
                subject,
            } => write!(
                f,
                "finding resolved: {} {} ({})",
                severity.as_str(),
                v(code),
                v(subject)
            ),
        }
    }
}
