//! RFC 5321 §5.1 delivery simulation: the `mxlens/simulation/v1` contract
//! (DESIGN §6).
//!
//! Pure: an [`MxReport`], the [`Outages`] and a sender [`Profile`] in, a
//! [`Simulation`] out. The sender is modelled by [`SenderList`] (tiers,
//! de-duplication, outages) and the odds of each tier by
//! [`super::odds`]. Tiers are independent: a tier is entered only when
//! every earlier one failed, so the addresses already tried and the attempts
//! spent are fixed when it is entered. Cost: O(Σ tier cost), where a tier
//! without shared addresses costs O(h) (no limit) or O(h·b²) (limit b); one
//! with k shared addresses O(δ²·2^k·(b+1)) for δ down hosts (k ≤ 12), else
//! O(2^δ·a) for δ ≤ 20, else a fixed 200,000-order sample (the only
//! inexact case, flagged by `exact: false` and `error_bound`).
//!
//! Cases (each with its source):
//! - null MX (RFC 7505 §3), no MX and no address (RFC 5321 §5.1), NXDOMAIN:
//!   `bounced`.
//! - MX records whose exchanges all resolved to nothing (NXDOMAIN/NODATA):
//!   `bounced` — RFC 5321 §5.1 "If MX records are present, but none of them
//!   are usable, or the implicit MX is unusable, this situation MUST be
//!   reported as an error" (Postfix: "no MX host for … has a valid address
//!   record", a hard error unless `smtp_defer_if_no_mx_address_found`).
//! - the same, but some address lookup failed (timeout, SERVFAIL…): `deferred`,
//!   the sender's own lookup would fail temporarily and be retried.
//! - the MX lookup itself failed (report outcome `error`): `deferred`, and
//!   the reason says the hosts could not be simulated.
//! - implicit MX: the domain is the only host, preference 0 (RFC 5321 §5.1).
//! - every reachable address beyond the address limit: `deferred`.

use std::collections::HashSet;
use std::net::IpAddr;

use super::balanced::balanced;
use super::limits::{Limits, limit_sentence};
use super::model::{
    AddressSim, HostSim, HostState, Receiver, SIMULATION_SCHEMA, Simulation, Tier, TierState,
};
use super::odds::{MAX_WORK, MIN_SAMPLES, SAMPLES, sampling_bound, tier_odds};
use super::order::units;
use super::profile::AddressOrder;
use super::profile::Profile;
use super::rng::SplitMix64;
use super::route::{Route, SimOutcome, route};
use super::sender::{Outages, SenderList};
use super::tier::Method;
use crate::mx::report::{MxReport, Outcome};

/// Probabilities below this are rounding noise.
const EPS: f64 = 1e-12;

/// The exact odds over the whole list.
struct Odds {
    /// Per tier, per host.
    accept: Vec<Vec<f64>>,
    failed_mass: f64,
    /// Probability an up address exists but the limit stops the sender first.
    limit: f64,
    /// Failed attempts of a delivery attempt that defers.
    tried_when_deferred: usize,
    error_bound: f64,
    /// (preference, orders sampled) of each sampled tier.
    sampled_tiers: Vec<(u16, u32)>,
}

