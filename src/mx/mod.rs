//! The pure core: plain data in, plain data out.

pub mod checks;
pub mod diff;
pub mod escape;
pub mod input;
pub mod provider;
pub mod report;

pub use report::{
    Address, AddressStatus, Family, Finding, LookupError, MxHost, MxReport, Outcome, Severity,
};
