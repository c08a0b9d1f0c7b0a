//! The subcommands' handlers. Each returns the process exit code.

pub mod check;
pub mod completions;
pub mod config;
mod lines;
pub mod man;
pub mod progress;
pub mod serve_demo;
pub mod simulate;
pub mod tui;

use crate::dns::demo::DEMO_DOMAINS;

/// The domains given, or, when none are and `demo` is set, every demo domain.
pub fn domains_or_demo(domains: &[String], demo: bool) -> Vec<String> {
    if domains.is_empty() && demo {
        DEMO_DOMAINS.iter().map(|d| (*d).to_string()).collect()
    } else {
        domains.to_vec()
    }
}

/// Exit codes (DESIGN §4).
pub mod exit {
    /// No finding of severity `error`.
    pub const OK: i32 = 0;
    /// At least one `error` finding, or a domain that does not exist.
    pub const FINDINGS: i32 = 1;
    /// Usage error, or a lookup that could not be completed.
    pub const USAGE_OR_LOOKUP: i32 = 2;
}
