//! The MX list as a sender walks it, and the outages laid over it.
//!
//! [`SenderList`] is shared by the exact engine ([`super::engine`]) and
//! the seeded walker ([`super::walk`]), so both model the same sender.
//! Decisions (each also reported in `Simulation::notes` when it applies):
//!
//! - Tiers by preference, lowest first (RFC 5321 §5.1).
//! - The null MX record `.` is never a delivery target (RFC 7505 §3).
//! - An exchange listed twice is kept once, at its lowest preference: a
//!   sender that already tried it gains nothing from trying again, and the
//!   same name twice in one tier would otherwise double its weight.
//! - An address listed twice under one host is kept once.
//! - An address is tried at most once per delivery attempt, even when it
//!   appears under several exchanges (the second host reaches the same
//!   machine); the walk shows such a step as skipped.
//! - An outage is a machine: `--down HOST` takes down every address of HOST,
//!   and each of those addresses is then down for every exchange sharing it.

use std::collections::BTreeSet;
use std::net::IpAddr;

use thiserror::Error;

use super::profile::SenderFamily;
use crate::mx::report::{AddressStatus, MxHost, MxReport};

/// Hosts and addresses that are down.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outages {
    /// Lower-case FQDNs with the trailing dot.
    pub hosts: BTreeSet<String>,
    pub addresses: BTreeSet<IpAddr>,
}

/// A `--down` value that names nothing in the report.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OutageError {
    #[error("\"{value}\" is not an address of any exchange of {domain}; known addresses: {known}")]
    UnknownAddress {
        value: String,
        domain: String,
        known: String,
    },
    #[error("\"{value}\" is not an exchange of {domain}; give one of: {known}")]
    UnknownHost {
        value: String,
        domain: String,
        known: String,
    },
}

/// `name` in the report's spelling: trimmed, lower-case, trailing dot.
pub fn normalize_name(name: &str) -> String {
    let n = name.trim().to_ascii_lowercase();
    if n.ends_with('.') { n } else { format!("{n}.") }
}

impl Outages {
    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty() && self.addresses.is_empty()
    }

    /// Marks `exchange` down, or up again when it was down (any case, with
    /// or without the trailing dot).
    pub fn toggle_host(&mut self, exchange: &str) {
        let n = normalize_name(exchange);
        if !self.hosts.remove(&n) {
            self.hosts.insert(n);
        }
    }

    pub fn toggle_address(&mut self, ip: IpAddr) {
        if !self.addresses.remove(&ip) {
            self.addresses.insert(ip);
        }
    }

    pub fn clear(&mut self) {
        self.hosts.clear();
        self.addresses.clear();
    }

    /// Whether `host` is unreachable because of the outages: named down, or
    /// every one of its addresses down. A host without addresses is not
    /// "down" (it is unresolved; the simulation reports it separately).
    pub fn host_down(&self, host: &MxHost) -> bool {
        self.hosts.contains(&normalize_name(&host.exchange))
            || (!host.addresses.is_empty()
                && host
                    .addresses
                    .iter()
                    .all(|a| self.address_down(&host.exchange, a.ip)))
    }

    /// Whether `ip` is down as an address of `exchange`: the address itself
    /// or the exchange is marked down. This is the direct test; an address
    /// that is down because *another* exchange sharing it is down shows in
    /// [`Outages::down_addresses`].
    pub fn address_down(&self, exchange: &str, ip: IpAddr) -> bool {
        self.addresses.contains(&ip) || self.hosts.contains(&normalize_name(exchange))
    }

    /// Every address of `report` that is down: the marked addresses plus
    /// every address of a marked exchange (down for all exchanges sharing it).
    pub fn down_addresses(&self, report: &MxReport) -> BTreeSet<IpAddr> {
        let mut down = self.addresses.clone();
        for h in &report.mx {
            if self.hosts.contains(&normalize_name(&h.exchange)) {
                down.extend(h.addresses.iter().map(|a| a.ip));
            }
        }
        down
    }

    /// Adds one `--down` value: an IPv4/IPv6 address of the report, or one
    /// of its exchange names (any case, trailing dot optional).
    pub fn add_arg(&mut self, report: &MxReport, value: &str) -> Result<(), OutageError> {
        let v = value.trim();
        let bare = v.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            let known: BTreeSet<IpAddr> = report
                .mx
                .iter()
                .flat_map(|h| h.addresses.iter().map(|a| a.ip))
                .collect();
            if !known.contains(&ip) {
                return Err(OutageError::UnknownAddress {
                    value: v.to_string(),
                    domain: report.domain.to_string(),
                    known: list_or_none(known.iter().map(|ip| ip.to_string())),
                });
            }
            self.addresses.insert(ip);
            return Ok(());
        }
        let name = normalize_name(v);
        let exists = report
            .mx
            .iter()
            .any(|h| !h.is_null() && normalize_name(&h.exchange) == name);
        if !exists || v.is_empty() {
            let known: BTreeSet<String> = report
                .mx
                .iter()
                .filter(|h| !h.is_null())
                .map(|h| h.exchange.to_string())
                .collect();
            return Err(OutageError::UnknownHost {
                value: v.to_string(),
                domain: report.domain.to_string(),
                known: list_or_none(known.into_iter()),
            });
        }
        self.hosts.insert(name);
        Ok(())
    }

    /// The `down` list of the contract: exchanges, then addresses.
    pub fn labels(&self) -> Vec<String> {
        self.hosts
            .iter()
            .cloned()
            .chain(self.addresses.iter().map(|ip| ip.to_string()))
            .collect()
    }
}

