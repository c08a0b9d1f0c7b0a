//! mxlens: explore, check and compare DNS MX configurations.
//!
//! - [`mx`] is the pure core: report model, RFC checks, failover simulation,
//!   comparison. No I/O, no tokio, no hickory types.
//! - [`dns`] is everything that touches the network: upstreams, report
//!   assembly, the built-in demo server.
//! - The CLI (`main.rs`, [`cli`]) and the TUI ([`tui`]) are two front ends
//!   over the same core and the same DNS layer.

// Shipped code handles a value that can be missing; `expect` says why it
// cannot be. Tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]
#![forbid(unsafe_code)]

pub mod argv;
pub mod cli;
pub mod clipboard;
pub mod cmd;
pub mod config;
pub mod dns;
pub mod export;
pub mod mx;
pub mod snapshot_file;
pub mod text;
pub mod tui;
