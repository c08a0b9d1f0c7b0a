//! The harness of tests/tui_clipboard_e2e.rs: the shared tmux and Xvfb
//! harnesses of tests/support, and reading the status rows.

pub use super::support::tmux::Tmux;

/// The status row (second to last line), trimmed.
pub fn status_row(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len().saturating_sub(2)].trim().to_string()
}

/// The two status rows joined with single spaces, so a message wrapped over
/// both reads as one line.
pub fn status_rows(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len().saturating_sub(2)..]
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub use super::support::xvfb::Xvfb;