fn odds(list: &SenderList, profile: &Profile, limits: Limits) -> Odds {
    let mut o = Odds {
        accept: list
            .tiers
            .iter()
            .map(|t| vec![0.0; t.hosts.len()])
            .collect(),
        failed_mass: 0.0,
        limit: 0.0,
        tried_when_deferred: 0,
        error_bound: 0.0,
        sampled_tiers: Vec::new(),
    };
    if let Limits::Balanced { v6, v4 } = limits {
        if profile.address_order == AddressOrder::ShuffledPerPreference
            && let Some(b) = balanced(list, v6, v4)
        {
            o.accept = b.accept;
            o.failed_mass = b.failed_mass;
            o.limit = b.limit;
            o.tried_when_deferred = b.tried_when_deferred;
            return o;
        }
        return sampled_list(list, v6, v4);
    }
    let any_reachable = list.hosts().any(|h| h.reachable());
    let mut seen: HashSet<IpAddr> = HashSet::new();
    for (ti, tier) in list.tiers.iter().enumerate() {
        // The largest number of addresses tried before the sender stops.
        let cap = match limits {
            Limits::None => None,
            Limits::Total(l) => Some(l),
            // Entering a tier is trying an address of another preference.
            Limits::Exim { soft, .. } if !seen.is_empty() && seen.len() >= soft => {
                o.tried_when_deferred = seen.len();
                o.limit = if any_reachable { 1.0 } else { 0.0 };
                return o;
            }
            Limits::Exim { hard, .. } => Some(hard),
            Limits::Balanced { .. } => unreachable!("handled above"),
        };
        let budget = cap.map(|l| l.saturating_sub(seen.len()));
        if tier.hosts.iter().any(|h| h.reachable()) {
            let units = units(&tier.hosts, profile);
            let t = tier_odds(&units, &seen, budget);
            let p: f64 = t.accept.iter().sum();
            o.failed_mass = t.failed_mass + seen.len() as f64 * p;
            o.limit = t.limit;
            o.error_bound = t.error_bound;
            if t.method == Method::Sampled {
                o.sampled_tiers.push((tier.preference, t.samples));
            }
            for (unit, a) in units.iter().zip(&t.accept) {
                o.accept[ti][unit.owner] += a;
            }
            o.tried_when_deferred = cap.unwrap_or(0);
            return o;
        }
        seen.extend(
            tier.hosts
                .iter()
                .flat_map(|h| h.addresses.iter().map(|&(ip, _)| ip)),
        );
        if let Some(l) = cap.filter(|&l| seen.len() > l) {
            o.tried_when_deferred = l;
            o.limit = if any_reachable { 1.0 } else { 0.0 };
            return o;
        }
    }
    o.tried_when_deferred = seen.len();
    o
}

/// Postfix's balanced list sampled (seeded), for the cases the exact
/// method does not cover (an address under two hosts, or too large): every
/// probability within the Hoeffding bound. Each order shuffles every tier's
/// (host, address) entries, keeps the first `v6` IPv6 and `v4` IPv4 distinct
/// addresses and walks them, as [`super::walk`] does step by step.
fn sampled_list(list: &SenderList, v6: usize, v4: usize) -> Odds {
    let mut ids: std::collections::HashMap<IpAddr, usize> = Default::default();
    // Per tier: (host, address id, IPv4?, down).
    let mut tiers: Vec<Vec<(usize, usize, bool, bool)>> = list
        .tiers
        .iter()
        .map(|t| {
            t.hosts
                .iter()
                .enumerate()
                .flat_map(|(hi, h)| h.addresses.iter().map(move |&(ip, d)| (hi, ip, d)))
                .map(|(hi, ip, d)| {
                    let next = ids.len();
                    (hi, *ids.entry(ip).or_insert(next), ip.is_ipv4(), d)
                })
                .collect()
        })
        .collect();
    let per_order = tiers.iter().map(Vec::len).sum::<usize>() + 1;
    let n = u32::try_from(MAX_WORK / per_order)
        .unwrap_or(u32::MAX)
        .clamp(MIN_SAMPLES, SAMPLES);
    let mut o = Odds {
        accept: list
            .tiers
            .iter()
            .map(|t| vec![0.0; t.hosts.len()])
            .collect(),
        failed_mass: 0.0,
        limit: 0.0,
        tried_when_deferred: 0,
        error_bound: sampling_bound(n),
        sampled_tiers: list.tiers.iter().map(|t| (t.preference, n)).collect(),
    };
    let mut rng = SplitMix64::new(0x6d78_6c65_6e73);
    let mut stamp = vec![u32::MAX; ids.len()];
    let quota = [v6, v4];
    let w = 1.0 / f64::from(n);
    let any_up = list.hosts().any(|h| h.reachable());
    for round in 0..n {
        let mut kept = [0usize; 2];
        let mut tried = 0usize;
        let mut done = false;
        'list: for (ti, entries) in tiers.iter_mut().enumerate() {
            // Drawn lazily (Fisher–Yates one place at a time): an order costs
            // what the sender walks.
            for k in 0..entries.len() {
                let j = k + rng.below(entries.len() - k);
                entries.swap(k, j);
                let (hi, id, is_v4, down) = entries[k];
                if stamp[id] == round {
                    continue;
                }
                stamp[id] = round;
                let f = usize::from(is_v4);
                if kept[f] >= quota[f] {
                    continue;
                }
                kept[f] += 1;
                if down {
                    tried += 1;
                } else {
                    o.accept[ti][hi] += w;
                    o.failed_mass += w * tried as f64;
                    done = true;
                    break 'list;
                }
            }
        }
        if !done {
            if any_up {
                o.limit += w;
            }
            o.tried_when_deferred = o.tried_when_deferred.max(tried);
        }
    }
    o
}

