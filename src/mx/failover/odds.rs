//! The odds inside one tier of equal-preference hosts.
//!
//! A sender reaches a tier with a set `S` of addresses already tried (all
//! down: every earlier tier failed) and, with an address limit, a budget `b`
//! of connection attempts left. It tries the tier's hosts in a uniformly
//! random order (RFC 5321 §5.1). Let `U` be the hosts with an up address
//! (`u` of them) and `D` the others (`δ`).
//!
//! - The host that accepts is the first host of `U` in the order: each with
//!   probability `1/u`, independent of which down hosts came before it.
//! - The down hosts before it form a set `V`; `P(|V| = j) = p_j` with
//!   `p_0 = u/(δ+u)`, `p_j = p_{j-1}·(δ−j+1)/(δ+u−j)`, and given `j` every
//!   `j`-subset of `D` is equally likely.
//! - The failed attempts in this tier are `F = |(A(V) ∪ L(w)) \ S|`: the
//!   distinct addresses of the hosts in `V` plus the accepting host `w`'s
//!   down addresses before its first up one (addresses are tried once).
//! - The sender delivers when `F + 1 ≤ b`; otherwise the limit defers it.
//!
//! Methods, chosen per tier:
//! - **closed form / DP** (exact) when no address is shared among
//!   the tier's hosts: `F = Σ_{h∈V} n_h + ℓ_w`. Without a limit
//!   `E[F] = mean(ℓ_w) + Σ n_h/(u+1)`; with one, a DP over (subset size,
//!   address count ≤ b) in O(δ·b²), used while that is at most [`MAX_WORK`].
//!   A budget `b` at least the tier's untried addresses never binds and is
//!   dropped first, so `b` is at most the number of addresses.
//! - **shared-address DP** (exact, [`super::shared`]) when addresses are
//!   shared but few (≤ 12) and the DP stays small: O(δ²·2^k·(b+1)).
//! - **subset enumeration** (exact) when addresses are shared and
//!   `δ ≤ 20` (down hosts with addresses not yet tried): all 2^δ subsets,
//!   O(2^δ·(Σ|A(h)| + Σ|L(w)|)).
//! - **sampling** otherwise: 200,000 orders from a fixed seed; every
//!   probability is within ±0.0044 of the exact value with 99.9 %
//!   confidence (Hoeffding: √(ln(2/0.001)/(2·200000))). Tiers so large that
//!   200,000 orders would exceed [`MAX_WORK`] steps sample fewer orders
//!   (never under [`MIN_SAMPLES`], ±0.0195), and the bound says so.
//!
//! Work per tier is therefore at most about `max(MAX_WORK, MIN_SAMPLES ×
//! (hosts + addresses))` steps, whatever the address limit.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use super::order::Unit;
use super::rng::SplitMix64;
use super::tier::{Method, Prepared, TierOdds, prefix_sizes, prepare};

/// A [`super::tier::Lead`] with its addresses as small ids.
type LeadIds = (f64, Vec<usize>);
/// One unit as sampling draws it: its addresses as (id, up) and the sizes
/// of the blocks shuffled together.
type UnitPlan = (Vec<(usize, bool)>, Vec<usize>);

/// Shared-address tiers with at most this many down hosts are enumerated.
pub const MAX_ENUMERATED_DOWN_HOSTS: usize = 20;
/// Orders sampled for larger shared-address tiers.
pub const SAMPLES: u32 = 200_000;
/// Fewest orders sampled, however large the tier: the bound is then ±0.0195.
pub const MIN_SAMPLES: u32 = 10_000;
/// Largest work (DP cells, subsets × addresses, sampled steps) spent on one
/// exact method or on sampling before a cheaper one takes over (≈ 20 ms).
pub const MAX_WORK: usize = super::shared::MAX_WORK;
/// Confidence level of the sampling bound.
const ALPHA: f64 = 0.001;

