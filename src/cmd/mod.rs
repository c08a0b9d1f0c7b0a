//! The subcommands' handlers. Each returns the process exit code.

pub mod check;
pub mod compare;
pub mod diff;
pub mod serve_demo;
pub mod simulate;

/// Exit codes (DESIGN §4).
pub mod exit {
    /// No finding of severity `error`.
    pub const OK: i32 = 0;
    /// At least one `error` finding, or a domain that does not exist.
    pub const FINDINGS: i32 = 1;
    /// Usage error, or a lookup that could not be completed.
    pub const USAGE_OR_LOOKUP: i32 = 2;
}
