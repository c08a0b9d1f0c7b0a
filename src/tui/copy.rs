//! The copy keys (`y`, `Y`, `c`) and the status line a finished copy leaves.
//!
//! The status names the subject (domain, host or address, escaped), what
//! the text holds and where it went: "mx2.healthy.example.: 3 records as
//! zone lines → system clipboard", so two copies in a row read differently.
//! The subject is shortened in the middle so the line fits the terminal.
//! Part of [`App`]'s transition function, split out of app.rs by concern.

use super::state::{App, Cmd};
use crate::clipboard::CopyTarget;
use crate::export::{self, ExportFormat, Selection};

/// Said once per session after an OSC 52 copy inside tmux, whose default
/// `set-clipboard external` drops the sequence without a word.
pub const TMUX_HINT: &str = "(tmux: needs set -g set-clipboard on)";

/// Fewest characters a shortened subject keeps, whatever the width.
const MIN_SUBJECT: usize = 12;

impl App {
    /// What `y` copies: the selected address, host or whole report,
    /// following the focused pane.
    pub fn selection(&self) -> Option<Selection<'_>> {
        use super::state::Focus;
        let r = self.selected_report()?;
        let (h, a) = (self.host_cursor.selected, self.addr_cursor.selected);
        Some(match self.focus {
            Focus::Hosts if h < r.mx.len() => Selection::Host(r, h),
            Focus::Addresses if r.mx.get(h).is_some_and(|x| a < x.addresses.len()) => {
                Selection::Address(r, h, a)
            }
            _ => Selection::Report(r),
        })
    }

    /// `y` (zone) or the picker's choice: the selection in `fmt`.
    pub(super) fn copy(&mut self, fmt: ExportFormat) -> Vec<Cmd> {
        let Some(sel) = self.selection() else {
            self.say("nothing to copy yet: no report is selected", true);
            return Vec::new();
        };
        let subject = match sel {
            Selection::Report(r) => r.domain.clone(),
            Selection::Host(r, h) => r.mx[h].exchange.clone(),
            Selection::Address(r, h, a) => r.mx[h].addresses[a].ip.to_string(),
        };
        let r = export::render(&sel, fmt);
        if r.text.is_empty() {
            self.say(r.summary, true);
            return Vec::new();
        }
        vec![Cmd::Copy {
            text: r.text,
            subject,
            summary: r.summary,
        }]
    }

    /// `c`: the focused finding with its RFC reference.
    pub(super) fn copy_finding(&mut self) -> Vec<Cmd> {
        let finding = self
            .selected_report()
            .and_then(|r| r.findings.get(self.finding_cursor.selected));
        match finding {
            Some(f) => {
                let r = export::render_finding(f);
                vec![Cmd::Copy {
                    text: r.text,
                    subject: f.subject.clone(),
                    summary: r.summary,
                }]
            }
            None => {
                self.say("no finding to copy", true);
                Vec::new()
            }
        }
    }

    /// The status after a copy: `subject` (escaped, shortened to fit the
    /// terminal), the summary and the target; the tmux hint the first time
    /// OSC 52 is used inside tmux.
    pub(super) fn copied(&mut self, subject: &str, summary: &str, target: CopyTarget) {
        let rest = format!(": {summary} → {target}");
        // The status row starts with a space; keep one column spare.
        let room = usize::from(self.area.width).saturating_sub(2);
        let fit = room.saturating_sub(rest.chars().count()).max(MIN_SUBJECT);
        let subject = crate::mx::escape::visible(subject);
        let mut text = format!("{}{rest}", shorten(&subject, fit));
        if target == CopyTarget::Osc52 && self.tmux && !self.tmux_hinted {
            self.tmux_hinted = true;
            text.push(' ');
            text.push_str(TMUX_HINT);
        }
        self.say(text, false);
    }
}

/// `s` cut to `max` characters by an ellipsis in the middle, so both the
/// first label (mx1 / mx2) and the domain at the end stay readable.
pub fn shorten(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(1);
    let head = keep.div_ceil(2);
    let tail = keep - head;
    let mut out: String = s.chars().take(head).collect();
    out.push('…');
    out.extend(s.chars().skip(n - tail));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_keeps_both_ends() {
        assert_eq!(shorten("mx2.healthy.example.", 20), "mx2.healthy.example.");
        assert_eq!(shorten("mx2.healthy.example.", 11), "mx2.h…mple.");
        assert_eq!(shorten("mx2.healthy.example.", 11).chars().count(), 11);
        assert_eq!(shorten("abc", 1), "…");
    }
}