/// The odds of a tier with at least one reachable unit (`units` must hold
/// one); `accept` is per unit.
pub fn tier_odds(units: &[Unit], seen: &HashSet<IpAddr>, budget: Option<usize>) -> TierOdds {
    // A budget at least as large as the tier's untried addresses never binds:
    // the sender delivers at its first up address at the latest.
    let untried: HashSet<IpAddr> = units
        .iter()
        .flat_map(|u| u.addresses.iter().map(|&(ip, _)| ip))
        .filter(|ip| !seen.contains(ip))
        .collect();
    let budget = budget.filter(|&b| b < untried.len());
    let Some(p) = prepare(units, seen) else {
        return sampled(units, seen, budget);
    };
    debug_assert!(!p.up.is_empty(), "tier_odds needs a reachable unit");
    let mut all_down: Vec<IpAddr> = p.down.iter().flatten().copied().collect();
    let total = all_down.len();
    all_down.sort_unstable();
    all_down.dedup();
    let down_set: HashSet<IpAddr> = all_down.iter().copied().collect();
    let disjoint = all_down.len() == total
        && p.up.iter().all(|(_, leads)| {
            leads
                .iter()
                .all(|(_, lead)| lead.iter().all(|ip| !down_set.contains(ip)))
        });
    let d = p.down.len();
    let dp_work = budget.map_or(0, |b| d.saturating_mul(d.min(b)).saturating_mul(b + 1));
    let leads: usize =
        p.up.iter()
            .flat_map(|(_, l)| l.iter().map(|(_, x)| x.len() + 1))
            .sum();
    let subset_work = 1usize
        .checked_shl(u32::try_from(d).unwrap_or(u32::MAX))
        .map(|n| n.saturating_mul(total + leads));
    let mut odds = if disjoint && dp_work.saturating_add(leads) <= MAX_WORK {
        closed_form(&p, units.len(), budget)
    } else if let Some(odds) = super::shared::masked(&p, units.len(), budget) {
        odds
    } else if d <= MAX_ENUMERATED_DOWN_HOSTS && subset_work.is_some_and(|w| w <= MAX_WORK) {
        subsets(&p, units.len(), budget)
    } else {
        sampled(units, seen, budget)
    };
    if odds.method != Method::Sampled && (budget.is_none() || odds.limit < 1e-12) {
        // The limit never binds: each reachable unit is first with
        // probability exactly 1/u; the sums above only round.
        odds.limit = 0.0;
        for (i, _) in &p.up {
            odds.accept[*i] = 1.0 / p.up.len() as f64;
        }
    }
    odds
}

fn closed_form(p: &Prepared, n_hosts: usize, budget: Option<usize>) -> TierOdds {
    let u = p.up.len();
    let uf = u as f64;
    let mut accept = vec![0.0; n_hosts];
    let Some(b) = budget else {
        let down_sum: usize = p.down.iter().map(Vec::len).sum();
        let mut failed_mass = down_sum as f64 / (uf + 1.0);
        for (i, leads) in &p.up {
            accept[*i] = 1.0 / uf;
            for (w, lead) in leads {
                failed_mass += w * lead.len() as f64 / uf;
            }
        }
        return TierOdds {
            accept,
            failed_mass,
            limit: 0.0,
            method: Method::ClosedForm,
            error_bound: 0.0,
            samples: 0,
        };
    };
    // q[j][s]: fraction of the j-subsets of the down hosts seen so far whose
    // address count is s (s ≤ b; larger sums can never deliver).
    let d = p.down.len();
    // Every down host left adds at least one address, and only sums up to b
    // matter, so subsets larger than b never count: j ≤ min(d, b).
    let jmax = d.min(b);
    let mut q = vec![vec![0.0f64; b + 1]; jmax + 1];
    q[0][0] = 1.0;
    for (m, host) in p.down.iter().enumerate() {
        let n = host.len();
        let m1 = (m + 1) as f64;
        for j in (0..=(m + 1).min(jmax)).rev() {
            for s in (0..=b).rev() {
                let keep = q[j][s] * (m + 1 - j) as f64 / m1;
                let add = if j >= 1 && s >= n {
                    q[j - 1][s - n] * j as f64 / m1
                } else {
                    0.0
                };
                q[j][s] = keep + add;
            }
        }
    }
    let pj = prefix_sizes(u, d);
    let mut failed_mass = 0.0;
    // P(F_down ≤ s) and Σ s·P over j, once: each lead only shifts the cut.
    let mut dist = vec![0.0; b + 1];
    for (j, row) in q.iter().enumerate() {
        for (s, &f) in row.iter().enumerate() {
            dist[s] += pj[j] * f;
        }
    }
    for (i, leads) in &p.up {
        for (w, lead) in leads {
            let l = lead.len();
            if l + 1 > b {
                continue;
            }
            let (mut ok, mut mass) = (0.0, 0.0);
            for (s, &f) in dist.iter().enumerate().take(b - l) {
                ok += f;
                mass += f * (s + l) as f64;
            }
            accept[*i] += w * ok / uf;
            failed_mass += w * mass / uf;
        }
    }
    let limit = (1.0 - accept.iter().sum::<f64>()).max(0.0);
    TierOdds {
        accept,
        failed_mass,
        limit,
        method: Method::ClosedForm,
        error_bound: 0.0,
        samples: 0,
    }
}

