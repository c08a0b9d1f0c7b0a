//! The `mxlens/simulation/v1` document (DESIGN §6) and its parts.

use std::net::IpAddr;

use serde::Serialize;

use super::profile::{Profile, RetryTimeline};
use super::route::SimOutcome;
use super::walk::Walk;

/// Schema identifier written into every JSON simulation.
pub const SIMULATION_SCHEMA: &str = "mxlens/simulation/v1";

/// An exchange that may accept the message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Receiver {
    pub exchange: String,
    /// Probability that it is the one that accepts (given delivery).
    pub share: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TierState {
    /// Every host is reachable (some of its addresses may be down: see
    /// `hosts[].state`).
    Up,
    /// Some hosts are reachable, others are down or have no address.
    Partial,
    /// No host of the tier is reachable.
    Down,
}

/// The hosts of one preference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tier {
    pub preference: u16,
    pub exchanges: Vec<String>,
    pub state: TierState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostState {
    Up,
    /// Reachable, with some addresses down.
    Partial,
    Down,
    /// Its address lookup found nothing or failed: no connection possible.
    NoAddress,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddressSim {
    pub ip: IpAddr,
    pub down: bool,
}

/// One exchange as the simulation saw it (duplicates removed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostSim {
    pub exchange: String,
    pub preference: u16,
    pub state: HostState,
    /// In the order tried; `down` includes addresses down through a shared outage.
    pub addresses: Vec<AddressSim>,
    /// Its share of the mail (0 when it never receives).
    pub share: f64,
    /// It would receive mail without the profile's address limit, and never
    /// does with it.
    pub cut_by_limit: bool,
}

/// The `mxlens/simulation/v1` document. The first ten fields are the DESIGN
/// §6 contract; the rest are documented additions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    pub schema: String,
    pub domain: String,
    pub profile: String,
    pub down: Vec<String>,
    pub outcome: SimOutcome,
    pub receivers: Vec<Receiver>,
    /// Delivered: expected failed connection attempts before the accepting one
    /// (in a delivery attempt that succeeds). Deferred: the failed attempts each
    /// delivery attempt makes. Bounced: 0.
    pub expected_failed_attempts: f64,
    pub expected_delay_s: f64,
    pub tiers: Vec<Tier>,
    /// Why the outcome is what it is, in one sentence.
    pub reason: String,
    /// Probability that one delivery attempt ends deferred (the address limit
    /// can cut a random order short): 1 for deferred, 0 for bounced.
    pub deferral_probability: f64,
    /// Probability that the message bounces after the whole retry timeline,
    /// if the outages last (`deferral_probability ^ attempts`).
    pub bounce_probability: f64,
    /// When a deferral is possible: the delivery attempts the profile makes
    /// and when the message bounces.
    pub retry: Option<RetryTimeline>,
    pub hosts: Vec<HostSim>,
    /// Decisions applied (duplicates, shared addresses, unresolved hosts…).
    pub notes: Vec<String>,
    /// Whether every probability is exact (false: sampled, see `error_bound`).
    pub exact: bool,
    /// Largest error of any probability (0 when exact).
    pub error_bound: f64,
    /// The profile's parameters, overrides applied.
    pub settings: Profile,
    /// One concrete attempt sequence, when a seed was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub walk: Option<Walk>,
    /// A security-enforcing sender (`--enforce`): what it refuses and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enforce: Option<crate::mx::enforce::Enforcement>,
    /// The domain's DNS down (`--dns-down`): how long caches carry the mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_outage: Option<crate::mx::dns_outage::DnsOutage>,
}