/// Simulates delivery to `report`'s domain while `outages` hold.
pub fn simulate(report: &MxReport, outages: &Outages, profile: &Profile) -> Simulation {
    let list = SenderList::build_for(report, outages, profile.sender_family);
    let mut sim = skeleton(report, outages, profile, &list);
    match route(report, &list) {
        Route::Bounced(reason) => {
            sim.outcome = SimOutcome::Bounced;
            sim.reason = reason;
            sim.bounce_probability = 1.0;
            return sim;
        }
        Route::Deferred(reason) => {
            sim.reason = reason;
            return deferred(sim, profile, 0);
        }
        Route::Connect => {}
    }
    let limits = Limits::of(&list, profile);
    let o = odds(&list, profile, limits);
    sim.exact = o.sampled_tiers.is_empty();
    sim.error_bound = o.error_bound;
    for (pref, samples) in &o.sampled_tiers {
        sim.notes.push(format!(
            "tier {pref} is too large for the exact methods within the time bound (many down hosts sharing addresses, or a long address limit): its odds are estimated from {samples} seeded orders, each within ±{:.4} at 99.9 % confidence",
            o.error_bound
        ));
    }
    let p_success: f64 = o.accept.iter().flatten().sum();
    let free = (!limits.is_none()).then(|| odds(&list, profile, Limits::None));
    let mut k = 0;
    for (ti, tier) in list.tiers.iter().enumerate() {
        for (hi, _) in tier.hosts.iter().enumerate() {
            let a = o.accept[ti][hi];
            // Without a limit the accept probabilities already sum to 1 exactly.
            // (The balanced list's closed form rounds in the 12th digit:
            // normalise whenever the sum is not 1 to that precision.)
            let share = if o.limit == 0.0 && (p_success - 1.0).abs() <= 1e-13 {
                a
            } else {
                a / p_success.max(EPS)
            };
            let h = &mut sim.hosts[k];
            h.share = if a > EPS { share } else { 0.0 };
            h.cut_by_limit = free
                .as_ref()
                .is_some_and(|f| f.accept[ti][hi] > EPS && a <= EPS);
            k += 1;
        }
    }
    let cut: Vec<String> = sim
        .hosts
        .iter()
        .filter(|h| h.cut_by_limit)
        .map(|h| h.exchange.to_string())
        .collect();
    let limit_words = limit_sentence(profile, limits);
    if p_success <= EPS {
        sim.reason = if o.limit > 0.0 {
            format!(
                "{}, and the first {} it reaches are all down: {} up but never tried, so the message is deferred",
                limit_words.unwrap_or_default(),
                o.tried_when_deferred,
                match cut.as_slice() {
                    [] => "a later host is".to_string(),
                    [one] => format!("{one} is"),
                    many => format!("{} are", many.join(" and ")),
                }
            )
        } else {
            "every address is down: senders queue the message and retry (RFC 5321 §4.5.4.1)"
                .to_string()
        };
        return deferred(sim, profile, o.tried_when_deferred);
    }
    sim.outcome = SimOutcome::Delivered;
    sim.receivers = sim
        .hosts
        .iter()
        .filter(|h| h.share > 0.0)
        .map(|h| Receiver {
            exchange: h.exchange.clone(),
            share: h.share,
        })
        .collect();
    sim.expected_failed_attempts = if o.limit == 0.0 {
        o.failed_mass
    } else {
        o.failed_mass / p_success
    };
    sim.expected_delay_s = sim.expected_failed_attempts * profile.connect_timeout_s;
    let first = list
        .tiers
        .iter()
        .zip(&o.accept)
        .find(|(_, a)| a.iter().any(|&x| x > EPS))
        .map_or(0, |(t, _)| t.preference);
    let fallback = list.tiers.first().is_some_and(|t| t.preference != first);
    sim.reason = format!(
        "delivered by tier {first}{}",
        if fallback {
            ", after every more preferred tier failed"
        } else {
            ", the most preferred"
        }
    );
    let q = (1.0 - p_success).max(0.0);
    if q > EPS {
        sim.deferral_probability = q;
        let timeline = profile.retry_timeline();
        sim.bounce_probability = q.powi(i32::try_from(timeline.attempts).unwrap_or(i32::MAX));
        sim.retry = Some(timeline);
        sim.reason.push_str(&format!(
            "; but {}, so {:.1} % of delivery attempts are deferred and retried",
            limit_words.unwrap_or_default(),
            q * 100.0
        ));
    }
    sim
}