fn binomials(n: usize) -> Vec<f64> {
    let mut c = vec![1.0; n + 1];
    for k in 1..=n {
        c[k] = c[k - 1] * (n - k + 1) as f64 / k as f64;
    }
    c
}

fn subsets(p: &Prepared, n_hosts: usize, budget: Option<usize>) -> TierOdds {
    let mut ids: HashMap<IpAddr, usize> = HashMap::new();
    let mut id = |ip: IpAddr| {
        let next = ids.len();
        *ids.entry(ip).or_insert(next)
    };
    let down: Vec<Vec<usize>> = p
        .down
        .iter()
        .map(|h| h.iter().map(|&ip| id(ip)).collect())
        .collect();
    let leads: Vec<(usize, Vec<LeadIds>)> =
        p.up.iter()
            .map(|(i, leads)| {
                let leads = leads
                    .iter()
                    .map(|(w, lead)| (*w, lead.iter().map(|&ip| id(ip)).collect()))
                    .collect();
                (*i, leads)
            })
            .collect();
    let d = down.len();
    let u = leads.len() as f64;
    let pj = prefix_sizes(leads.len(), d);
    let cj = binomials(d);
    let mut counts = vec![0u32; ids.len()];
    let mut accept = vec![0.0; n_hosts];
    let mut failed_mass = 0.0;
    // Iterate over subsets in Gray-code order: one host enters or leaves per step.
    let mut union = 0usize;
    let mut in_set = vec![false; d];
    let mut size = 0usize;
    for step in 0u64..(1u64 << d) {
        if step > 0 {
            let k = step.trailing_zeros() as usize;
            in_set[k] = !in_set[k];
            for &a in &down[k] {
                if in_set[k] {
                    counts[a] += 1;
                    union += usize::from(counts[a] == 1);
                } else {
                    counts[a] -= 1;
                    union -= usize::from(counts[a] == 0);
                }
            }
            size = if in_set[k] { size + 1 } else { size - 1 };
        }
        let w = pj[size] / cj[size] / u;
        for (i, variants) in &leads {
            for (v, lead) in variants {
                let f = union + lead.iter().filter(|&&a| counts[a] == 0).count();
                if budget.is_none_or(|b| f < b) {
                    accept[*i] += w * v;
                    failed_mass += w * v * f as f64;
                }
            }
        }
    }
    if budget.is_none() {
        // Without a limit the first reachable host accepts whatever came
        // before it: exactly 1/u each (the sum above only rounds).
        for (i, _) in &leads {
            accept[*i] = 1.0 / u;
        }
    }
    let limit = (1.0 - accept.iter().sum::<f64>()).max(0.0);
    TierOdds {
        accept,
        failed_mass,
        limit,
        method: Method::Subsets,
        error_bound: 0.0,
        samples: 0,
    }
}

/// Hoeffding: every probability estimated from `n` orders is within this of
/// the exact value with confidence 1 − [`ALPHA`].
pub fn sampling_bound(n: u32) -> f64 {
    ((2.0 / ALPHA).ln() / (2.0 * f64::from(n))).sqrt()
}

