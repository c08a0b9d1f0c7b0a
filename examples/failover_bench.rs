//! Timing of the failover engine on worst-case tiers.
//!
//! Run: `cargo run --release --example failover_bench`
//!
//! Scenarios (one tier of `n` hosts, one of them up, the rest down, plus a
//! fallback tier):
//! - `disjoint`: every host has its own two addresses (closed form; with a
//!   limit, the DP);
//! - `shared`: the down hosts also share one address, which forces exact
//!   subset enumeration (2^δ subsets, δ = n − 1 down hosts) up to δ = 16,
//!   and sampling beyond.
//!
//! For each, the median of repeated `simulate` calls.
//!
//! Measured 2026-11-26 on the 2-core build machine (shared with other
//! builds, so figures are noisy):
//!
//! | tier | hosts | rfc | postfix |
//! | --- | ---: | ---: | ---: |
//! | disjoint | 8 | 0.014 ms | 0.022 ms |
//! | disjoint | 1000 | 2.3 ms | 2.4 ms |
//! | disjoint | 4000 | 8.4 ms | 10.1 ms |
//! | shared | 8 | 0.018 ms | 0.027 ms |
//! | shared | 16 | 0.51 ms | 1.1 ms |
//! | shared | 19 | 3.8 ms | 7.3 ms |
//! | shared | 20 | 7.8 ms | 15.1 ms |
//! | shared (sampled) | 22 | 54 ms | 97 ms |

use std::time::{Duration, Instant};

use mxlens::mx::failover::{Outages, simulate};
use mxlens::mx::profile::Profile;
use mxlens::mx::{Address, MxHost, MxReport, Outcome};

fn tier(n: usize, shared: bool) -> (MxReport, Outages) {
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
            if shared {
                h.addresses
                    .push(Address::new("192.0.2.99".parse().unwrap(), 60));
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
    for (shared, sizes) in [
        (false, vec![3, 8, 16, 64, 256, 1000, 4000]),
        (true, vec![3, 8, 16, 19, 20, 21, 22, 32, 64]),
    ] {
        for n in sizes {
            let (r, o) = tier(n, shared);
            for p in [&rfc, &postfix] {
                let (t, exact) = median(&r, &o, p);
                let method = match (shared, exact) {
                    (false, _) if p.address_limit.is_none() => "closed form",
                    (false, _) => "DP over (subset size, addresses)",
                    (true, true) => "subset enumeration",
                    (true, false) => "sampled (200,000 orders)",
                };
                println!(
                    "{:<9} {n:>6}  {:<8} {:>9.3} ms  {method}",
                    if shared { "shared" } else { "disjoint" },
                    p.name,
                    t.as_secs_f64() * 1e3
                );
            }
        }
    }
}
