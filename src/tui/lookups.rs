//! Lookups, their answers, and the comparison of resolvers.
//!
//! With several `--resolver`, every domain is looked up on each of them
//! (DESIGN §4). The first is the primary: its report is the one the panes
//! show, as with a single upstream. The others' reports are kept beside it
//! in [`Side`]s, each with its differences from the primary, TTLs ignored
//! (a caching resolver counts them down), as `mxlens check` compares them.
//! Part of [`App`]'s transition function, split out of app.rs by concern.

use super::keyspec::Keymap;
use crossterm::event::KeyEvent;

use super::keymap::Action;
use super::nav::scroll_popup;
use super::state::{App, Cmd, Mode, Side};
use crate::mx::MxReport;
use crate::mx::authority::AuthorityCheck;
use crate::mx::diff::{Comparison, compare};

/// The status when a copy key is pressed in the compare view.
pub fn copy_in_compare(keys: &Keymap) -> String {
    format!(
        "close the compare view first ({} or {}): {}, {} and {} copy what the panes select",
        keys.label(Action::Compare),
        keys.label(Action::Back),
        keys.label(Action::Copy),
        keys.label(Action::CopyAs),
        keys.label(Action::CopyFinding)
    )
}

impl Side {
    /// Recomputes [`Side::changes`] against the primary's report.
    /// A side that (or whose primary) gave no answer is unknown: no
    /// changes, the error kept instead.
    fn rediff(&mut self, primary: Option<&MxReport>) {
        (self.changes, self.unknown) = match (primary, &self.report) {
            (Some(p), Some(r)) => match compare(p, r) {
                Comparison::Same => (Some(Vec::new()), None),
                Comparison::Differs(d) => (Some(d.changes), None),
                Comparison::Unknown { resolver, error } => {
                    (Some(Vec::new()), Some((resolver, error)))
                }
            },
            _ => (None, None),
        };
    }
}

impl App {
    /// Lookups for every domain on every upstream: the runner's first commands.
    pub fn start(&mut self) -> Vec<Cmd> {
        (0..self.domains.len())
            .flat_map(|i| self.lookup(i))
            .collect()
    }

    /// Lookups of domain `i` on every upstream, under one new generation:
    /// an answer to an older one is stale.
    pub(super) fn lookup(&mut self, i: usize) -> Vec<Cmd> {
        let generation = self.new_generation();
        let n = self.upstreams.len();
        let entry = &mut self.domains[i];
        entry.pending = Some(generation);
        entry.others.resize(n.saturating_sub(1), Side::default());
        for side in &mut entry.others {
            side.pending = Some(generation);
        }
        (0..n)
            .map(|upstream| Cmd::Lookup {
                generation,
                upstream,
                domain: entry.name.clone(),
            })
            .collect()
    }

    /// Takes in one upstream's answer, unless it is stale (re-queried
    /// since, or the domain was removed).
    pub(super) fn report(&mut self, generation: u64, upstream: usize, report: MxReport) {
        let Some(entry) = self
            .domains
            .iter_mut()
            .find(|d| d.pending_of(upstream) == Some(generation))
        else {
            return;
        };
        if upstream == 0 {
            entry.pending = None;
            entry.report = Some(report);
            entry.report_generation = generation;
            for side in &mut entry.others {
                side.rediff(entry.report.as_ref());
            }
            self.refit();
        } else {
            let side = &mut entry.others[upstream - 1];
            side.pending = None;
            side.report = Some(report);
            side.rediff(entry.report.as_ref());
        }
        self.dirty = true;
    }

    /// `r`: the selected domain again, on every upstream (and, in the
    /// compare view, on its authoritative servers).
    pub(super) fn requery(&mut self) -> Vec<Cmd> {
        if self.domains.is_empty() {
            let add = self.keymap.first_key(Action::Add);
            self.say(
                format!("no domain to look up: press {add} to add one"),
                true,
            );
            return Vec::new();
        }
        let Some(i) = self.selected_index() else {
            return Vec::new();
        };
        let on = self.on_upstreams();
        self.say(
            format!("looking up {} again{on}", self.domains[i].name),
            false,
        );
        let mut cmds = self.lookup(i);
        if matches!(self.mode, Mode::Compare { .. }) {
            cmds.extend(self.ask_authorities(i));
        }
        cmds
    }

    /// The authoritative check of domain `i`, when the app asks authorities.
    pub(super) fn ask_authorities(&mut self, i: usize) -> Vec<Cmd> {
        if !self.authorities {
            return Vec::new();
        }
        let generation = self.new_generation();
        let entry = &mut self.domains[i];
        entry.authority_pending = Some(generation);
        vec![Cmd::Authorities {
            generation,
            domain: entry.name.clone(),
        }]
    }

    /// Takes in an authoritative check, unless it is stale.
    pub(super) fn authorities_in(&mut self, generation: u64, check: AuthorityCheck) {
        if let Some(entry) = self
            .domains
            .iter_mut()
            .find(|d| d.authority_pending == Some(generation))
        {
            entry.authority_pending = None;
            entry.authorities = Some(check);
            self.dirty = true;
        }
    }

    /// `R`: every domain again, on every upstream.
    pub(super) fn requery_all(&mut self) -> Vec<Cmd> {
        let on = self.on_upstreams();
        let n = self.domains.len();
        self.say(format!("looking up {n} domains again{on}"), false);
        (0..n).flat_map(|i| self.lookup(i)).collect()
    }

    fn on_upstreams(&self) -> String {
        match self.upstreams.len() {
            1 => String::new(),
            n => format!(" on {n} resolvers"),
        }
    }

    /// `=`: the compare view of the selected domain; its authoritative
    /// servers are asked as it opens.
    pub(super) fn open_compare(&mut self) -> Vec<Cmd> {
        if self.upstreams.len() < 2 && !self.authorities {
            self.say(
                "one resolver, nothing to compare: give --resolver twice or more",
                true,
            );
        } else if self.selected_domain().is_none() {
            let add = self.keymap.first_key(Action::Add);
            self.say(
                format!("no domain to compare: press {add} to add one"),
                true,
            );
        } else {
            self.open_popup(Mode::Compare { scroll: 0 });
            if let Some(i) = self.selected_index() {
                return self.ask_authorities(i);
            }
        }
        Vec::new()
    }

    /// Keys while the compare view is open: scroll, re-query, close, quit;
    /// the copy keys say to close it first.
    pub(super) fn compare_key(&mut self, k: &KeyEvent) -> Vec<Cmd> {
        let Mode::Compare { scroll } = &mut self.mode else {
            return Vec::new();
        };
        let cmds = match self.keymap.action_for(k) {
            Some(Action::Compare | Action::Back) => {
                self.mode = Mode::Normal;
                Vec::new()
            }
            Some(a) if scroll_popup(scroll, a, self.popup_max_scroll.get()) => Vec::new(),
            Some(Action::Requery) => self.requery(),
            Some(Action::RequeryAll) => self.requery_all(),
            Some(Action::Watch) => self.toggle_watch(),
            // The view shows every resolver's answer, the copy keys act on
            // the selection in the panes behind it: rather than copy
            // something out of sight, say how to reach it.
            Some(Action::Copy | Action::CopyAs | Action::CopyFinding) => {
                self.say(copy_in_compare(&self.keymap), true);
                Vec::new()
            }
            Some(Action::Quit) => return vec![Cmd::Quit],
            _ => return Vec::new(),
        };
        self.dirty = true;
        cmds
    }
}
