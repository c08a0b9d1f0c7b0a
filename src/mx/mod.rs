//! The pure core: plain data in, plain data out.

pub mod authority;
pub mod changes;
pub mod checks;
pub mod diff;
pub mod dns_outage;
pub mod dnssec;
pub mod enforce;
pub mod escape;
pub mod failover;
pub mod input;
pub mod name;
pub mod provider;
pub mod report;
pub mod security_checks;
pub mod sidebyside;
pub mod snapshot;
pub mod sts;
pub mod watch;

/// The sender model and the what-if proposal are part of the simulator;
/// these paths stay for callers outside it.
pub use failover::{profile, whatif};
pub use report::{
    Address, AddressStatus, Family, Finding, LookupError, MxHost, MxReport, Outcome, Ptr, Severity,
};
