//! Watching a domain: successive looks at it on every resolver (and
//! authoritative server), turned into a timeline of what changed and when,
//! and into the answer to "has my change propagated yet". Pure: the caller
//! does the lookups and keeps the clock.

use std::collections::{BTreeMap, BTreeSet};

use crate::mx::authority::{AuthorityAnswer, AuthorityCheck, AuthorityStatus};
use crate::mx::diff::{self, diff};
use crate::mx::escape::visible;
use crate::mx::{Address, MxHost, MxReport, Outcome};

/// The shortest wait between two looks without `--every` (seconds).
pub const MIN_AUTO_INTERVAL: u32 = 5;

/// One look at one domain: every resolver's report and, when asked, the
/// authoritative servers' answers.
#[derive(Debug, Clone)]
pub struct Look {
    pub reports: Vec<MxReport>,
    pub authorities: Option<AuthorityCheck>,
}

/// What happened to one source (a resolver or an authoritative server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// Its first answer.
    Initial,
    /// Its answer differs from its previous one.
    Change,
    /// It gave no answer this time: unknown, not a change.
    Unknown,
    /// It answers again after giving none, with the answer it had before.
    Back,
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub source: String,
    /// `resolver` or `authority`.
    pub role: &'static str,
    pub kind: EventKind,
    /// What it answers now ("MX 10 mx.example.; mx.example. 192.0.2.1"),
    /// or the error with [`EventKind::Unknown`].
    pub answer: String,
    /// The differences from its previous answer, one per line (`+ MX 10 …`).
    pub changes: Vec<String>,
}

/// The state of one watched domain.
#[derive(Debug, Default)]
pub struct Watch {
    /// The last answer of every source that has answered.
    last: BTreeMap<String, MxReport>,
    /// Sources whose latest look failed.
    silent: BTreeSet<String>,
    /// Whether every source agreed at the last look.
    consistent: Option<bool>,
}

/// What one look changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub events: Vec<Event>,
    /// Every resolver and authority answered, with the same MX RRset.
    pub consistent: bool,
    /// `consistent` differs from the previous look's (or this is the first).
    pub consistency_changed: bool,
    /// Some source's answer changed (not counting the first answers, nor
    /// sources that gave no answer).
    pub changed: bool,
}

impl Watch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes in a look; returns the timeline events it causes.
    pub fn step(&mut self, look: &Look) -> Step {
        let mut events = Vec::new();
        let mut sources: Vec<(String, &'static str, Result<MxReport, String>)> = Vec::new();
        for r in &look.reports {
            let result = match diff::failure(r) {
                Some(e) => Err(e.to_string()),
                None => Ok(r.clone()),
            };
            sources.push((r.resolver.clone(), "resolver", result));
        }
        if let Some(a) = &look.authorities {
            let domain = look.reports.first().map_or("", |r| r.domain.as_str());
            for s in &a.servers {
                let result = match s.status {
                    AuthorityStatus::Answer => Ok(report_of_authority(s, domain)),
                    _ => Err(s.summary()),
                };
                sources.push((s.server.clone(), "authority", result));
            }
        }
        let mut changed = false;
        for (source, role, result) in &sources {
            // A server may be both a resolver and an authority.
            let key = format!("{role} {source}");
            match result {
                Err(e) => {
                    if self.silent.insert(key.clone()) {
                        events.push(Event {
                            source: source.clone(),
                            role,
                            kind: EventKind::Unknown,
                            answer: e.clone(),
                            changes: Vec::new(),
                        });
                    }
                }
                Ok(now) => {
                    let was_silent = self.silent.remove(&key);
                    let answer = summary(now);
                    match self.last.get(&key) {
                        None => events.push(Event {
                            source: source.clone(),
                            role,
                            kind: EventKind::Initial,
                            answer,
                            changes: Vec::new(),
                        }),
                        Some(before) => {
                            let d = diff(before, now, false);
                            if !d.is_same() {
                                changed = true;
                                events.push(Event {
                                    source: source.clone(),
                                    role,
                                    kind: EventKind::Change,
                                    answer,
                                    changes: d.changes.iter().map(ToString::to_string).collect(),
                                });
                            } else if was_silent {
                                events.push(Event {
                                    source: source.clone(),
                                    role,
                                    kind: EventKind::Back,
                                    answer,
                                    changes: Vec::new(),
                                });
                            }
                        }
                    }
                    self.last.insert(key, now.clone());
                }
            }
        }
        let consistent = consistent(&sources);
        let consistency_changed = self.consistent != Some(consistent);
        self.consistent = Some(consistent);
        Step {
            events,
            consistent,
            consistency_changed,
            changed,
        }
    }
}

