//! Property tests of the failover engine against its definition: invariants
//! on random MX layouts, and the exact odds against the seeded walker.

use std::collections::BTreeMap;
use std::net::IpAddr;

use mxlens::mx::failover::Walker;
use mxlens::mx::failover::{HostState, Outages, SimOutcome, Simulation, TierState, simulate};
use mxlens::mx::profile::Profile;
use mxlens::mx::{Address, MxHost, MxReport, Outcome};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// A random layout: tiers of hosts, each with up to three addresses drawn
/// from a small pool (so addresses are sometimes shared).
#[derive(Debug, Clone)]
struct Layout {
    /// Per host: (preference, address indices into the pool).
    hosts: Vec<(u16, Vec<u8>)>,
    /// Hosts marked down, by index.
    down_hosts: Vec<usize>,
    /// Pool addresses marked down.
    down_addrs: Vec<u8>,
}

fn pool(i: u8) -> IpAddr {
    if i % 4 == 3 {
        format!("2001:db8::{i}").parse().unwrap()
    } else {
        format!("192.0.2.{i}").parse().unwrap()
    }
}

fn layout(max_hosts: usize, max_addrs: usize, pool_size: u8) -> impl Strategy<Value = Layout> {
    layout_in(&[10, 20, 30], max_hosts, max_addrs, pool_size)
}

fn layout_in(
    prefs: &[u16],
    max_hosts: usize,
    max_addrs: usize,
    pool_size: u8,
) -> impl Strategy<Value = Layout> {
    prop::collection::vec(
        (
            prop::sample::select(prefs.to_vec()),
            prop::collection::vec(0..pool_size, 0..=max_addrs),
        ),
        1..=max_hosts,
    )
    .prop_flat_map(move |hosts| {
        let n = hosts.len();
        (
            Just(hosts),
            prop::collection::vec(0..n, 0..=n),
            prop::collection::vec(0..pool_size, 0..=pool_size as usize),
        )
    })
    .prop_map(|(hosts, down_hosts, down_addrs)| Layout {
        hosts,
        down_hosts,
        down_addrs,
    })
}

fn name(i: usize) -> String {
    format!("h{i}.example.test.")
}

fn report(l: &Layout) -> MxReport {
    let mut r = MxReport::new("example.test.", "test");
    r.outcome = Outcome::Mx;
    for (i, (pref, addrs)) in l.hosts.iter().enumerate() {
        let mut h = MxHost::new(*pref, name(i), 300);
        for &a in addrs {
            h.addresses.push(Address::new(pool(a), 60));
        }
        r.mx.push(h);
    }
    r.sort_mx();
    r
}

fn outages(l: &Layout, r: &MxReport) -> Outages {
    let mut o = Outages::default();
    for &h in &l.down_hosts {
        o.hosts.insert(name(h));
    }
    let known: Vec<IpAddr> =
        r.mx.iter()
            .flat_map(|h| h.addresses.iter().map(|a| a.ip))
            .collect();
    for &a in &l.down_addrs {
        if known.contains(&pool(a)) {
            o.addresses.insert(pool(a));
        }
    }
    o
}

fn profiles() -> impl Strategy<Value = Profile> {
    limited(1..=7)
}

/// `rfc`, or `postfix` with an address limit from `limits`.
fn limited(limits: std::ops::RangeInclusive<u32>) -> impl Strategy<Value = Profile> {
    prop_oneof![
        Just(Profile::rfc()),
        limits.prop_map(|l| Profile::postfix()
            .with_overrides(Some(l), None, None, None, None)
            .unwrap()),
    ]
}

fn share_of(s: &Simulation, exchange: &str) -> f64 {
    s.receivers
        .iter()
        .find(|r| r.exchange == exchange)
        .map_or(0.0, |r| r.share)
}

