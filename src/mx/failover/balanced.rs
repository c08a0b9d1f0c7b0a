//! Exact odds for Postfix's balanced list (`smtp_balance_inet_protocols`):
//! every address of a preference in one random order, and of the whole
//! list only the first `v6` IPv6 and first `v4` IPv4 addresses kept.
//!
//! Within a tier, let family `f` have `U_f` up and `D_f` down addresses
//! (`n_f` in all) and `b_f` places left. An up address `e` of family `f`
//! accepts when it is the first up `f` address (chance `1/U_f`), with `r`
//! down `f` addresses before it (`P(r) = p_r`, as in [`super::odds`]) and
//! `r < b_f`, and when every kept address of the other family `g` before it
//! is down: with `m` addresses of `g` before it (a uniform merge of the two
//! families: `P(m | r) = C(m+r, r)·C(n_g−m+n_f−r−1, n_f−r−1) / C(n_f+n_g, n_f)`),
//! the first `k = min(m, b_g)` of the `g` order are all down, with chance
//! `C(D_g, k)/C(n_g, k)`. Its failed attempts are `r + k`. A tier that fails
//! uses `min(n_f, b_f)` places of each family, whatever the order, so the
//! next tier is entered with known budgets. Exact when no address appears
//! twice in the list; cost O(Σ b_f·b_g) per tier.

use super::sender::SenderList;
use super::tier::prefix_sizes;

/// Largest b6·b4 work per tier.
const MAX_WORK: usize = 20_000_000;

/// The odds over the whole list, per tier and host.
pub struct BalancedOdds {
    pub accept: Vec<Vec<f64>>,
    pub failed_mass: f64,
    /// Probability that no kept address is up while some address is.
    pub limit: f64,
    pub tried_when_deferred: usize,
}

/// `None` when an address appears twice in the list (the order of first
/// appearances is then not uniform) or the work is too large: the caller
/// samples.
pub fn balanced(list: &SenderList, v6: usize, v4: usize) -> Option<BalancedOdds> {
    let mut once = std::collections::HashSet::new();
    for h in list.hosts() {
        for &(ip, _) in &h.addresses {
            if !once.insert(ip) {
                return None;
            }
        }
    }
    let lf = ln_factorials(once.len() + 1);
    let ln_c = |n: usize, k: usize| lf[n] - lf[k] - lf[n - k];
    let mut out = BalancedOdds {
        accept: list
            .tiers
            .iter()
            .map(|t| vec![0.0; t.hosts.len()])
            .collect(),
        failed_mass: 0.0,
        limit: 0.0,
        tried_when_deferred: 0,
    };
    let any_up = list.hosts().any(|h| h.reachable());
    let (mut reach, mut tried) = (1.0f64, 0usize);
    let mut budget = [v6, v4];
    for (ti, tier) in list.tiers.iter().enumerate() {
        // [IPv6, IPv4] × (up, down)
        let mut up = [0usize; 2];
        let mut down = [0usize; 2];
        for h in &tier.hosts {
            for &(ip, d) in &h.addresses {
                let f = usize::from(ip.is_ipv4());
                if d { down[f] += 1 } else { up[f] += 1 }
            }
        }
        let n = [up[0] + down[0], up[1] + down[1]];
        if budget[0].saturating_mul(budget[1]) > MAX_WORK {
            return None;
        }
        let mut p_tier = 0.0;
        for f in 0..2 {
            let g = 1 - f;
            if up[f] == 0 || budget[f] == 0 {
                continue;
            }
            let pr = prefix_sizes(up[f], down[f]);
            let (mut acc, mut mass) = (0.0, 0.0);
            for (r, p_r) in pr.iter().enumerate().take(budget[f].min(down[f] + 1)) {
                // P(m | r) for m below b_g; the rest share the last k = b_g.
                let total = ln_c(n[f] + n[g], n[f]);
                let mut below = 0.0;
                for m in 0..budget[g].min(n[g] + 1) {
                    let p_m = (ln_c(m + r, r) + ln_c(n[g] - m + n[f] - r - 1, n[f] - r - 1)
                        - total)
                        .exp();
                    below += p_m;
                    let q = all_down(&lf, down[g], n[g], m);
                    acc += p_r * p_m * q;
                    mass += p_r * p_m * q * (r + m) as f64;
                }
                if budget[g] <= n[g] {
                    let k = budget[g];
                    let q = all_down(&lf, down[g], n[g], k) * (1.0 - below).max(0.0);
                    acc += p_r * q;
                    mass += p_r * q * (r + k) as f64;
                }
            }
            // Each up address of f is the first with chance 1/U_f.
            for (hi, h) in tier.hosts.iter().enumerate() {
                let mine = h
                    .addresses
                    .iter()
                    .filter(|(ip, d)| !d && usize::from(ip.is_ipv4()) == f)
                    .count();
                out.accept[ti][hi] += reach * acc * mine as f64 / up[f] as f64;
            }
            p_tier += acc;
            out.failed_mass += reach * (mass + tried as f64 * acc);
        }
        for f in 0..2 {
            let kept = n[f].min(budget[f]);
            tried += kept;
            budget[f] -= kept;
        }
        reach *= (1.0 - p_tier).max(0.0);
    }
    out.limit = if any_up { reach } else { 0.0 };
    out.tried_when_deferred = tried;
    Some(out)
}

/// C(d, k)/C(n, k): the first k of n (d of them down) are all down.
fn all_down(lf: &[f64], d: usize, n: usize, k: usize) -> f64 {
    if k > d {
        return 0.0;
    }
    (lf[d] - lf[d - k] - lf[n] + lf[n - k]).exp()
}

fn ln_factorials(n: usize) -> Vec<f64> {
    let mut lf = vec![0.0; n + 1];
    for i in 1..=n {
        lf[i] = lf[i - 1] + (i as f64).ln();
    }
    lf
}
