//! RFC 5321 §5.1 delivery simulation: the `mxlens/simulation/v1` contract
//! (DESIGN §6).
//!
//! Modules, each importing only those listed before it:
//! - [`profile`]: how a sender connects and retries;
//! - [`rng`]: the seeded generator;
//! - [`sender`]: the MX list as a sender walks it, and the outages over it;
//! - [`route`]: what the report alone decides, and the outcome words;
//! - [`order`]: the units a sender shuffles in a tier, per profile;
//! - [`tier`], [`shared`], [`odds`]: the exact odds inside one tier;
//! - [`limits`], [`balanced`]: the address limits, and Postfix's balanced
//!   list over the whole MX set;
//! - [`walk`]: one seeded delivery attempt, step by step;
//! - [`model`]: the simulation document;
//! - [`engine`]: [`simulate`], the exact odds over the whole list;
//! - [`whatif`]: a proposed MX set, to simulate before it is published.

pub mod balanced;
pub mod engine;
pub mod limits;
pub mod model;
pub mod odds;
pub mod order;
pub mod profile;
pub mod rng;
pub mod route;
pub mod sender;
pub mod shared;
pub mod tier;
pub mod walk;
pub mod whatif;

#[cfg(test)]
mod tests;

pub use engine::simulate;
pub use model::{
    AddressSim, HostSim, HostState, Receiver, SIMULATION_SCHEMA, Simulation, Tier, TierState,
};
pub use profile::{Profile, ProfileError, RetryTimeline};
pub use route::{Route, SimOutcome, route};
pub use sender::{OutageError, Outages};
pub use walk::{StepResult, Walk, Walker, walk};