fn p_delivery(s: &Simulation) -> f64 {
    match s.outcome {
        SimOutcome::Delivered => 1.0 - s.deferral_probability,
        _ => 0.0,
    }
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(0x6d78_6c65_6e73),
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn shares_are_probabilities(l in layout(9, 3, 12), p in profiles()) {
        let r = report(&l);
        let s = simulate(&r, &outages(&l, &r), &p);
        let sum: f64 = s.receivers.iter().map(|x| x.share).sum();
        for x in &s.receivers {
            prop_assert!(x.share > 0.0 && x.share <= 1.0 + 1e-12, "{x:?}");
        }
        match s.outcome {
            SimOutcome::Delivered => prop_assert!((sum - 1.0).abs() < 1e-9, "sum {sum}"),
            _ => prop_assert!(s.receivers.is_empty()),
        }
        prop_assert!((0.0..=1.0).contains(&s.deferral_probability));
        prop_assert!(s.expected_failed_attempts >= 0.0);
        prop_assert_eq!(s.expected_delay_s, s.expected_failed_attempts * p.connect_timeout_s);
        if let Some(limit) = p.address_limit {
            prop_assert!(s.expected_failed_attempts < f64::from(limit) + 1e-9);
        }
        // Only Postfix's balanced list with an address under two hosts is
        // sampled (tests/failover_reference.rs checks it within its bound).
        prop_assert!(s.exact || p.balance_families);
    }

    #[test]
    fn down_hosts_never_receive(l in layout(9, 3, 12), p in profiles()) {
        let r = report(&l);
        let o = outages(&l, &r);
        let s = simulate(&r, &o, &p);
        let down = o.down_addresses(&r);
        for h in &r.mx {
            if o.host_down(h) || h.addresses.iter().all(|a| down.contains(&a.ip)) {
                prop_assert_eq!(share_of(&s, &h.exchange), 0.0, "{} receives", h.exchange);
            }
        }
        for h in &s.hosts {
            if matches!(h.state, HostState::Down | HostState::NoAddress) {
                prop_assert_eq!(h.share, 0.0);
            }
        }
        for t in &s.tiers {
            let reachable = s.hosts.iter().any(|h| h.preference == t.preference
                && matches!(h.state, HostState::Up | HostState::Partial));
            prop_assert_eq!(t.state == TierState::Down, !reachable);
            let all = s.hosts.iter().filter(|h| h.preference == t.preference)
                .all(|h| matches!(h.state, HostState::Up | HostState::Partial));
            prop_assert_eq!(t.state == TierState::Up, all);
        }
    }

    /// RFC profile: one more host down never raises the chance of delivery
    /// and never lowers the share of a host that is still reachable.
    #[test]
    fn one_more_outage_is_never_better(l in layout(9, 3, 12), extra in 0usize..9) {
        let r = report(&l);
        let o = outages(&l, &r);
        let before = simulate(&r, &o, &Profile::rfc());
        let mut o2 = o.clone();
        o2.hosts.insert(name(extra % l.hosts.len()));
        let after = simulate(&r, &o2, &Profile::rfc());
        prop_assert!(p_delivery(&after) <= p_delivery(&before) + 1e-12);
        for h in after.hosts.iter().filter(|h| matches!(h.state, HostState::Up | HostState::Partial)) {
            let b = share_of(&before, &h.exchange);
            let a = share_of(&after, &h.exchange);
            prop_assert!(a >= b - 1e-12, "{}: {b} -> {a}", h.exchange);
        }
    }

    /// A larger address limit never lowers the chance of delivery.
    #[test]
    fn a_larger_limit_never_hurts(l in layout(9, 3, 12), limit in 1u32..8) {
        let r = report(&l);
        let o = outages(&l, &r);
        let at = |n| simulate(&r, &o, &Profile::postfix().with_overrides(Some(n), None, None, None, None).unwrap());
        let (small, large) = (at(limit), at(limit + 1));
        // Sampled estimates (balanced lists with shared addresses) are
        // compared within their bounds.
        let slack = small.error_bound + large.error_bound + 1e-12;
        prop_assert!(p_delivery(&large) >= p_delivery(&small) - slack);
        prop_assert!(p_delivery(&simulate(&r, &o, &Profile::rfc())) >= p_delivery(&small) - slack);
    }

    /// With the `rfc` profile mail is delivered exactly when some address is
    /// up, and the first tier with a reachable host splits it evenly.
    #[test]
    fn rfc_delivers_iff_an_address_is_up(l in layout(9, 3, 12)) {
        let r = report(&l);
        let o = outages(&l, &r);
        let s = simulate(&r, &o, &Profile::rfc());
        let down = o.down_addresses(&r);
        let any_up = r.mx.iter().flat_map(|h| &h.addresses).any(|a| !down.contains(&a.ip));
        prop_assert_eq!(s.outcome == SimOutcome::Delivered, any_up);
        let no_address = r.mx.iter().all(|h| h.addresses.is_empty());
        let want = match (any_up, no_address) {
            (true, _) => (SimOutcome::Delivered, 0.0),
            // MX records, none usable: an error, not a retry (RFC 5321 §5.1).
            (false, true) => (SimOutcome::Bounced, 0.0),
            (false, false) => (SimOutcome::Deferred, 1.0),
        };
        prop_assert_eq!((s.outcome, s.deferral_probability), want);
        if any_up {
            let first = s.hosts.iter()
                .find(|h| matches!(h.state, HostState::Up | HostState::Partial))
                .unwrap().preference;
            let k = s.hosts.iter().filter(|h| h.preference == first
                && matches!(h.state, HostState::Up | HostState::Partial)).count();
            prop_assert_eq!(s.receivers.len(), k);
            for x in &s.receivers {
                prop_assert_eq!(x.share, 1.0 / k as f64);
            }
        }
        if o.is_empty() {
            prop_assert_eq!(s.expected_failed_attempts, 0.0);
        }
    }

    /// A limit that never cuts a delivery attempt short changes nothing.
    #[test]
    fn a_limit_that_never_binds_is_invisible(l in layout(9, 3, 12), p in profiles()) {
        let r = report(&l);
        let o = outages(&l, &r);
        let limited = simulate(&r, &o, &p);
        if limited.outcome == SimOutcome::Delivered && limited.deferral_probability == 0.0 {
            // The same sender without its limit (Postfix still shuffles
            // addresses, so it is not the rfc sender).
            let unlimited = p.clone().with_overrides(Some(0), None, None, None, None).unwrap();
            let free = simulate(&r, &o, &unlimited);
            prop_assume!(limited.exact);
            prop_assert_eq!(&limited.receivers, &free.receivers);
            prop_assert!((limited.expected_failed_attempts - free.expected_failed_attempts).abs() < 1e-9);
        }
    }

    /// The order of the records in the report does not matter.
    #[test]
    fn record_order_is_irrelevant(l in layout(9, 3, 12), p in profiles(), rot in 0usize..9) {
        let r = report(&l);
        let o = outages(&l, &r);
        let mut shuffled = r.clone();
        let k = rot % shuffled.mx.len();
        shuffled.mx.rotate_left(k);
        prop_assert_eq!(simulate(&r, &o, &p), simulate(&shuffled, &o, &p));
    }
}

