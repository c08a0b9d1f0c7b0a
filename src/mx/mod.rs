//! The pure core: plain data in, plain data out.

pub mod authority;
pub mod checks;
pub mod diff;
pub mod escape;
pub mod failover;
pub mod input;
pub mod name;
pub mod profile;
pub mod provider;
pub mod report;
pub mod sender;
pub mod tier_odds;
pub mod tier_shared;
pub mod walk;
pub mod watch;
pub mod whatif;

pub use report::{
    Address, AddressStatus, Family, Finding, LookupError, MxHost, MxReport, Outcome, Severity,
};
