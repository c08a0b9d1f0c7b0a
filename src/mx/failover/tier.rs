//! One tier as the odds see it: the reachable hosts' leading down
//! addresses, the down hosts' addresses, and the result type every method
//! fills.

use std::collections::HashSet;
use std::net::IpAddr;

use super::sender::SenderHost;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    ClosedForm,
    /// DP over the shared addresses' coverage (exact).
    SharedMask,
    Subsets,
    Sampled,
}

/// What happens in one tier that has at least one reachable host.
#[derive(Debug, Clone, PartialEq)]
pub struct TierOdds {
    /// Per host of the tier: probability it accepts the message.
    pub accept: Vec<f64>,
    /// Σ over accepting outcomes of probability × failed attempts in the tier.
    pub failed_mass: f64,
    /// Probability the budget runs out before an up address is tried.
    pub limit: f64,
    pub method: Method,
    /// Bound on the error of each probability (0 when exact).
    pub error_bound: f64,
    /// Orders sampled (0 when exact).
    pub samples: u32,
}

pub(crate) struct Prepared {
    /// (host index, leading down addresses not yet tried)
    pub(crate) up: Vec<(usize, Vec<IpAddr>)>,
    /// down hosts' addresses not yet tried
    pub(crate) down: Vec<Vec<IpAddr>>,
}

pub(crate) fn prepare(hosts: &[SenderHost], seen: &HashSet<IpAddr>) -> Prepared {
    let mut up = Vec::new();
    let mut down = Vec::new();
    for (i, h) in hosts.iter().enumerate() {
        if h.reachable() {
            let lead = h
                .addresses
                .iter()
                .take_while(|&&(_, d)| d)
                .map(|&(ip, _)| ip)
                .filter(|ip| !seen.contains(ip))
                .collect();
            up.push((i, lead));
        } else {
            let new: Vec<IpAddr> = h
                .addresses
                .iter()
                .map(|&(ip, _)| ip)
                .filter(|ip| !seen.contains(ip))
                .collect();
            // A down host with nothing new to try costs nothing wherever it
            // stands, and the order induced on the other hosts is still
            // uniform: leave it out.
            if !new.is_empty() {
                down.push(new);
            }
        }
    }
    Prepared { up, down }
}

/// `p_j` for j = 0..=δ.
pub(crate) fn prefix_sizes(u: usize, d: usize) -> Vec<f64> {
    let mut p = vec![0.0; d + 1];
    p[0] = u as f64 / (d + u) as f64;
    for j in 1..=d {
        p[j] = p[j - 1] * (d - j + 1) as f64 / (d + u - j) as f64;
    }
    p
}
