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
//! For each, the median of repeated `simulate` calls.
//!
//! Measured 2026-11-26 on the 2-core build machine (shared with other
//! builds, so figures are noisy); `ClosedForm` is the DP when a limit is set:
//!
//! | tier | hosts | rfc | postfix | method |
//! | --- | ---: | ---: | ---: | --- |
//! | disjoint | 8 | 0.006 ms | 0.011 ms | closed form / DP |
//! | disjoint | 1000 | 1.3 ms | 1.5 ms | closed form / DP |
//! | disjoint | 4000 | 8.5 ms | 7.2 ms | closed form / DP |
//! | shared | 8 | 0.014 ms | 0.015 ms | shared-address DP |
//! | shared | 256 | 0.65 ms | 1.1 ms | shared-address DP |
//! | shared | 1000 | 5.2 ms | 12.2 ms | shared-address DP |
//! | mesh | 8 | 0.034 ms | 0.064 ms | shared-address DP |
//! | mesh | 20 | 3.8 ms | 7.0 ms | subset enumeration |
//! | mesh | 21 | 9.0 ms | 16.0 ms | subset enumeration |
//! | mesh | 22 | 64 ms | 92 ms | sampled |

use std::collections::HashSet;
use std::time::{Duration, Instant};

use mxlens::mx::failover::odds::tier_odds;
use mxlens::mx::failover::sender::SenderList;
use mxlens::mx::failover::{Outages, simulate};
use mxlens::mx::profile::Profile;
use mxlens::mx::{Address, MxHost, MxReport, Outcome};

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Disjoint,
    Shared,
    Mesh,
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
        h.addresses
            .push(Address::new(format!("10.{a}.{b}.2").parse().unwrap(), 60));
        if i > 0 {
            match kind {
                Kind::Disjoint => {}
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

fn main() {
    let rfc = Profile::rfc();
    let postfix = Profile::postfix();
    println!(
        "{:<9} {:>6}  {:<8} {:>12}  method",
        "tier", "hosts", "profile", "median"
    );
    for (kind, sizes) in [
        (Kind::Disjoint, vec![3, 8, 16, 64, 256, 1000, 4000]),
        (Kind::Shared, vec![3, 8, 16, 64, 256, 1000]),
        (Kind::Mesh, vec![3, 8, 12, 16, 20, 21, 22, 32]),
    ] {
        for n in sizes {
            let (r, o) = tier(n, kind);
            let list = SenderList::build(&r, &o);
            for p in [&rfc, &postfix] {
                let (t, _) = median(&r, &o, p);
                let budget = p.address_limit.map(|l| l as usize);
                let method = tier_odds(&list.tiers[0].hosts, &HashSet::new(), budget).method;
                println!(
                    "{:<9} {n:>6}  {:<8} {:>9.3} ms  {method:?}",
                    match kind {
                        Kind::Disjoint => "disjoint",
                        Kind::Shared => "shared",
                        Kind::Mesh => "mesh",
                    },
                    p.name,
                    t.as_secs_f64() * 1e3
                );
            }
        }
    }
}
