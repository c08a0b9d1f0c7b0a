//! One concrete delivery attempt for a given seed, step by step.
//!
//! The walker plays the sender of [`super::engine`] literally: it
//! shuffles each tier with a seeded [`SplitMix64`](super::rng::SplitMix64) (self-contained, so a seed
//! gives the same walk on every platform and crate version), then connects
//! address by address. Each step names the sentence of the RFC (or the
//! profile parameter) that governs it. Run many seeds and the frequencies
//! converge to the engine's exact odds (tests/failover_props.rs checks this).

use std::collections::HashSet;
use std::net::IpAddr;

use serde::Serialize;

use super::limits::{Limits, limit_sentence};
use super::order::{Unit, units};
use super::profile::{AddressOrder, Profile};
use super::rng::SplitMix64;
use super::route::{Route, SimOutcome, route};
use super::sender::{Outages, SenderHost, SenderList};
use crate::mx::report::MxReport;

/// RFC 5321 §5.1, the sentences the steps cite.
pub mod rules {
    pub const SORT: &str = "RFC 5321 §5.1: \"Multiple MX records contain a preference indication that MUST be used in sorting if there is more than one such record\" (lower numbers first)";
    pub const RANDOMIZE: &str = "RFC 5321 §5.1: \"If there are multiple destinations with the same preference and there is no clear reason to favor one …, then the sender-SMTP MUST randomize them to spread the load\"";
    pub const TRY_IN_ORDER: &str = "RFC 5321 §5.1: \"the SMTP client MUST be able to try (and retry) each of the relevant addresses in this list in order, until a delivery attempt succeeds\"";
    pub const LIMIT: &str = "RFC 5321 §5.1: \"there MAY also be a configurable limit on the number of alternate addresses that can be tried\" (Postfix: smtp_mx_address_limit; Exim: hosts_max_try, hosts_max_try_hardlimit)";
    pub const DNS_ORDER: &str = "RFC 2181 §5: the addresses of a name have no order, and resolvers rotate them; the sender tries them in the order it got them";
    pub const RANDOMIZE_ADDRESSES: &str = "Postfix smtp_randomize_addresses (default yes): the addresses of equal-preference hosts are shuffled together (smtp_addr.c: dns_rr_shuffle, then dns_rr_sort by preference)";
    pub const BALANCE: &str = "Postfix smtp_balance_inet_protocols (default yes): beyond the first addresses of each family that fit within smtp_mx_address_limit, the list keeps no more of this family";
    pub const ONCE: &str = "mxlens: an address already tried in this delivery attempt (via another exchange) is not tried again";
    pub const NO_ADDRESS: &str = "RFC 5321 §5.1: the exchange name is resolved to addresses to connect to; this one has none";
    pub const QUEUE: &str = "RFC 5321 §4.5.4.1: \"mail that cannot be transmitted immediately MUST be queued and periodically retried by the sender\"";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepResult {
    /// The connection was accepted: the message is delivered here.
    Connected,
    /// The address is down: the attempt timed out.
    Failed,
    /// Already tried in this delivery attempt.
    Skipped,
    /// The exchange has no address to try.
    NoAddress,
    /// The address limit was reached before this address.
    LimitReached,
}

/// The order the sender drew for one tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierOrder {
    pub preference: u16,
    pub order: Vec<String>,
    pub rule: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub preference: u16,
    pub exchange: String,
    pub address: Option<IpAddr>,
    pub result: StepResult,
    /// Connection attempts made so far, this one included.
    pub attempt: u32,
    /// Seconds spent waiting on dead addresses so far.
    pub elapsed_s: f64,
    pub rule: &'static str,
}

/// One delivery attempt, as drawn from `seed`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Walk {
    pub seed: u64,
    pub tiers: Vec<TierOrder>,
    pub steps: Vec<Step>,
    pub outcome: SimOutcome,
    /// The exchange that accepted, when delivered.
    pub receiver: Option<String>,
    pub failed_attempts: u32,
    pub elapsed_s: f64,
    /// The rule behind the outcome.
    pub rule: String,
}

/// One concrete delivery attempt for `seed`.
pub fn walk(report: &MxReport, outages: &Outages, profile: &Profile, seed: u64) -> Walk {
    Walker::new(report, outages, profile).walk(seed)
}

/// A prepared sender, for many walks over the same configuration.
#[derive(Debug, Clone)]
pub struct Walker {
    list: SenderList,
    route: Route,
    profile: Profile,
    limits: Limits,
    /// Per tier, the units the sender shuffles.
    units: Vec<Vec<Unit>>,
}

impl Walker {
    pub fn new(report: &MxReport, outages: &Outages, profile: &Profile) -> Self {
        let list = SenderList::build_for(report, outages, profile.sender_family);
        let route = route(report, &list);
        let limits = Limits::of(&list, profile);
        let units = list
            .tiers
            .iter()
            .map(|t| units(&t.hosts, profile))
            .collect();
        Self {
            list,
            route,
            profile: profile.clone(),
            limits,
            units,
        }
    }

    /// One delivery attempt drawn from `seed`.
    pub fn walk(&self, seed: u64) -> Walk {
        walk_list(self, seed)
    }
}

