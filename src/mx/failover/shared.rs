//! Exact odds for a tier whose hosts share addresses, when few addresses are
//! shared: a DP over (subset size, which shared addresses are covered,
//! private address count).
//!
//! With the notation of [`super::odds`]: split every address into
//! *shared* (in the address sets of two or more down hosts, or of a down host
//! and an accepting host's leading addresses) and *private*. Then
//! `F = Σ_{h∈V} priv_h + |M(V) ∪ M(w)| + priv_w`, where `M` is the set of
//! shared addresses covered. The DP runs over the down hosts in the same
//! normalised form as the disjoint case, with the covered set as a bitmask:
//! O(δ²·2^k·(b+1)) for k shared addresses and limit b (without a limit the
//! private part is linear and drops out: O(δ²·2^k)). Used when that work is
//! small ([`MAX_WORK`]); otherwise subset enumeration or sampling take over.

use std::collections::HashMap;
use std::net::IpAddr;

use super::tier::{Method, Prepared, TierOdds, prefix_sizes};

/// Most shared addresses tracked as a bitmask.
pub const MAX_SHARED: usize = 12;
/// Largest DP (states × hosts) attempted, ≈ 10 ms.
pub const MAX_WORK: usize = 20_000_000;

pub(crate) fn masked(p: &Prepared, n_hosts: usize, budget: Option<usize>) -> Option<TierOdds> {
    // How many sets (down hosts' and accepting hosts' leads) hold each address.
    let mut in_down: HashMap<IpAddr, usize> = HashMap::new();
    for h in &p.down {
        for ip in h {
            *in_down.entry(*ip).or_default() += 1;
        }
    }
    let mut shared: Vec<IpAddr> = in_down
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(ip, _)| *ip)
        .collect();
    for ip in p.up.iter().flat_map(|(_, l)| l).flat_map(|(_, lead)| lead) {
        if in_down.get(ip) == Some(&1) && !shared.contains(ip) {
            shared.push(*ip);
        }
    }
    shared.sort_unstable();
    let k = shared.len();
    let d = p.down.len();
    let width = budget.map_or(1, |b| b + 1);
    let states = (d + 1) * (1usize << k.min(63)) * width;
    let variants: usize = p.up.iter().map(|(_, l)| l.len()).sum();
    let read = variants.saturating_mul((1usize << k.min(63)) * width);
    if k > MAX_SHARED || states.saturating_mul(d.max(1)).saturating_add(read) > MAX_WORK {
        return None;
    }
    let bit = |ip: &IpAddr| shared.binary_search(ip).ok().map(|i| 1usize << i);
    let split = |set: &[IpAddr]| {
        set.iter()
            .fold((0usize, 0usize), |(private, mask), ip| match bit(ip) {
                Some(b) => (private, mask | b),
                None => (private + 1, mask),
            })
    };
    let masks = 1usize << k;
    // q[(j * masks + m) * width + s]
    let mut q = vec![0.0f64; (d + 1) * masks * width];
    q[0] = 1.0;
    let mut private_total = 0usize;
    for (m, host) in p.down.iter().enumerate() {
        let (private, mask) = split(host);
        private_total += private;
        let step = if budget.is_some() { private } else { 0 };
        let m1 = (m + 1) as f64;
        for j in (0..=m + 1).rev() {
            let keep = (m + 1 - j) as f64 / m1;
            for cell in &mut q[j * masks * width..(j + 1) * masks * width] {
                *cell *= keep;
            }
            if j == 0 {
                continue;
            }
            let add = j as f64 / m1;
            for old in 0..masks {
                for s in 0..width.saturating_sub(step) {
                    let from = q[((j - 1) * masks + old) * width + s];
                    if from != 0.0 {
                        q[((j * masks) + (old | mask)) * width + s + step] += from * add;
                    }
                }
            }
        }
    }
    let u = p.up.len() as f64;
    let pj = prefix_sizes(p.up.len(), d);
    let mut accept = vec![0.0; n_hosts];
    let mut failed_mass = 0.0;
    // r[mask][s] = Σ_j p_j · q[j][mask][s]: the accepting unit's lead only
    // decides which cells count.
    let mut r = vec![0.0f64; masks * width];
    for (j, pjj) in pj.iter().enumerate() {
        for (cell, from) in r
            .iter_mut()
            .zip(&q[j * masks * width..(j + 1) * masks * width])
        {
            *cell += pjj * from;
        }
    }
    for (i, leads) in &p.up {
        for (weight, lead) in leads {
            let (private_w, mask_w) = split(lead);
            let (mut ok, mut mass) = (0.0, 0.0);
            for mask in 0..masks {
                let covered = (mask | mask_w).count_ones() as usize;
                for s in 0..width {
                    let f = r[mask * width + s];
                    if f == 0.0 {
                        continue;
                    }
                    let failed = s + covered + private_w;
                    if budget.is_none_or(|b| failed < b) {
                        ok += f;
                        mass += f * failed as f64;
                    }
                }
            }
            accept[*i] += weight * ok / u;
            failed_mass += weight * mass / u;
        }
    }
    if budget.is_none() {
        // The private addresses of the down hosts before the accepting one:
        // each down host comes before all u reachable ones with chance 1/(u+1).
        failed_mass += private_total as f64 / (u + 1.0);
    }
    let limit = (1.0 - accept.iter().sum::<f64>()).max(0.0);
    Some(TierOdds {
        accept,
        failed_mass,
        limit,
        method: Method::SharedMask,
        error_bound: 0.0,
        samples: 0,
    })
}
