//! How a sender orders one tier: the units it shuffles (hosts, or single
//! addresses for Postfix) and which runs of each unit's addresses come in a
//! random order.
//!
//! A unit's `blocks` split its addresses into consecutive runs; the order
//! inside a run is uniformly random, the runs keep their order. Addresses a
//! what-if wrote are runs of one (the order written); addresses from DNS are
//! one run per family group the profile keeps apart.

use std::net::IpAddr;

use super::profile::{AddressOrder, Profile};
use super::sender::SenderHost;

/// What a sender shuffles within a tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// The host of the tier (its index) that receives the mail when this
    /// unit accepts.
    pub owner: usize,
    /// Addresses in the order presented, with their state (`true`: down).
    pub addresses: Vec<(IpAddr, bool)>,
    /// Lengths of the runs of `addresses` whose order is uniformly random;
    /// they sum to `addresses.len()`.
    pub blocks: Vec<usize>,
}

impl Unit {
    /// A unit whose addresses are tried exactly in the order given.
    pub fn fixed(owner: usize, addresses: Vec<(IpAddr, bool)>) -> Self {
        let blocks = vec![1; addresses.len()];
        Self {
            owner,
            addresses,
            blocks,
        }
    }

    /// At least one address is up.
    pub fn reachable(&self) -> bool {
        self.addresses.iter().any(|&(_, down)| !down)
    }

    /// The runs of addresses, in order.
    pub fn runs(&self) -> impl Iterator<Item = &[(IpAddr, bool)]> {
        let mut start = 0;
        self.blocks.iter().map(move |&n| {
            let run = &self.addresses[start..start + n];
            start += n;
            run
        })
    }
}

/// The units a sender of `profile` shuffles in a tier of `hosts`.
pub fn units(hosts: &[SenderHost], profile: &Profile) -> Vec<Unit> {
    match profile.address_order {
        AddressOrder::ShuffledPerPreference => hosts
            .iter()
            .enumerate()
            .flat_map(|(i, h)| h.addresses.iter().map(move |&a| Unit::fixed(i, vec![a])))
            .collect(),
        AddressOrder::PerHost => hosts
            .iter()
            .enumerate()
            .map(|(i, h)| {
                if h.as_written {
                    Unit::fixed(i, h.addresses.clone())
                } else {
                    random_runs(i, vec![h.addresses.clone()])
                }
            })
            .collect(),
        AddressOrder::Ipv6First => hosts
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let (v6, v4): (Vec<_>, Vec<_>) =
                    h.addresses.iter().partition(|(ip, _)| ip.is_ipv6());
                if h.as_written {
                    Unit::fixed(i, v6.into_iter().chain(v4).collect())
                } else {
                    random_runs(i, vec![v6, v4])
                }
            })
            .collect(),
    }
}

fn random_runs(owner: usize, runs: Vec<Vec<(IpAddr, bool)>>) -> Unit {
    let runs: Vec<_> = runs.into_iter().filter(|r| !r.is_empty()).collect();
    Unit {
        owner,
        blocks: runs.iter().map(Vec::len).collect(),
        addresses: runs.into_iter().flatten().collect(),
    }
}