/// Every source answered, and all with the same MX RRset: resolvers also
/// agree on addresses (TTLs aside).
fn consistent(sources: &[(String, &'static str, Result<MxReport, String>)]) -> bool {
    let mut reports = Vec::new();
    for (_, _, r) in sources {
        match r {
            Ok(r) => reports.push(r),
            Err(_) => return false,
        }
    }
    let records = |r: &MxReport| -> (Outcome, BTreeSet<(u16, String)>) {
        (
            r.outcome,
            r.mx.iter()
                .map(|h| (h.preference, h.exchange.clone()))
                .collect(),
        )
    };
    let Some(first) = reports.first() else {
        return false;
    };
    reports.iter().all(|r| records(r) == records(first))
}

/// The seconds until the next look: `every` when given (at least 1), else
/// the shortest TTL of the answers, never below [`MIN_AUTO_INTERVAL`].
pub fn next_interval(look: &Look, every: Option<f64>) -> f64 {
    if let Some(every) = every {
        return every.max(1.0);
    }
    let mut ttls: Vec<u32> = Vec::new();
    for r in &look.reports {
        ttls.extend(r.mx.iter().map(|h| h.ttl));
        ttls.extend(r.mx.iter().flat_map(|h| h.addresses.iter().map(|a| a.ttl)));
        ttls.extend(r.negative_ttl);
    }
    if let Some(a) = &look.authorities {
        for s in &a.servers {
            ttls.extend(s.mx.iter().map(|m| m.ttl));
            ttls.extend(s.addresses.iter().map(|m| m.ttl));
        }
    }
    f64::from(ttls.into_iter().min().unwrap_or(0).max(MIN_AUTO_INTERVAL))
}

/// One line for a report: `MX 10 a.example., 20 b.example.; a.example.
/// 192.0.2.1`, `no MX: mail to the domain's own address`, `NXDOMAIN`, …
pub fn summary(r: &MxReport) -> String {
    let mut out = match r.outcome {
        Outcome::Mx | Outcome::NullMx => {
            let records: Vec<String> =
                r.mx.iter()
                    .map(|h| format!("{} {}", h.preference, visible(&h.exchange)))
                    .collect();
            format!("MX {}", records.join(", "))
        }
        Outcome::Implicit => "no MX (implicit: the domain's own address)".into(),
        Outcome::NoMail => "no MX (NODATA)".into(),
        Outcome::Nxdomain => "NXDOMAIN".into(),
        Outcome::Error => format!(
            "no answer ({})",
            r.error.as_ref().map_or("error", |e| e.as_str())
        ),
    };
    let mut seen = BTreeSet::new();
    for h in &r.mx {
        if h.addresses.is_empty() || !seen.insert(h.exchange.as_str()) {
            continue;
        }
        let ips: Vec<String> = h.addresses.iter().map(|a| a.ip.to_string()).collect();
        out.push_str(&format!("; {} {}", visible(&h.exchange), ips.join(" ")));
    }
    out
}

/// An authoritative answer as a report, so one diff serves both.
fn report_of_authority(a: &AuthorityAnswer, domain: &str) -> MxReport {
    let mut r = MxReport::new(domain, a.server.clone());
    r.outcome = match a.outcome.as_deref() {
        Some("mx") => Outcome::Mx,
        Some("nxdomain") => Outcome::Nxdomain,
        _ => Outcome::NoMail,
    };
    for m in &a.mx {
        let mut h = MxHost::new(m.preference, m.exchange.clone(), m.ttl);
        h.addresses = a
            .addresses
            .iter()
            .filter(|x| x.exchange == m.exchange)
            .map(|x| Address::new(x.ip, x.ttl))
            .collect();
        r.mx.push(h);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mx::LookupError;

    fn report(resolver: &str, exchange: &str, ttl: u32) -> MxReport {
        let mut r = MxReport::new("d.test.", resolver);
        r.outcome = Outcome::Mx;
        r.mx.push(MxHost::new(10, exchange, ttl));
        r
    }

    fn look(reports: Vec<MxReport>) -> Look {
        Look {
            reports,
            authorities: None,
        }
    }

    #[test]
    fn first_answers_then_a_change_then_consistency() {
        let mut w = Watch::new();
        let s = w.step(&look(vec![
            report("a", "old.d.test.", 300),
            report("b", "new.d.test.", 300),
        ]));
        assert!(!s.changed && !s.consistent && s.consistency_changed);
        assert_eq!(s.events.len(), 2);
        assert_eq!(s.events[0].kind, EventKind::Initial);
        assert_eq!(s.events[0].answer, "MX 10 old.d.test.");

        let s = w.step(&look(vec![
            report("a", "old.d.test.", 200),
            report("b", "new.d.test.", 200),
        ]));
        assert!(s.events.is_empty(), "TTLs counting down are no change");
        assert!(!s.consistency_changed);

        let s = w.step(&look(vec![
            report("a", "new.d.test.", 300),
            report("b", "new.d.test.", 300),
        ]));
        assert!(s.changed && s.consistent && s.consistency_changed);
        assert_eq!(s.events[0].source, "a");
        assert_eq!(
            s.events[0].changes,
            ["- MX 10 old.d.test.", "+ MX 10 new.d.test."]
        );
    }

    #[test]
    fn a_silent_source_is_unknown_not_a_change() {
        let mut w = Watch::new();
        w.step(&look(vec![report("a", "mx.d.test.", 300)]));
        let mut failed = MxReport::new("d.test.", "a");
        failed.outcome = Outcome::Error;
        failed.error = Some(LookupError::Timeout);
        let s = w.step(&look(vec![failed.clone()]));
        assert!(!s.changed && !s.consistent);
        assert_eq!(s.events[0].kind, EventKind::Unknown);
        assert_eq!(s.events[0].answer, "timeout");
        assert!(w.step(&look(vec![failed])).events.is_empty(), "said once");
        let s = w.step(&look(vec![report("a", "mx.d.test.", 300)]));
        assert_eq!(s.events[0].kind, EventKind::Back);
        assert!(!s.changed);
    }

    #[test]
    fn interval_follows_the_shortest_ttl_within_bounds() {
        let mut r = report("a", "mx.d.test.", 300);
        r.mx[0]
            .addresses
            .push(Address::new("192.0.2.1".parse().unwrap(), 42));
        assert_eq!(next_interval(&look(vec![r.clone()]), None), 42.0);
        r.mx[0].addresses[0].ttl = 1;
        assert_eq!(next_interval(&look(vec![r.clone()]), None), 5.0);
        assert_eq!(next_interval(&look(vec![r.clone()]), Some(2.0)), 2.0);
        assert_eq!(next_interval(&look(vec![r]), Some(0.2)), 1.0);
    }
}
