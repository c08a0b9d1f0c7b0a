//! Several domains side by side, aligned by tier (`mxlens compare`, the
//! TUI's `C` view): which domain's exchanges, preference structure,
//! providers, address families, shared addresses or findings differ.
//!
//! Each tier gives every domain a list of lines (raw data: front ends
//! escape) and a comparison key; domains whose key differs from the
//! majority's are the odd ones out.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use serde::Serialize;

use crate::mx::{Family, MxReport, Outcome};

/// Schema identifier of `mxlens compare --format json`.
pub const COMPARE_SCHEMA: &str = "mxlens/compare/v1";

/// The rows of the comparison, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Outcome,
    Exchanges,
    PreferenceStructure,
    Providers,
    AddressFamilies,
    SharedAddresses,
    Findings,
}

impl Tier {
    pub const ALL: [Tier; 7] = [
        Tier::Outcome,
        Tier::Exchanges,
        Tier::PreferenceStructure,
        Tier::Providers,
        Tier::AddressFamilies,
        Tier::SharedAddresses,
        Tier::Findings,
    ];

    /// The label front ends show.
    pub fn label(self) -> &'static str {
        match self {
            Tier::Outcome => "outcome",
            Tier::Exchanges => "exchanges",
            Tier::PreferenceStructure => "preferences",
            Tier::Providers => "providers",
            Tier::AddressFamilies => "families",
            Tier::SharedAddresses => "shared addresses",
            Tier::Findings => "findings",
        }
    }
}

/// One tier across every domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierRow {
    pub tier: Tier,
    /// Every domain agrees.
    pub same: bool,
    /// The domains that agree with each other and outnumber every other
    /// group; empty when there is no such majority (or all agree).
    pub majority: Vec<String>,
    /// The domains that differ: outside the majority, or all of them when
    /// there is no majority.
    pub differs: Vec<String>,
    /// One list of lines per domain, in the order of `domains`.
    pub values: Vec<Vec<String>>,
    /// Index form of `differs`, for front ends.
    #[serde(skip)]
    pub odd: Vec<bool>,
}

/// `mxlens/compare/v1`, without the reports the command adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SideBySide {
    pub schema: &'static str,
    pub domains: Vec<String>,
    pub tiers: Vec<TierRow>,
}

impl SideBySide {
    /// Whether every tier agrees across every domain.
    pub fn all_same(&self) -> bool {
        self.tiers.iter().all(|t| t.same)
    }
}

/// Aligns `reports` (one per domain) by tier.
pub fn align(reports: &[MxReport]) -> SideBySide {
    let domains: Vec<String> = reports.iter().map(|r| r.domain.clone()).collect();
    let shared = shared_addresses(reports);
    let tiers = Tier::ALL
        .iter()
        .map(|&tier| {
            let cells: Vec<(Vec<String>, String)> = reports
                .iter()
                .enumerate()
                .map(|(i, r)| cell(tier, r, &shared[i]))
                .collect();
            row(tier, &domains, cells)
        })
        .collect();
    SideBySide {
        schema: COMPARE_SCHEMA,
        domains,
        tiers,
    }
}

fn row(tier: Tier, domains: &[String], cells: Vec<(Vec<String>, String)>) -> TierRow {
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (_, key)) in cells.iter().enumerate() {
        groups.entry(key.as_str()).or_default().push(i);
    }
    let n = cells.len();
    let mut sizes: Vec<&Vec<usize>> = groups.values().collect();
    sizes.sort_by_key(|g| std::cmp::Reverse(g.len()));
    let same = groups.len() <= 1;
    let majority: Vec<usize> = match sizes.as_slice() {
        [first, second, ..] if first.len() > second.len() && first.len() >= 2 => (*first).clone(),
        _ => Vec::new(),
    };
    let odd: Vec<bool> = (0..n).map(|i| !same && !majority.contains(&i)).collect();
    TierRow {
        tier,
        same,
        majority: if same {
            Vec::new()
        } else {
            majority.iter().map(|&i| domains[i].clone()).collect()
        },
        differs: (0..n)
            .filter(|&i| odd[i])
            .map(|i| domains[i].clone())
            .collect(),
        values: cells.into_iter().map(|(lines, _)| lines).collect(),
        odd,
    }
}