fn sampled(units: &[Unit], seen: &HashSet<IpAddr>, budget: Option<usize>) -> TierOdds {
    // Addresses as small ids; `stamp[id] == round` marks "tried this round".
    // Already tried addresses are left out of each unit's runs.
    let mut ids: HashMap<IpAddr, usize> = HashMap::new();
    let plan: Vec<UnitPlan> = units
        .iter()
        .map(|u| {
            let mut addrs = Vec::new();
            let mut blocks = Vec::new();
            for run in u.runs() {
                let before = addrs.len();
                for &(ip, down) in run.iter().filter(|(ip, _)| !seen.contains(ip)) {
                    let next = ids.len();
                    addrs.push((*ids.entry(ip).or_insert(next), down));
                }
                if addrs.len() > before {
                    blocks.push(addrs.len() - before);
                }
            }
            (addrs, blocks)
        })
        .collect();
    let mut plan = plan;
    let hosts = units;
    let mut stamp = vec![u32::MAX; ids.len()];
    let mut rng = SplitMix64::new(0x6d78_6c65_6e73);
    let mut order: Vec<usize> = (0..hosts.len()).collect();
    let mut wins = vec![0u64; hosts.len()];
    let mut failed_total = 0u64;
    // Orders are drawn lazily (Fisher–Yates, one position at a time) and
    // stop at the accepting host, so an order costs what the sender walks.
    // Sampling stops at SAMPLES orders, or at MIN_SAMPLES once MAX_WORK
    // steps are spent.
    let mut work = 0usize;
    let mut samples = 0u32;
    while samples < SAMPLES && (samples < MIN_SAMPLES || work < MAX_WORK) {
        let round = samples;
        samples += 1;
        let mut tried = 0usize;
        'order: for k in 0..order.len() {
            let j = k + rng.below(order.len() - k);
            order.swap(k, j);
            let i = order[k];
            let (addrs, blocks) = &mut plan[i];
            work += 1 + addrs.len();
            // Each run in a fresh random order.
            let mut start = 0;
            for &n in blocks.iter() {
                rng.shuffle(&mut addrs[start..start + n]);
                start += n;
            }
            for &(id, down) in addrs.iter() {
                if stamp[id] == round {
                    continue;
                }
                if budget.is_some_and(|b| tried >= b) {
                    break 'order;
                }
                if !down {
                    wins[i] += 1;
                    failed_total += tried as u64;
                    break 'order;
                }
                stamp[id] = round;
                tried += 1;
            }
        }
    }
    let n = f64::from(samples);
    let accept: Vec<f64> = wins.iter().map(|&w| w as f64 / n).collect();
    let failed_mass = failed_total as f64 / n;
    let limit = (1.0 - accept.iter().sum::<f64>()).max(0.0);
    TierOdds {
        accept,
        failed_mass,
        limit,
        method: Method::Sampled,
        error_bound: sampling_bound(samples),
        samples,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(_name: &str, addrs: &[(&str, bool)]) -> Unit {
        Unit::fixed(
            0,
            addrs
                .iter()
                .map(|&(ip, d)| (ip.parse().unwrap(), d))
                .collect(),
        )
    }

    /// Tiers where down hosts share addresses (with each other and with a
    /// reachable host's leading addresses), solved by the shared-address DP,
    /// by subset enumeration and by brute force over every order.
    #[test]
    fn shared_methods_match_every_order() {
        let tiers = [
            vec![
                host("a", &[("192.0.2.1", true), ("192.0.2.2", true)]),
                host("b", &[("192.0.2.2", true)]),
                host("c", &[("192.0.2.2", true), ("192.0.2.3", false)]),
                host("d", &[("192.0.2.4", false)]),
            ],
            vec![
                host("a", &[("192.0.2.1", true), ("192.0.2.5", true)]),
                host("b", &[("192.0.2.1", true), ("192.0.2.6", true)]),
                host(
                    "c",
                    &[
                        ("192.0.2.5", true),
                        ("192.0.2.6", true),
                        ("192.0.2.7", true),
                    ],
                ),
                host("d", &[("192.0.2.6", true), ("192.0.2.8", false)]),
                host("e", &[("192.0.2.9", true), ("192.0.2.10", false)]),
                host("f", &[("192.0.2.11", false)]),
            ],
        ];
        let seen = HashSet::new();
        for hosts in &tiers {
            for budget in [None, Some(1), Some(2), Some(3), Some(5)] {
                let got = tier_odds(hosts, &seen, budget);
                assert_eq!(got.method, Method::SharedMask);
                let p = prepare(hosts, &seen).unwrap();
                let enumerated = subsets(&p, hosts.len(), budget);
                let want = brute(hosts, budget);
                for odds in [&got, &enumerated] {
                    for (g, w) in odds.accept.iter().zip(&want.accept) {
                        assert!((g - w).abs() < 1e-12, "{budget:?}: {odds:?} vs {want:?}");
                    }
                    assert!(
                        (odds.failed_mass - want.failed_mass).abs() < 1e-12,
                        "{budget:?}"
                    );
                    assert!((odds.limit - want.limit).abs() < 1e-12);
                }
            }
        }
    }

    #[test]
    fn dp_matches_every_order() {
        let hosts = vec![
            host("a", &[("192.0.2.1", true), ("192.0.2.2", true)]),
            host("b", &[("192.0.2.3", true)]),
            host("c", &[("192.0.2.5", true), ("192.0.2.6", false)]),
            host("d", &[("192.0.2.4", false)]),
            host(
                "e",
                &[
                    ("192.0.2.7", true),
                    ("192.0.2.8", true),
                    ("192.0.2.9", true),
                ],
            ),
            host("z", &[]),
        ];
        let seen = HashSet::new();
        for budget in [None, Some(1), Some(2), Some(4), Some(5), Some(9)] {
            let got = tier_odds(&hosts, &seen, budget);
            assert_eq!(got.method, Method::ClosedForm);
            let want = brute(&hosts, budget);
            for (g, w) in got.accept.iter().zip(&want.accept) {
                assert!((g - w).abs() < 1e-12, "{budget:?}: {got:?} vs {want:?}");
            }
            assert!(
                (got.failed_mass - want.failed_mass).abs() < 1e-12,
                "{budget:?}"
            );
        }
    }

    /// Sampling agrees with exact enumeration within its stated bound, and
    /// hosts with nothing new to try (no address, or only addresses already
    /// tried in an earlier tier) change nothing.
    #[test]
    fn sampling_is_within_its_bound() {
        let hosts = vec![
            host("a", &[("192.0.2.1", true), ("192.0.2.2", true)]),
            host("b", &[("192.0.2.2", true)]),
            host("c", &[("192.0.2.2", true), ("192.0.2.3", false)]),
            host("d", &[("192.0.2.4", false)]),
            host("e", &[]),
            host("f", &[("192.0.2.9", true)]),
        ];
        let seen: HashSet<IpAddr> = ["192.0.2.9".parse().unwrap()].into();
        for budget in [None, Some(2)] {
            let exact = tier_odds(&hosts, &seen, budget);
            assert_eq!(exact.method, Method::SharedMask);
            let est = sampled(&hosts, &seen, budget);
            for (e, x) in est.accept.iter().zip(&exact.accept) {
                assert!(
                    (e - x).abs() <= est.error_bound,
                    "{budget:?}: {est:?} vs {exact:?}"
                );
            }
            let want = brute(&hosts[..4], budget);
            for (g, w) in exact.accept.iter().zip(&want.accept) {
                assert!((g - w).abs() < 1e-12, "{budget:?}: {exact:?} vs {want:?}");
            }
            assert!((exact.failed_mass - want.failed_mass).abs() < 1e-12);
        }
    }

    fn brute(hosts: &[Unit], budget: Option<usize>) -> TierOdds {
        let mut order: Vec<usize> = (0..hosts.len()).collect();
        let mut perms = Vec::new();
        permute(&mut order, 0, &mut perms);
        let w = 1.0 / perms.len() as f64;
        let mut accept = vec![0.0; hosts.len()];
        let mut failed_mass = 0.0;
        for perm in perms {
            let mut tried = HashSet::new();
            'o: for i in perm {
                for &(ip, down) in &hosts[i].addresses {
                    if tried.contains(&ip) {
                        continue;
                    }
                    if budget.is_some_and(|b| tried.len() >= b) {
                        break 'o;
                    }
                    if !down {
                        accept[i] += w;
                        failed_mass += w * tried.len() as f64;
                        break 'o;
                    }
                    tried.insert(ip);
                }
            }
        }
        let limit = 1.0 - accept.iter().sum::<f64>();
        TierOdds {
            accept,
            failed_mass,
            limit,
            method: Method::ClosedForm,
            error_bound: 0.0,
            samples: 0,
        }
    }

    fn permute(v: &mut Vec<usize>, k: usize, out: &mut Vec<Vec<usize>>) {
        if k == v.len() {
            out.push(v.clone());
            return;
        }
        for i in k..v.len() {
            v.swap(k, i);
            permute(v, k + 1, out);
            v.swap(k, i);
        }
    }
}
