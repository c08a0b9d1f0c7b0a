//! Everything that touches the network.

pub mod addr;
pub mod authority;
pub mod demo;
pub mod demo_dnssec;
pub mod demo_reverse;
pub mod demo_sts;
pub mod lookup;
pub mod resolve;
pub mod security;
pub mod tcp;
pub mod udp;
pub mod upstream;
pub mod wire;
pub mod zone;

pub use lookup::{mx_report, report_for_mx_set};
pub use upstream::{LookupOptions, Upstream};