/// For each report, its addresses that another report has too.
fn shared_addresses(reports: &[MxReport]) -> Vec<BTreeSet<IpAddr>> {
    let sets: Vec<BTreeSet<IpAddr>> = reports
        .iter()
        .map(|r| {
            r.mx.iter()
                .flat_map(|h| h.addresses.iter().map(|a| a.ip))
                .collect()
        })
        .collect();
    sets.iter()
        .enumerate()
        .map(|(i, s)| {
            s.iter()
                .filter(|ip| {
                    sets.iter()
                        .enumerate()
                        .any(|(j, o)| j != i && o.contains(ip))
                })
                .copied()
                .collect()
        })
        .collect()
}

/// The lines shown for `tier` and the key compared.
fn cell(tier: Tier, r: &MxReport, shared: &BTreeSet<IpAddr>) -> (Vec<String>, String) {
    let hosts: Vec<_> = r.mx.iter().filter(|h| !h.is_null()).collect();
    let lines: Vec<String> = match tier {
        Tier::Outcome => vec![match &r.error {
            Some(e) if r.outcome == Outcome::Error => format!("error ({})", e.as_str()),
            _ => r.outcome.as_str().to_string(),
        }],
        Tier::Exchanges => {
            r.mx.iter()
                .map(|h| format!("{} {}", h.preference, h.exchange))
                .collect()
        }
        Tier::PreferenceStructure => {
            let mut tiers: BTreeMap<u16, usize> = BTreeMap::new();
            for h in &hosts {
                *tiers.entry(h.preference).or_default() += 1;
            }
            let lines = tiers
                .iter()
                .map(|(p, n)| format!("{n} host{} at {p}", if *n == 1 { "" } else { "s" }))
                .collect();
            // The shape is compared, not the numbers: 10/20 and 1/5 with
            // the same host counts are the same structure.
            let shape: Vec<String> = tiers.values().map(ToString::to_string).collect();
            return (lines, shape.join(","));
        }
        Tier::Providers => {
            let mut set: BTreeSet<String> = BTreeSet::new();
            for h in &hosts {
                set.insert(h.provider.clone().unwrap_or_else(|| "unrecognised".into()));
            }
            set.into_iter().collect()
        }
        Tier::AddressFamilies => {
            if hosts.is_empty() {
                Vec::new()
            } else {
                [(Family::Ipv4, "IPv4"), (Family::Ipv6, "IPv6")]
                    .iter()
                    .map(|(fam, name)| {
                        let with = hosts
                            .iter()
                            .filter(|h| h.addresses.iter().any(|a| a.family == *fam))
                            .count();
                        let word = if with == 0 {
                            "none"
                        } else if with == hosts.len() {
                            "all"
                        } else {
                            "some"
                        };
                        format!("{name} {word} ({with}/{})", hosts.len())
                    })
                    .collect()
            }
        }
        Tier::SharedAddresses => shared.iter().map(ToString::to_string).collect(),
        Tier::Findings => {
            let set: BTreeSet<(std::cmp::Reverse<crate::mx::Severity>, &str)> = r
                .findings
                .iter()
                .map(|f| (std::cmp::Reverse(f.severity), f.code.as_str()))
                .collect();
            set.into_iter()
                .map(|(s, code)| format!("{} {code}", s.0.as_str()))
                .collect()
        }
    };
    let key = match tier {
        // "IPv4 all (2/2)" and "IPv4 all (3/3)" agree: compare the word.
        Tier::AddressFamilies => lines
            .iter()
            .map(|l| l.split(" (").next().unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => lines.join("\n"),
    };
    (lines, key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mx::{Address, MxHost};

    fn report(domain: &str, hosts: &[(u16, &str, &[&str], Option<&str>)]) -> MxReport {
        let mut r = MxReport::new(domain, "lab");
        r.outcome = Outcome::Mx;
        for (p, e, ips, prov) in hosts {
            let mut h = MxHost::new(*p, *e, 300);
            h.addresses = ips
                .iter()
                .map(|ip| Address::new(ip.parse().unwrap(), 60))
                .collect();
            h.provider = prov.map(String::from);
            r.mx.push(h);
        }
        r
    }

    fn tier(s: &SideBySide, t: Tier) -> &TierRow {
        s.tiers.iter().find(|r| r.tier == t).unwrap()
    }

    #[test]
    fn the_odd_domain_of_a_portfolio_is_named() {
        let new = |d: &str| {
            report(
                d,
                &[
                    (1, "a.mail.test.", &["192.0.2.1"], Some("New")),
                    (
                        5,
                        "b.mail.test.",
                        &["192.0.2.2", "2001:db8::2"],
                        Some("New"),
                    ),
                ],
            )
        };
        let old = report(
            "c.test.",
            &[(10, "mx.old.test.", &["198.51.100.1"], Some("Old"))],
        );
        let s = align(&[new("a.test."), new("b.test."), old]);
        for t in [
            Tier::Exchanges,
            Tier::PreferenceStructure,
            Tier::Providers,
            Tier::AddressFamilies,
            Tier::SharedAddresses,
        ] {
            let row = tier(&s, t);
            assert!(!row.same, "{t:?}");
            assert_eq!(row.differs, ["c.test."], "{t:?}");
            assert_eq!(row.majority, ["a.test.", "b.test."], "{t:?}");
            assert_eq!(row.odd, [false, false, true], "{t:?}");
        }
        assert!(tier(&s, Tier::Outcome).same);
        assert_eq!(
            tier(&s, Tier::SharedAddresses).values[0],
            ["192.0.2.1", "192.0.2.2", "2001:db8::2"]
        );
        assert!(tier(&s, Tier::SharedAddresses).values[2].is_empty());
        assert_eq!(
            tier(&s, Tier::AddressFamilies).values[2],
            ["IPv4 all (1/1)", "IPv6 none (0/1)"]
        );
        assert!(!s.all_same());
    }

    #[test]
    fn two_that_differ_are_both_marked_and_shape_ignores_numbers() {
        let a = report(
            "a.test.",
            &[
                (10, "mx1.a.test.", &["192.0.2.1"], None),
                (20, "mx2.a.test.", &["192.0.2.2"], None),
            ],
        );
        let b = report(
            "b.test.",
            &[
                (1, "mx1.b.test.", &["192.0.2.3"], None),
                (5, "mx2.b.test.", &["192.0.2.4"], None),
            ],
        );
        let s = align(&[a, b]);
        let ex = tier(&s, Tier::Exchanges);
        assert_eq!(ex.differs, ["a.test.", "b.test."]);
        assert!(ex.majority.is_empty());
        let pref = tier(&s, Tier::PreferenceStructure);
        assert!(pref.same, "1 host + 1 host either way");
        assert_eq!(pref.values[0], ["1 host at 10", "1 host at 20"]);
        assert!(tier(&s, Tier::Providers).same);
        assert_eq!(tier(&s, Tier::Providers).values[0], ["unrecognised"]);
    }

    #[test]
    fn identical_domains_are_all_same() {
        let r = |d: &str| report(d, &[(10, "mx.shared.test.", &["192.0.2.9"], None)]);
        let s = align(&[r("a.test."), r("b.test.")]);
        assert!(s.all_same());
        assert!(s.tiers.iter().all(|t| t.differs.is_empty()));
    }
}
