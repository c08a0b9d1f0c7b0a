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

use super::profile::Profile;
use super::rng::SplitMix64;
use super::route::{Route, SimOutcome, route};
use super::sender::{Outages, SenderList};
use crate::mx::report::MxReport;

/// RFC 5321 §5.1, the sentences the steps cite.
pub mod rules {
    pub const SORT: &str = "RFC 5321 §5.1: \"Multiple MX records contain a preference indication that MUST be used in sorting if there is more than one such record\" (lower numbers first)";
    pub const RANDOMIZE: &str = "RFC 5321 §5.1: \"If there are multiple destinations with the same preference and there is no clear reason to favor one …, then the sender-SMTP MUST randomize them to spread the load\"";
    pub const TRY_IN_ORDER: &str = "RFC 5321 §5.1: \"the SMTP client MUST be able to try (and retry) each of the relevant addresses in this list in order, until a delivery attempt succeeds\"";
    pub const LIMIT: &str = "RFC 5321 §5.1: \"there MAY also be a configurable limit on the number of alternate addresses that can be tried\" (Postfix: smtp_mx_address_limit)";
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
}

impl Walker {
    pub fn new(report: &MxReport, outages: &Outages, profile: &Profile) -> Self {
        let list = SenderList::build(report, outages);
        let route = route(report, &list);
        Self {
            list,
            route,
            profile: profile.clone(),
        }
    }

    /// One delivery attempt drawn from `seed`.
    pub fn walk(&self, seed: u64) -> Walk {
        walk_list(&self.list, &self.route, &self.profile, seed)
    }
}

fn walk_list(list: &SenderList, route: &Route, profile: &Profile, seed: u64) -> Walk {
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
    let limit = profile.address_limit.map(|l| l as usize);
    let mut tried: HashSet<IpAddr> = HashSet::new();
    for tier in &list.tiers {
        let mut order: Vec<usize> = (0..tier.hosts.len()).collect();
        rng.shuffle(&mut order);
        w.tiers.push(TierOrder {
            preference: tier.preference,
            order: order
                .iter()
                .map(|&i| tier.hosts[i].exchange.clone())
                .collect(),
            rule: if order.len() > 1 {
                rules::RANDOMIZE
            } else {
                rules::SORT
            },
        });
        for &i in &order {
            let h = &tier.hosts[i];
            let push = |w: &mut Walk, address, result, attempt: usize, rule| {
                w.steps.push(Step {
                    preference: tier.preference,
                    exchange: h.exchange.clone(),
                    address,
                    result,
                    attempt: u32::try_from(attempt).unwrap_or(u32::MAX),
                    elapsed_s: w.elapsed_s,
                    rule,
                })
            };
            if h.addresses.is_empty() {
                push(
                    &mut w,
                    None,
                    StepResult::NoAddress,
                    tried.len(),
                    rules::NO_ADDRESS,
                );
                continue;
            }
            for &(ip, down) in &h.addresses {
                if tried.contains(&ip) {
                    push(
                        &mut w,
                        Some(ip),
                        StepResult::Skipped,
                        tried.len(),
                        rules::ONCE,
                    );
                    continue;
                }
                if let Some(l) = limit.filter(|&l| tried.len() >= l) {
                    push(
                        &mut w,
                        Some(ip),
                        StepResult::LimitReached,
                        tried.len(),
                        rules::LIMIT,
                    );
                    w.rule = format!(
                        "{} tries at most {l} addresses per delivery attempt; {}",
                        profile.name,
                        rules::QUEUE
                    );
                    return w;
                }
                tried.insert(ip);
                if down {
                    w.failed_attempts += 1;
                    w.elapsed_s += profile.connect_timeout_s;
                    push(
                        &mut w,
                        Some(ip),
                        StepResult::Failed,
                        tried.len(),
                        rules::TRY_IN_ORDER,
                    );
                } else {
                    push(
                        &mut w,
                        Some(ip),
                        StepResult::Connected,
                        tried.len(),
                        rules::TRY_IN_ORDER,
                    );
                    w.outcome = SimOutcome::Delivered;
                    w.receiver = Some(h.exchange.clone());
                    w.rule = rules::TRY_IN_ORDER.to_string();
                    return w;
                }
            }
        }
    }
    w
}
