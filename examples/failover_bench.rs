//! Timing of the failover engine on worst-case tiers.
//!
//! Run: `cargo run --release --example failover_bench`
//!
//! Scenarios (one tier of `n` hosts, one of them up, the rest down, plus a
//! fallback tier):
//! - `disjoint`: every host has its own two addresses (closed form; with a
//!   limit, the DP);
//! - `shared`: the down hosts also share one address (the shared-address DP,
//!   O(δ²·2^k·(b+1)) with k = 1);
//! - `mesh`: down host i shares an address with host i+1 (k = δ − 1 shared
//!   addresses): the DP while 2^k stays small, then subset enumeration
//!   (2^δ), then sampling: the worst case.
//!
//! - `dual`: every host has one IPv4 and one IPv6 address (Postfix's
//!   balanced list applies once there are more than five).
//!
//! For each, the median of repeated `simulate` calls, for every profile
//! (rfc, postfix, exim; addresses from DNS, so in random order, except the
//! `rfc-written` rows) and as a ratio to a baseline measured in the same
//! run: `rfc-written` on the disjoint tier of 8, the model of earlier
//! versions. Ratios are what to compare across machines and runs; the
//! milliseconds move with the machine's load.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use mxlens::mx::failover::odds::tier_odds;
use mxlens::mx::failover::order::units;
use mxlens::mx::failover::sender::SenderList;
use mxlens::mx::failover::{Outages, Profile, simulate};
use mxlens::mx::{Address, MxHost, MxReport, Outcome};

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Disjoint,
    Shared,
    Mesh,
    Dual,
}

fn tier(n: usize, kind: Kind) -> (MxReport, Outages) {
    let mut r = MxReport::new("bench.test.", "bench");
    r.outcome = Outcome::Mx;
    let mut o = Outages::default();
    for i in 0..n {
        let mut h = MxHost::new(10, format!("h{i}.bench.test."), 300);
        let a = (i / 250) as u8;
        let b = (i % 250) as u8;
        h.addresses
            .push(Address::new(format!("10.{a}.{b}.1").parse().unwrap(), 60));
        let second = if kind == Kind::Dual {
            format!("2001:db8::{a}:{b}")
        } else {
            format!("10.{a}.{b}.2")
        };
        h.addresses.push(Address::new(second.parse().unwrap(), 60));
        if i > 0 {
            match kind {
                Kind::Disjoint | Kind::Dual => {}
                Kind::Shared => h
                    .addresses
                    .push(Address::new("192.0.2.99".parse().unwrap(), 60)),
                Kind::Mesh => {
                    // Host i's first address is also host i+1's third.
                    let prev = i - 1;
                    let ip = format!("10.{}.{}.1", prev / 250, prev % 250);
                    if prev > 0 {
                        h.addresses.push(Address::new(ip.parse().unwrap(), 60));
                    }
                }
            }
            o.hosts.insert(h.exchange.clone());
        }
        r.mx.push(h);
    }
    let mut fallback = MxHost::new(20, "fallback.bench.test.", 300);
    fallback
        .addresses
        .push(Address::new("198.51.100.1".parse().unwrap(), 60));
    r.mx.push(fallback);
    r.sort_mx();
    (r, o)
}

fn median(r: &MxReport, o: &Outages, p: &Profile) -> (Duration, bool) {
    let mut times = Vec::new();
    let mut exact = true;
    let budget = Instant::now();
    while times.len() < 5 || (times.len() < 200 && budget.elapsed() < Duration::from_secs(1)) {
        let t = Instant::now();
        let s = simulate(r, o, p);
        times.push(t.elapsed());
        exact = s.exact;
    }
    times.sort();
    (times[times.len() / 2], exact)
}

fn written(r: &MxReport) -> MxReport {
    let mut r = r.clone();
    for h in &mut r.mx {
        h.addresses_as_written = true;
    }
    r
}

fn main() {
    let (r8, o8) = tier(8, Kind::Disjoint);
    let (base, _) = median(&written(&r8), &o8, &Profile::rfc());
    let base_ms = base.as_secs_f64() * 1e3;
    println!("baseline: rfc-written, disjoint tier of 8: {base_ms:.4} ms");
    println!(
        "{:<9} {:>6}  {:<12} {:>12} {:>10}  method",
        "tier", "hosts", "profile", "median", "× baseline"
    );
    let profiles = [
        ("rfc-written", Profile::rfc()),
        ("rfc", Profile::rfc()),
        ("postfix", Profile::postfix()),
        ("exim", Profile::exim()),
    ];
    for (kind, sizes) in [
        (Kind::Disjoint, vec![3, 8, 16, 64, 256, 1000, 4000]),
        (Kind::Dual, vec![3, 8, 16, 64, 256, 1000]),
        (Kind::Shared, vec![3, 8, 16, 64, 256, 1000]),
        (Kind::Mesh, vec![3, 8, 12, 16, 20, 21, 22, 32]),
    ] {
        for n in sizes {
            let (dns, o) = tier(n, kind);
            let as_written = written(&dns);
            for (label, p) in &profiles {
                let r = if *label == "rfc-written" {
                    &as_written
                } else {
                    &dns
                };
                let list = SenderList::build(r, &o);
                let (t, exact) = median(r, &o, p);
                let budget = p.address_limit.map(|l| l as usize);
                let u = units(&list.tiers[0].hosts, p);
                let method = tier_odds(&u, &HashSet::new(), budget).method;
                let ms = t.as_secs_f64() * 1e3;
                println!(
                    "{:<9} {n:>6}  {label:<12} {ms:>9.3} ms {:>9.1}×  {method:?}{}",
                    match kind {
                        Kind::Disjoint => "disjoint",
                        Kind::Shared => "shared",
                        Kind::Mesh => "mesh",
                        Kind::Dual => "dual",
                    },
                    ms / base_ms,
                    if exact { "" } else { " (sampled)" }
                );
            }
        }
    }
}