proptest! {
    #![proptest_config(config(32))]

    /// The exact odds match 100,000 seeded walks within 1 %. Small address
    /// pools make shared addresses (subset enumeration) common; large ones
    /// make them rare (closed form and DP).
    #[test]
    fn exact_odds_match_the_walker(
        l in prop_oneof![layout_in(&[10, 20], 7, 2, 8), layout_in(&[10, 20], 7, 2, 120)],
        // Small limits, so that the limit often cuts a tier short.
        p in limited(1..=4),
    ) {
        let r = report(&l);
        let o = outages(&l, &r);
        let s = simulate(&r, &o, &p);
        const N: u64 = 100_000;
        let mut wins: BTreeMap<String, u64> = BTreeMap::new();
        let (mut delivered, mut failed) = (0u64, 0u64);
        let walker = Walker::new(&r, &o, &p);
        for seed in 0..N {
            let w = walker.walk(seed);
            if let Some(rx) = w.receiver {
                *wins.entry(rx).or_default() += 1;
                delivered += 1;
                failed += u64::from(w.failed_attempts);
            } else {
                prop_assert_ne!(w.outcome, SimOutcome::Delivered);
                if s.outcome == SimOutcome::Deferred {
                    prop_assert_eq!(w.failed_attempts as f64, s.expected_failed_attempts);
                }
            }
        }
        let p_ok = p_delivery(&s);
        prop_assert!((delivered as f64 / N as f64 - p_ok).abs() < 0.01, "delivery {delivered} vs {p_ok}");
        for x in &s.receivers {
            let got = *wins.get(&x.exchange).unwrap_or(&0) as f64 / N as f64;
            prop_assert!((got - x.share * p_ok).abs() < 0.01, "{}: {got} vs {}", x.exchange, x.share * p_ok);
        }
        for name in wins.keys() {
            prop_assert!(share_of(&s, name) > 0.0, "the walker delivered to {name}, the engine never does");
        }
        if delivered > 0 && s.outcome == SimOutcome::Delivered {
            let mean = failed as f64 / delivered as f64;
            let tol = 0.01 * s.expected_failed_attempts.max(1.0);
            prop_assert!((mean - s.expected_failed_attempts).abs() < tol,
                "failed attempts: walks {mean} vs exact {}", s.expected_failed_attempts);
        }
    }
}
