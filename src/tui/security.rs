//! Transport security in the TUI: the selected domain's security lookups
//! (reverse DNS, DNSSEC, TLSA, MTA-STS, TLS-RPT), the enforcing sender
//! (`e`) and the DNS outage (`D`) of the failover what-if, and the keys of
//! the security view (`i`).
//!
//! The lookups run for the selected domain only, once per report: a list of
//! 10,000 domains asks for one domain's at a time, only once the cursor has
//! rested on it for [`SETTLE_TICKS`] ticks, so scrolling through the list
//! starts none, and only once the list's own lookups are done. A refresh
//! brings a new report, whose lookups run again. Part of [`App`]'s
//! transition function.

use crossterm::event::KeyEvent;

use super::keymap::Action;
use super::nav::scroll_popup;
use super::state::{App, Cmd, Mode};
use crate::mx::enforce::Enforce;
use crate::mx::{MxReport, Outcome};

/// Ticks (of 100 ms) the cursor rests on a domain before its security
/// lookups start.
pub const SETTLE_TICKS: u8 = 3;

/// What the security lookups of a domain stand at, for the panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityState {
    /// The app runs no security lookups.
    Off,
    /// No report yet, or one without mail (NXDOMAIN, lookup error).
    NotApplicable,
    /// Waiting for the cursor to rest, or in flight.
    LookingUp,
    /// The report holds them.
    Done,
}

/// The next policy an enforcing sender applies: none → mta-sts → dane →
/// dane-only.
pub fn next_enforce(e: Enforce) -> Enforce {
    match e {
        Enforce::None => Enforce::MtaSts,
        Enforce::MtaSts => Enforce::Dane,
        Enforce::Dane => Enforce::DaneOnly,
        Enforce::DaneOnly => Enforce::None,
    }
}

/// Whether a report is one the security lookups apply to.
fn has_mail(r: &MxReport) -> bool {
    !matches!(r.outcome, Outcome::Nxdomain | Outcome::Error)
}

impl App {
    /// Where the selected domain's security lookups stand.
    pub fn security_state(&self) -> SecurityState {
        let Some(d) = self.selected_domain() else {
            return SecurityState::NotApplicable;
        };
        match &d.report {
            Some(r) if d.security == Some(d.report_generation) && has_mail(r) => {
                SecurityState::Done
            }
            _ if !self.security => SecurityState::Off,
            // (With a re-query in flight, they run on its report.)
            Some(r) if has_mail(r) => SecurityState::LookingUp,
            _ => SecurityState::NotApplicable,
        }
    }

    /// After every message: when the selected domain's report lacks its
    /// security lookups and none are in flight, they are due once the
    /// cursor rests; moving to another domain starts the wait again.
    pub(super) fn schedule_security(&mut self) {
        if !self.security {
            return;
        }
        let want = self.selected_domain().and_then(|d| {
            let r = d.report.as_ref()?;
            let g = d.report_generation;
            let needed = has_mail(r)
                && d.pending.is_none()
                && d.security != Some(g)
                && d.security_pending != Some(g);
            needed.then(|| (d.name.clone(), g))
        });
        match (want, &self.security_due) {
            (Some((name, g)), Some((n, dg, _))) if *n == name && *dg == g => {}
            (Some((name, g)), _) => self.security_due = Some((name, g, SETTLE_TICKS)),
            (None, _) => self.security_due = None,
        }
    }

    /// A tick: the wait counts down; at its end the lookups start, unless
    /// the list's own lookups are still in flight: those come first (they
    /// fill every row), so a list of 10,000 domains loads as fast as
    /// without them, and the selected domain's follow.
    pub(super) fn security_tick(&mut self) -> Vec<Cmd> {
        let Some((_, _, left)) = &mut self.security_due else {
            return Vec::new();
        };
        *left = left.saturating_sub(1);
        if *left > 0 {
            return Vec::new();
        }
        if self.lookups_pending() {
            if let Some((_, _, left)) = &mut self.security_due {
                *left = 1;
            }
            return Vec::new();
        }
        let Some((name, generation, _)) = self.security_due.take() else {
            return Vec::new();
        };
        let Some(entry) = self
            .domains
            .iter_mut()
            .find(|d| d.name == name && d.report_generation == generation)
        else {
            return Vec::new();
        };
        let Some(report) = entry.report.clone() else {
            return Vec::new();
        };
        entry.security_pending = Some(generation);
        self.dirty = true;
        vec![Cmd::Security {
            generation,
            report: Box::new(report),
        }]
    }

