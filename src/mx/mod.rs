//! The pure core: plain data in, plain data out.

pub mod checks;
pub mod diff;
pub mod dnssec;
pub mod escape;
pub mod failover;
pub mod input;
pub mod name;
pub mod profile;
pub mod provider;
pub mod report;
pub mod security_checks;
pub mod sender;
pub mod sts;
pub mod tier_odds;
pub mod tier_shared;
pub mod walk;
pub mod whatif;

pub use report::{
    Address, AddressStatus, Family, Finding, LookupError, MxHost, MxReport, Outcome, Ptr, Severity,
};