fn deferred(mut sim: Simulation, profile: &Profile, tried: usize) -> Simulation {
    sim.outcome = SimOutcome::Deferred;
    sim.deferral_probability = 1.0;
    sim.bounce_probability = 1.0;
    sim.expected_failed_attempts = tried as f64;
    sim.expected_delay_s = tried as f64 * profile.connect_timeout_s;
    sim.retry = Some(profile.retry_timeline());
    sim
}

fn skeleton(
    report: &MxReport,
    outages: &Outages,
    profile: &Profile,
    list: &SenderList,
) -> Simulation {
    let mut notes = list.notes.clone();
    if report.outcome == Outcome::Implicit {
        notes.insert(
            0,
            "no MX records: the domain itself receives the mail, as an implicit MX of preference 0 (RFC 5321 §5.1)"
                .to_string(),
        );
    }
    let hosts: Vec<HostSim> = list
        .hosts()
        .map(|h| {
            let down = h.addresses.iter().filter(|a| a.1).count();
            let state = match (h.addresses.len(), down) {
                (0, _) => HostState::NoAddress,
                (n, d) if d == n => HostState::Down,
                (_, 0) => HostState::Up,
                _ => HostState::Partial,
            };
            HostSim {
                exchange: h.exchange.clone(),
                preference: h.preference,
                state,
                addresses: h
                    .addresses
                    .iter()
                    .map(|&(ip, down)| AddressSim { ip, down })
                    .collect(),
                share: 0.0,
                cut_by_limit: false,
            }
        })
        .collect();
    let mut next = 0;
    let tiers = list
        .tiers
        .iter()
        .map(|t| {
            // `hosts` lists the tiers' hosts in order.
            let states: Vec<HostState> = hosts[next..next + t.hosts.len()]
                .iter()
                .map(|h| h.state)
                .collect();
            next += t.hosts.len();
            let reachable = |s: &HostState| matches!(s, HostState::Up | HostState::Partial);
            let state = if states.iter().all(reachable) {
                TierState::Up
            } else if states.iter().any(reachable) {
                TierState::Partial
            } else {
                TierState::Down
            };
            Tier {
                preference: t.preference,
                exchanges: t.hosts.iter().map(|h| h.exchange.clone()).collect(),
                state,
            }
        })
        .collect();
    Simulation {
        schema: SIMULATION_SCHEMA.to_string(),
        domain: report.domain.clone(),
        profile: profile.name.clone(),
        down: outages.labels(),
        outcome: SimOutcome::Bounced,
        receivers: Vec::new(),
        expected_failed_attempts: 0.0,
        expected_delay_s: 0.0,
        tiers,
        reason: String::new(),
        deferral_probability: 0.0,
        bounce_probability: 0.0,
        retry: None,
        hosts,
        notes,
        exact: true,
        error_bound: 0.0,
        settings: profile.clone(),
        walk: None,
        enforce: None,
        dns_outage: None,
    }
}