    /// Takes in a domain's security lookups, unless its report was replaced
    /// since (a refresh) or the domain removed.
    pub(super) fn security_in(&mut self, generation: u64, report: MxReport) {
        let Some(entry) = self
            .domains
            .iter_mut()
            .find(|d| d.security_pending == Some(generation))
        else {
            return;
        };
        // The run is over either way: nothing left to wait for.
        entry.security_pending = None;
        self.dirty = true;
        if entry.report_generation != generation {
            return;
        }
        entry.security = Some(generation);
        entry.report = Some(report);
        self.dirty = true;
        self.view_stale = true;
    }

    /// The security lookups cannot run at all (`why`, escaped): they stop
    /// for every domain, and the status bar and the security view say why.
    pub(super) fn security_failed(&mut self, generation: u64, why: String) {
        for d in &mut self.domains {
            if d.security_pending == Some(generation) {
                d.security_pending = None;
            }
        }
        self.security = false;
        self.security_due = None;
        self.say(format!("security lookups are off: {why}"), true);
        self.security_off = Some(why);
        self.dirty = true;
    }

    /// `e`: the next policy the simulated sender enforces.
    pub(super) fn cycle_enforce(&mut self) {
        self.enforce = next_enforce(self.enforce);
        let why = match self.enforce {
            Enforce::None => "an ordinary sender: nothing refused",
            Enforce::MtaSts => {
                "exchanges outside the domain's MTA-STS policy (mode enforce) count as down"
            }
            Enforce::Dane => {
                "a signed exchange whose TLSA lookup fails counts as down; one without TLSA gets unauthenticated TLS"
            }
            Enforce::DaneOnly => {
                "mandatory DANE: every exchange without usable DNSSEC-secure TLSA counts as down"
            }
        };
        let off = match self.security_state() {
            SecurityState::Off if self.enforce != Enforce::None => {
                " (security lookups are off: nothing to enforce)"
            }
            _ => "",
        };
        self.say(
            format!("sender enforces {}: {why}{off}", self.enforce.name()),
            false,
        );
    }

    /// `D`: the domain's authoritative DNS down, or back.
    pub(super) fn toggle_dns_down(&mut self) {
        self.dns_down = !self.dns_down;
        let text = if self.dns_down {
            "DNS down: the failover pane shows how long cached senders keep delivering"
        } else {
            "DNS back up"
        };
        self.say(text, false);
    }

    /// `i`: the selected domain's security in full.
    pub(super) fn open_security(&mut self) {
        if self.selected_report().is_none() {
            self.say("no report selected yet: nothing to show", true);
            return;
        }
        self.open_popup(Mode::Security { scroll: 0 });
    }

    /// Keys while the security view is open: scroll, re-query, close, the
    /// failover keys, quit.
    pub(super) fn security_key(&mut self, k: &KeyEvent) -> Vec<Cmd> {
        let Mode::Security { scroll } = &mut self.mode else {
            return Vec::new();
        };
        let cmds = match self.keymap.action_for(k) {
            Some(Action::Security | Action::Back) => {
                self.mode = Mode::Normal;
                Vec::new()
            }
            Some(a) if scroll_popup(scroll, a, self.popup_max_scroll.get()) => Vec::new(),
            Some(Action::Requery) => self.requery(),
            Some(Action::CycleEnforce) => {
                self.cycle_enforce();
                Vec::new()
            }
            Some(Action::ToggleDnsDown) => {
                self.toggle_dns_down();
                Vec::new()
            }
            Some(Action::Quit) => return vec![Cmd::Quit],
            _ => return Vec::new(),
        };
        self.dirty = true;
        cmds
    }
}
