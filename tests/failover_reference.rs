//! The engine against a brute-force reference model of the senders it
//! models: every order of every tier is enumerated with its exact
//! probability (rational arithmetic), walked address by address, and the
//! shares, deferral probability and expected failed attempts compared, for
//! every profile and sender family, on random configurations drawn from a
//! fixed seed. The reference is written from the profiles' documented
//! behaviour, not from the engine's code.

use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;

use mxlens::mx::failover::profile::SenderFamily;
use mxlens::mx::failover::{Outages, Profile, SimOutcome, simulate};
use mxlens::mx::{Address, MxHost, MxReport, Outcome};

/// An exact fraction.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Q(i128, i128);

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

impl Q {
    fn new(n: i128, d: i128) -> Self {
        let g = gcd(n, d).max(1);
        Q(n / g, d / g)
    }
    fn add(self, o: Q) -> Q {
        Q::new(self.0 * o.1 + o.0 * self.1, self.1 * o.1)
    }
    fn mul(self, o: Q) -> Q {
        Q::new(self.0 * o.0, self.1 * o.1)
    }
    fn div(self, o: Q) -> Q {
        Q::new(self.0 * o.1, self.1 * o.0)
    }
    fn f(self) -> f64 {
        self.0 as f64 / self.1 as f64
    }
}

/// A tiny deterministic generator for the configurations (independent of
/// the engine's own).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[derive(Debug, Clone)]
struct Host {
    pref: u16,
    name: String,
    addrs: Vec<IpAddr>,
}

#[derive(Debug, Clone)]
struct Config {
    hosts: Vec<Host>,
    down: HashSet<IpAddr>,
    written: bool,
}

fn pool(i: u64) -> IpAddr {
    if i % 3 == 2 {
        format!("2001:db8::{}", i + 1).parse().unwrap()
    } else {
        format!("192.0.2.{}", i + 1).parse().unwrap()
    }
}

fn config(rng: &mut Lcg) -> Config {
    let n = 1 + rng.next(4) as usize;
    let pool_size = 3 + rng.next(5);
    let mut hosts: Vec<Host> = Vec::new();
    for i in 0..n {
        let pref = [10, 10, 20, 30][rng.next(4) as usize];
        // Now and then a name listed twice (same addresses: they belong to it).
        if i > 0 && rng.next(6) == 0 {
            let mut h = hosts[rng.next(i as u64) as usize].clone();
            h.pref = pref;
            hosts.push(h);
            continue;
        }
        let mut addrs = Vec::new();
        for _ in 0..rng.next(4) {
            let a = pool(rng.next(pool_size));
            if !addrs.contains(&a) {
                addrs.push(a);
            }
        }
        hosts.push(Host {
            pref,
            name: format!("h{i}.example.test."),
            addrs,
        });
    }
    let down = (0..pool_size)
        .filter(|_| rng.next(2) == 0)
        .map(pool)
        .collect();
    Config {
        hosts,
        down,
        written: rng.next(2) == 0,
    }
}

fn report(c: &Config) -> MxReport {
    let mut r = MxReport::new("example.test.", "test");
    r.outcome = Outcome::Mx;
    for h in &c.hosts {
        let mut m = MxHost::new(h.pref, h.name.clone(), 300);
        m.addresses = h.addrs.iter().map(|&ip| Address::new(ip, 60)).collect();
        m.addresses_as_written = c.written;
        r.mx.push(m);
    }
    r
}