fn list_or_none(items: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = items.collect();
    if v.is_empty() {
        "(none)".to_string()
    } else {
        v.join(", ")
    }
}

/// One exchange as the sender sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct SenderHost {
    pub exchange: String,
    pub preference: u16,
    /// Addresses in the order presented, duplicates and addresses of a
    /// family the sender cannot use removed, with their state.
    pub addresses: Vec<(IpAddr, bool)>,
    /// `addresses` is an order the sender uses as presented (a what-if as
    /// written); false: DNS gave them in no order.
    pub as_written: bool,
    /// Why there are no addresses, when there are none.
    pub address_status: AddressStatus,
}

impl SenderHost {
    /// At least one address is up.
    pub fn reachable(&self) -> bool {
        self.addresses.iter().any(|&(_, down)| !down)
    }
}

/// Hosts of one preference.
#[derive(Debug, Clone, PartialEq)]
pub struct SenderTier {
    pub preference: u16,
    pub hosts: Vec<SenderHost>,
}

/// The MX list prepared for a sender, outages applied.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SenderList {
    pub tiers: Vec<SenderTier>,
    /// The decisions that shaped this list, in plain words.
    pub notes: Vec<String>,
}

impl SenderList {
    /// The list for a dual-stack sender.
    pub fn build(report: &MxReport, outages: &Outages) -> Self {
        Self::build_for(report, outages, SenderFamily::Dual)
    }

    /// The list for a sender that can use only `family`: the other
    /// family's addresses are left out, and a host with none left is
    /// unreachable (a note says so).
    pub fn build_for(report: &MxReport, outages: &Outages, family: SenderFamily) -> Self {
        let down = outages.down_addresses(report);
        let mut hosts: Vec<&MxHost> = report.mx.iter().collect();
        hosts.sort_by(|a, b| (a.preference, &a.exchange).cmp(&(b.preference, &b.exchange)));
        let mut list = SenderList::default();
        let mut seen_names = BTreeSet::new();
        for h in hosts {
            if h.is_null() {
                if report.mx.len() > 1 {
                    list.notes.push(
                        "the null MX record \".\" beside other MX records is not a delivery target (RFC 7505 §3)"
                            .to_string(),
                    );
                }
                continue;
            }
            let name = normalize_name(&h.exchange);
            if !seen_names.insert(name.clone()) {
                list.notes.push(format!(
                    "{} is listed more than once; it is tried once, at its lowest preference",
                    name
                ));
                continue;
            }
            let mut once = std::collections::HashSet::new();
            let addrs: Vec<(IpAddr, bool)> = h
                .addresses
                .iter()
                .filter(|a| once.insert(a.ip) && family.allows(&a.ip))
                .map(|a| (a.ip, down.contains(&a.ip)))
                .collect();
            if addrs.is_empty() && !h.addresses.is_empty() {
                list.notes.push(format!(
                    "{} has only {} addresses: an {}-only sender cannot connect to it",
                    name,
                    if family == SenderFamily::Ipv4 {
                        "IPv6"
                    } else {
                        "IPv4"
                    },
                    if family == SenderFamily::Ipv4 {
                        "IPv4"
                    } else {
                        "IPv6"
                    },
                ));
            } else if addrs.is_empty() {
                list.notes.push(format!(
                    "{} has no address ({}): no connection to it is possible",
                    name,
                    h.address_status.as_str()
                ));
            }
            let host = SenderHost {
                exchange: name,
                preference: h.preference,
                addresses: addrs,
                as_written: h.addresses_as_written,
                address_status: h.address_status,
            };
            match list.tiers.last_mut() {
                Some(t) if t.preference == h.preference => t.hosts.push(host),
                _ => list.tiers.push(SenderTier {
                    preference: h.preference,
                    hosts: vec![host],
                }),
            }
        }
        list.note_shared_addresses(outages);
        list
    }

