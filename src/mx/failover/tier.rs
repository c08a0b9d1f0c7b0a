//! One tier as the odds see it: the reachable hosts' leading down
//! addresses, the down hosts' addresses, and the result type every method
//! fills.

use std::collections::HashSet;
use std::net::IpAddr;

use super::order::Unit;

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

/// One way the accepting unit's leading down addresses can fall: with
/// probability `weight`, these addresses (not yet tried) come before its
/// first up address.
pub(crate) type Lead = (f64, Vec<IpAddr>);

pub(crate) struct Prepared {
    /// (unit index, the distribution of its lead)
    pub(crate) up: Vec<(usize, Vec<Lead>)>,
    /// down units' addresses not yet tried
    pub(crate) down: Vec<Vec<IpAddr>>,
}

/// Most addresses of one accepting unit's random run that are also addresses
/// of down units (their subsets are enumerated: 2^k leads).
pub(crate) const MAX_SHARED_LEAD: usize = 12;
/// Most lead addresses listed over all units of a tier.
const MAX_LEAD_WORK: usize = 1 << 20;

/// The tier as the odds see it, or `None` when the accepting units' random
/// address orders have too many distinct leads to list (sampling takes over).
pub(crate) fn prepare(units: &[Unit], seen: &HashSet<IpAddr>) -> Option<Prepared> {
    let mut up = Vec::new();
    let mut down = Vec::new();
    for (i, u) in units.iter().enumerate() {
        if !u.reachable() {
            let new: Vec<IpAddr> = u
                .addresses
                .iter()
                .map(|&(ip, _)| ip)
                .filter(|ip| !seen.contains(ip))
                .collect();
            // A down unit with nothing new to try costs nothing wherever it
            // stands, and the order induced on the other units is still
            // uniform: leave it out.
            if !new.is_empty() {
                down.push(new);
            }
        } else {
            up.push(i);
        }
    }
    let in_down: HashSet<IpAddr> = down.iter().flatten().copied().collect();
    let mut work = 0usize;
    let mut leads = Vec::with_capacity(up.len());
    for i in up {
        let l = leads_of(&units[i], seen, &in_down)?;
        work += l.iter().map(|(_, x)| x.len() + 1).sum::<usize>();
        if work > MAX_LEAD_WORK {
            return None;
        }
        leads.push((i, l));
    }
    Some(Prepared { up: leads, down })
}

/// The distribution of a reachable unit's lead: the untried addresses of
/// the runs before its first run with an up address, then a random part of
/// that run. In a run of `k` up and `d` untried down addresses, a given set
/// of `t` down addresses is exactly the part before the first up one with
/// probability `w(t) = k·t!·(d+k−1−t)!/(d+k)!` (already tried addresses are
/// skipped and do not matter). Down addresses that no down unit holds only
/// count, so they are grouped by number; the others are listed by subset.
fn leads_of(u: &Unit, seen: &HashSet<IpAddr>, in_down: &HashSet<IpAddr>) -> Option<Vec<Lead>> {
    let mut fixed = Vec::new();
    for run in u.runs() {
        let k = run.iter().filter(|(_, down)| !down).count();
        let untried = run
            .iter()
            .filter(|(ip, down)| *down && !seen.contains(ip))
            .map(|&(ip, _)| ip);
        if k == 0 {
            fixed.extend(untried);
            continue;
        }
        let (shared, private): (Vec<IpAddr>, Vec<IpAddr>) =
            untried.partition(|ip| in_down.contains(ip));
        if shared.len() > MAX_SHARED_LEAD {
            return None;
        }
        let (s, p) = (shared.len(), private.len());
        let d = s + p;
        let mut w = vec![0.0; d + 1];
        w[0] = k as f64 / (d + k) as f64;
        for t in 0..d {
            w[t + 1] = w[t] * (t + 1) as f64 / (d + k - 1 - t) as f64;
        }
        let mut binom = vec![1.0; p + 1];
        for i in 1..=p {
            binom[i] = binom[i - 1] * (p - i + 1) as f64 / i as f64;
        }
        let mut out = Vec::new();
        for mask in 0usize..(1 << s) {
            let m = mask.count_ones() as usize;
            for (i, c) in binom.iter().enumerate() {
                let weight = c * w[m + i];
                if weight == 0.0 {
                    continue;
                }
                let mut lead = fixed.clone();
                lead.extend(
                    shared
                        .iter()
                        .enumerate()
                        .filter(|(b, _)| mask >> b & 1 == 1)
                        .map(|(_, ip)| *ip),
                );
                lead.extend(&private[..i]);
                out.push((weight, lead));
            }
        }
        return Some(out);
    }
    // Unreachable for a reachable unit; an empty distribution defers.
    Some(Vec::new())
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