fn perms<T: Clone>(v: &[T]) -> Vec<Vec<T>> {
    if v.len() <= 1 {
        return vec![v.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..v.len() {
        let mut rest = v.to_vec();
        let x = rest.remove(i);
        for mut p in perms(&rest) {
            p.insert(0, x.clone());
            out.push(p);
        }
    }
    out
}

/// Every order a sender of `profile` can use for one tier, each equally
/// likely: a list of (host index, address).
fn tier_orders(
    hosts: &[(usize, Vec<IpAddr>)],
    profile: &str,
    written: bool,
) -> Vec<Vec<(usize, IpAddr)>> {
    if profile == "postfix" {
        // smtp_randomize_addresses: all addresses of the preference shuffled.
        let entries: Vec<(usize, IpAddr)> = hosts
            .iter()
            .flat_map(|(i, a)| a.iter().map(move |&ip| (*i, ip)))
            .collect();
        return perms(&entries);
    }
    // Hosts shuffled; each host's addresses in every order it can have.
    let per_host: Vec<Vec<Vec<IpAddr>>> = hosts
        .iter()
        .map(|(_, a)| {
            let (first, second): (Vec<IpAddr>, Vec<IpAddr>) = if profile == "exim" {
                a.iter().partition(|ip| ip.is_ipv6())
            } else {
                (a.clone(), Vec::new())
            };
            if written {
                return vec![first.into_iter().chain(second).collect()];
            }
            let mut out = Vec::new();
            for p in perms(&first) {
                for q in perms(&second) {
                    out.push(p.iter().chain(&q).copied().collect());
                }
            }
            out
        })
        .collect();
    let mut out = Vec::new();
    for order in perms(&(0..hosts.len()).collect::<Vec<_>>()) {
        // Every combination of the hosts' address orders.
        let mut seqs: Vec<Vec<(usize, IpAddr)>> = vec![Vec::new()];
        for &h in &order {
            let mut next = Vec::new();
            for s in &seqs {
                for a in &per_host[h] {
                    let mut t = s.clone();
                    t.extend(a.iter().map(|&ip| (hosts[h].0, ip)));
                    next.push(t);
                }
            }
            seqs = next;
        }
        out.extend(seqs);
    }
    out
}

struct Reference {
    /// Per host name: probability it accepts.
    accept: BTreeMap<String, Q>,
    p_success: Q,
    failed_mass: Q,
    /// Failed attempts summed over the deferring orders.
    deferred_mass: Q,
}

fn reference(c: &Config, profile: &Profile) -> Reference {
    // The list: one host per name, at its lowest preference; the sender's
    // family only.
    let mut hosts: Vec<Host> = c.hosts.clone();
    hosts.sort_by(|a, b| (a.pref, &a.name).cmp(&(b.pref, &b.name)));
    let mut names = HashSet::new();
    hosts.retain(|h| names.insert(h.name.clone()));
    for h in &mut hosts {
        h.addrs.retain(|ip| profile.sender_family.allows(ip));
    }
    let mut tiers: BTreeMap<u16, Vec<(usize, Vec<IpAddr>)>> = BTreeMap::new();
    for (i, h) in hosts.iter().enumerate() {
        tiers.entry(h.pref).or_default().push((i, h.addrs.clone()));
    }
    let name = &profile.name;
    let per_tier: Vec<Vec<Vec<(usize, IpAddr)>>> = tiers
        .values()
        .map(|t| tier_orders(t, name, c.written))
        .collect();
    let distinct: HashSet<IpAddr> = hosts.iter().flat_map(|h| h.addrs.clone()).collect();
    let n6 = distinct.iter().filter(|ip| ip.is_ipv6()).count();
    let n4 = distinct.len() - n6;
    let limit = profile.address_limit.map(|l| l as usize);
    // Postfix balance: the first ⌈L/2⌉ IPv6 and ⌊L/2⌋ IPv4, the rest to the
    // other family when one has fewer; only with both families and more
    // addresses than the limit.
    let balance = match limit {
        Some(l) if profile.balance_families && n6 > 0 && n4 > 0 && n6 + n4 > l => {
            let (mut v6, mut v4) = (l.div_ceil(2), l / 2);
            if v6 > n6 {
                v4 += v6 - n6;
                v6 = n6;
            } else if v4 > n4 {
                v6 += v4 - n4;
                v4 = n4;
            }
            Some((v6, v4))
        }
        _ => None,
    };
    let mut r = Reference {
        accept: BTreeMap::new(),
        p_success: Q(0, 1),
        failed_mass: Q(0, 1),
        deferred_mass: Q(0, 1),
    };
    // Walk every combination of tier orders.
    let mut idx = vec![0usize; per_tier.len()];
    let weight = per_tier
        .iter()
        .fold(Q(1, 1), |w, t| w.mul(Q(1, t.len() as i128)));
    loop {
        let seq: Vec<(usize, u16, IpAddr)> = per_tier
            .iter()
            .zip(&idx)
            .flat_map(|(t, &k)| t[k].iter().map(|&(h, ip)| (h, hosts[h].pref, ip)))
            .collect();
        // Balanced: which distinct addresses the list keeps.
        let mut kept_set: Option<HashSet<IpAddr>> = None;
        if let Some((v6, v4)) = balance {
            let mut seen = HashSet::new();
            let mut kept = HashSet::new();
            let (mut k6, mut k4) = (0, 0);
            for &(_, _, ip) in &seq {
                if !seen.insert(ip) {
                    continue;
                }
                if ip.is_ipv6() && k6 < v6 {
                    k6 += 1;
                    kept.insert(ip);
                } else if ip.is_ipv4() && k4 < v4 {
                    k4 += 1;
                    kept.insert(ip);
                }
            }
            kept_set = Some(kept);
        }
        let mut tried: HashSet<IpAddr> = HashSet::new();
        let mut last_pref = None;
        let mut result = None;
        for &(h, pref, ip) in &seq {
            if tried.contains(&ip) || kept_set.as_ref().is_some_and(|k| !k.contains(&ip)) {
                continue;
            }
            let stop = match (limit, profile.address_limit_hard.map(|x| x as usize)) {
                (Some(_), _) if balance.is_some() => false,
                (Some(soft), Some(hard)) => {
                    tried.len() >= hard || (last_pref != Some(pref) && tried.len() >= soft)
                }
                (Some(l), None) => tried.len() >= l,
                (None, Some(hard)) => tried.len() >= hard,
                (None, None) => false,
            };
            if stop {
                break;
            }
            tried.insert(ip);
            last_pref = Some(pref);
            if !c.down.contains(&ip) {
                result = Some((h, tried.len() - 1));
                break;
            }
        }
        match result {
            Some((h, failed)) => {
                let e = r.accept.entry(hosts[h].name.clone()).or_insert(Q(0, 1));
                *e = e.add(weight);
                r.p_success = r.p_success.add(weight);
                r.failed_mass = r.failed_mass.add(weight.mul(Q(failed as i128, 1)));
            }
            None => {
                r.deferred_mass = r.deferred_mass.add(weight.mul(Q(tried.len() as i128, 1)));
            }
        }
        // Next combination.
        let mut k = 0;
        loop {
            if k == idx.len() {
                return r;
            }
            idx[k] += 1;
            if idx[k] < per_tier[k].len() {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
    }
}

fn orders_count(c: &Config) -> usize {
    // A bound on the enumeration, to keep configurations small.
    let mut by_pref: BTreeMap<u16, usize> = BTreeMap::new();
    for h in &c.hosts {
        *by_pref.entry(h.pref).or_default() += h.addrs.len() + 1;
    }
    by_pref
        .values()
        .map(|&n| (1..=n).product::<usize>())
        .product()
}

fn check(c: &Config, profile: &Profile) {
    let r = report(c);
    let mut outages = Outages::default();
    outages.addresses = c.down.clone().into_iter().collect();
    let sim = simulate(&r, &outages, profile);
    let want = reference(c, profile);
    let ctx = || {
        format!(
            "{} {:?}: {c:?}\n{sim:#?}",
            profile.name, profile.sender_family
        )
    };
    // Only Postfix's balanced list with an address under two hosts is
    // sampled; everything else is exact.
    assert!(sim.exact || profile.balance_families, "{}", ctx());
    let tol = if sim.exact { 1e-9 } else { sim.error_bound };
    let attempts_tol = tol * (1 + c.hosts.iter().map(|h| h.addrs.len()).sum::<usize>()) as f64;
    if want.p_success.0 == 0 {
        assert_ne!(sim.outcome, SimOutcome::Delivered, "{}", ctx());
        if sim.outcome == SimOutcome::Deferred && !sim.hosts.iter().all(|h| h.addresses.is_empty())
        {
            let total = Q(1, 1);
            let mean = want.deferred_mass.div(total).f();
            assert!(
                (sim.expected_failed_attempts - mean).abs() <= attempts_tol,
                "deferred attempts {mean}: {}",
                ctx()
            );
        }
        return;
    }
    assert_eq!(sim.outcome, SimOutcome::Delivered, "{}", ctx());
    for h in &sim.hosts {
        let a = want.accept.get(&h.exchange).copied().unwrap_or(Q(0, 1));
        let share = a.div(want.p_success).f();
        assert!(
            (h.share - share).abs() <= tol,
            "{} share {share}: {}",
            h.exchange,
            ctx()
        );
    }
    let deferral = 1.0 - want.p_success.f();
    assert!(
        (sim.deferral_probability - deferral).abs() <= tol,
        "deferral {deferral}: {}",
        ctx()
    );
    let failed = want.failed_mass.div(want.p_success).f();
    assert!(
        (sim.expected_failed_attempts - failed).abs() <= attempts_tol,
        "failed {failed}: {}",
        ctx()
    );
}

fn profiles() -> Vec<Profile> {
    let mut out = Vec::new();
    for base in [Profile::rfc(), Profile::postfix(), Profile::exim()] {
        for family in [SenderFamily::Dual, SenderFamily::Ipv4, SenderFamily::Ipv6] {
            out.push(base.clone().with_sender_family(family));
        }
    }
    // Tight limits, where the limits bind on these small lists.
    for l in [1, 2, 3] {
        out.push(
            Profile::postfix()
                .with_overrides(Some(l), None, None, None, None)
                .unwrap(),
        );
        out.push(
            Profile::rfc()
                .with_overrides(Some(l), None, None, None, None)
                .unwrap(),
        );
    }
    let mut exim = Profile::exim();
    exim.address_limit = Some(1);
    exim.address_limit_hard = Some(3);
    out.push(exim);
    out
}

#[test]
fn engine_matches_every_order() {
    let mut rng = Lcg(0x5eed_0f_f00d);
    let profiles = profiles();
    let mut checked = 0;
    while checked < 400 {
        let c = config(&mut rng);
        if orders_count(&c) > 40_000 {
            continue;
        }
        for p in &profiles {
            check(&c, p);
        }
        checked += 1;
    }
}