    fn note_shared_addresses(&mut self, outages: &Outages) {
        let mut owners: std::collections::BTreeMap<IpAddr, Vec<&str>> = Default::default();
        for h in self.tiers.iter().flat_map(|t| &t.hosts) {
            for &(ip, _) in &h.addresses {
                owners.entry(ip).or_default().push(&h.exchange);
            }
        }
        let mut notes = Vec::new();
        for (ip, names) in owners.iter().filter(|(_, n)| n.len() > 1) {
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            let mut note = format!(
                "{ip} is shared by {}: it is tried at most once per delivery attempt",
                names.join(", ")
            );
            if names.iter().any(|n| outages.hosts.contains(n)) {
                note.push_str(", and it is down for all of them because one is marked down");
            }
            notes.push(note);
        }
        self.notes.extend(notes);
    }

    /// Number of distinct addresses in the list.
    pub fn address_count(&self) -> usize {
        self.tiers
            .iter()
            .flat_map(|t| &t.hosts)
            .flat_map(|h| h.addresses.iter().map(|&(ip, _)| ip))
            .collect::<BTreeSet<_>>()
            .len()
    }

    pub fn hosts(&self) -> impl Iterator<Item = &SenderHost> {
        self.tiers.iter().flat_map(|t| &t.hosts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mx::report::{Address, Outcome};

    fn report() -> MxReport {
        let mut r = MxReport::new("example.test.", "test");
        r.outcome = Outcome::Mx;
        for (pref, name, ips) in [
            (10, "a.example.test.", vec!["192.0.2.1", "2001:db8::1"]),
            (10, "b.example.test.", vec!["192.0.2.1"]),
            (20, "a.example.test.", vec!["192.0.2.1", "2001:db8::1"]),
        ] {
            let mut h = MxHost::new(pref, name, 300);
            for ip in ips {
                h.addresses.push(Address::new(ip.parse().unwrap(), 60));
            }
            r.mx.push(h);
        }
        r
    }

    #[test]
    fn down_args_accept_any_case_and_reject_unknowns() {
        let r = report();
        let mut o = Outages::default();
        o.add_arg(&r, "A.Example.Test").unwrap();
        o.add_arg(&r, "2001:DB8::1").unwrap();
        o.add_arg(&r, "[2001:db8::1]").unwrap();
        assert_eq!(o.labels(), ["a.example.test.", "2001:db8::1"]);
        let e = o.add_arg(&r, "c.example.test").unwrap_err().to_string();
        assert!(
            e.contains("\"c.example.test\"") && e.contains("a.example.test."),
            "{e}"
        );
        let e = o.add_arg(&r, "192.0.2.99").unwrap_err().to_string();
        assert!(
            e.contains("\"192.0.2.99\"") && e.contains("192.0.2.1"),
            "{e}"
        );
        // The value stays data; the front ends escape it where it is shown.
        let e = o.add_arg(&r, "\u{1b}[31m").unwrap_err();
        assert!(
            matches!(&e, OutageError::UnknownHost { value, .. } if value == "\u{1b}[31m"),
            "{e:?}"
        );
    }

    #[test]
    fn host_outage_takes_shared_addresses_down_for_everyone() {
        let r = report();
        let mut o = Outages::default();
        o.toggle_host("b.example.test");
        let list = SenderList::build(&r, &o);
        assert_eq!(list.tiers.len(), 1, "the duplicate at 20 is dropped");
        let a = &list.tiers[0].hosts[0];
        assert_eq!(
            a.addresses,
            [
                ("192.0.2.1".parse().unwrap(), true),
                ("2001:db8::1".parse().unwrap(), false)
            ]
        );
        assert!(o.host_down(&r.mx[1]));
        assert!(!o.host_down(&r.mx[0]));
        assert!(
            list.notes
                .iter()
                .any(|n| n.contains("shared") && n.contains("down for all"))
        );
        assert!(list.notes.iter().any(|n| n.contains("more than once")));
        o.toggle_host("B.EXAMPLE.TEST.");
        assert!(o.is_empty());
    }
}
