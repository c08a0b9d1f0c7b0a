//! The authoritative servers' answers under a report (`check` text).

use std::fmt::Write;

use super::{Style, pad};
use crate::mx::authority::{AuthorityCheck, AuthorityStatus};
use crate::mx::escape::visible;

/// The `authorities` block of a report: one line per server, what it serves.
pub fn render(a: &AuthorityCheck, st: Style) -> String {
    let mut out = String::new();
    let zone = a
        .zone
        .as_deref()
        .map(|z| format!("zone {}", visible(z)))
        .unwrap_or_default();
    let how = if a.discovered {
        "from its NS set"
    } else {
        "given with --authority"
    };
    let agree = if a.servers.is_empty() {
        String::new()
    } else if a.consistent() {
        "; the servers that answered agree".into()
    } else {
        "; the servers DISAGREE".into()
    };
    let head = [zone, format!("{how}{agree}")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "    {}  {}", st.dim("authorities"), st.dim(&head));
    if let Some(e) = &a.error {
        let _ = writeln!(out, "      not found: {}", visible(e));
    }
    let w = a
        .servers
        .iter()
        .map(|s| s.name().chars().count())
        .max()
        .unwrap_or(0);
    for s in &a.servers {
        let summary = s.summary();
        let summary = match s.status {
            AuthorityStatus::Answer => summary,
            _ => st.yellow(&summary),
        };
        let _ = writeln!(out, "      {}  {summary}", pad(&s.name(), w));
    }
    out
}