fn walk_list(walker: &Walker, seed: u64) -> Walk {
    let (list, route, profile, limits) =
        (&walker.list, &walker.route, &walker.profile, walker.limits);
    let mut w = Walk {
        seed,
        tiers: Vec::new(),
        steps: Vec::new(),
        outcome: SimOutcome::Deferred,
        receiver: None,
        failed_attempts: 0,
        elapsed_s: 0.0,
        rule: rules::QUEUE.to_string(),
    };
    match route {
        Route::Bounced(reason) => {
            w.outcome = SimOutcome::Bounced;
            w.rule = reason.clone();
            return w;
        }
        Route::Deferred(reason) => {
            w.rule = format!("{reason}; {}", rules::QUEUE);
            return w;
        }
        Route::Connect => {}
    }
    let mut rng = SplitMix64::new(seed);
    let stop = |w: &mut Walk| {
        w.rule = format!(
            "{}; {}",
            limit_sentence(profile, limits).unwrap_or_default(),
            rules::QUEUE
        );
    };
    let mut tried: HashSet<IpAddr> = HashSet::new();
    // Balanced lists: addresses kept and stripped, per family [IPv6, IPv4].
    let mut kept = [0usize; 2];
    let mut stripped: HashSet<IpAddr> = HashSet::new();
    let mut last_preference: Option<u16> = None;
    for (tier, tier_units) in list.tiers.iter().zip(&walker.units) {
        let mut units = tier_units.clone();
        rng.shuffle(&mut units);
        w.tiers.push(TierOrder {
            preference: tier.preference,
            order: units
                .iter()
                .map(|u| tier.hosts[u.owner].exchange.clone())
                .collect(),
            rule: match profile.address_order {
                AddressOrder::ShuffledPerPreference if units.len() > 1 => {
                    rules::RANDOMIZE_ADDRESSES
                }
                _ if units.len() > 1 => rules::RANDOMIZE,
                _ => rules::SORT,
            },
        });
        // A host without addresses shows once, whatever the units.
        for h in tier.hosts.iter().filter(|h| h.addresses.is_empty()) {
            push(
                &mut w,
                tier.preference,
                h,
                None,
                StepResult::NoAddress,
                tried.len(),
                rules::NO_ADDRESS,
            );
        }
        for unit in &mut units {
            let h = &tier.hosts[unit.owner];
            let mut start = 0;
            for &n in &unit.blocks {
                rng.shuffle(&mut unit.addresses[start..start + n]);
                start += n;
            }
            let order_rule = if unit.blocks.iter().any(|&n| n > 1) {
                rules::DNS_ORDER
            } else {
                rules::TRY_IN_ORDER
            };
            for &(ip, down) in &unit.addresses {
                if tried.contains(&ip) || stripped.contains(&ip) {
                    let rule = if tried.contains(&ip) {
                        rules::ONCE
                    } else {
                        rules::BALANCE
                    };
                    let result = if tried.contains(&ip) {
                        StepResult::Skipped
                    } else {
                        StepResult::LimitReached
                    };
                    push(
                        &mut w,
                        tier.preference,
                        h,
                        Some(ip),
                        result,
                        tried.len(),
                        rule,
                    );
                    continue;
                }
                let over = match limits {
                    Limits::None | Limits::Balanced { .. } => false,
                    Limits::Total(l) => tried.len() >= l,
                    Limits::Exim { soft, hard } => {
                        tried.len() >= hard
                            || (last_preference != Some(tier.preference) && tried.len() >= soft)
                    }
                };
                if over {
                    push(
                        &mut w,
                        tier.preference,
                        h,
                        Some(ip),
                        StepResult::LimitReached,
                        tried.len(),
                        rules::LIMIT,
                    );
                    stop(&mut w);
                    return w;
                }
                if let Limits::Balanced { v6, v4 } = limits {
                    let f = usize::from(ip.is_ipv4());
                    if kept[f] >= [v6, v4][f] {
                        stripped.insert(ip);
                        push(
                            &mut w,
                            tier.preference,
                            h,
                            Some(ip),
                            StepResult::LimitReached,
                            tried.len(),
                            rules::BALANCE,
                        );
                        if kept[1 - f] >= [v6, v4][1 - f] {
                            stop(&mut w);
                            return w;
                        }
                        continue;
                    }
                    kept[f] += 1;
                }
                tried.insert(ip);
                last_preference = Some(tier.preference);
                if down {
                    w.failed_attempts += 1;
                    w.elapsed_s += profile.connect_timeout_s;
                    push(
                        &mut w,
                        tier.preference,
                        h,
                        Some(ip),
                        StepResult::Failed,
                        tried.len(),
                        order_rule,
                    );
                } else {
                    push(
                        &mut w,
                        tier.preference,
                        h,
                        Some(ip),
                        StepResult::Connected,
                        tried.len(),
                        order_rule,
                    );
                    w.outcome = SimOutcome::Delivered;
                    w.receiver = Some(h.exchange.clone());
                    w.rule = order_rule.to_string();
                    return w;
                }
            }
        }
    }
    if matches!(limits, Limits::Balanced { .. })
        && !stripped.is_empty()
        && list.hosts().any(|h| h.reachable())
    {
        stop(&mut w);
    }
    w
}

fn push(
    w: &mut Walk,
    preference: u16,
    h: &SenderHost,
    address: Option<IpAddr>,
    result: StepResult,
    attempt: usize,
    rule: &'static str,
) {
    w.steps.push(Step {
        preference,
        exchange: h.exchange.clone(),
        address,
        result,
        attempt: u32::try_from(attempt).unwrap_or(u32::MAX),
        elapsed_s: w.elapsed_s,
        rule,
    });
}
