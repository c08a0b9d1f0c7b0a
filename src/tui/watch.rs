//! `w`: watch the selected domain. It is looked up again (on every
//! resolver, and on its authoritative servers) when its shortest TTL
//! expires, at most every [`MIN_AUTO_INTERVAL`] seconds, and what changed is
//! kept as a timeline the compare view shows. Time is counted in ticks, so
//! [`App::update`] stays free of clocks and the whole thing is testable.
//! Part of [`App`]'s transition function.

use super::state::{App, Cmd, Mode};
use crate::mx::watch::{EventKind, Look, MIN_AUTO_INTERVAL, Watch, next_interval};

/// Ticks per second (the runner ticks every 100 ms).
pub const TICKS_PER_SECOND: u64 = 10;
/// Timeline entries kept.
const KEEP: usize = 200;

/// The watch of one domain.
#[derive(Debug)]
pub struct Watching {
    pub domain: String,
    watch: Watch,
    /// Ticks since the watch started.
    pub ticks: u64,
    /// The tick of the next look; `None` while a look is in flight.
    pub next_at: Option<u64>,
    /// Looks taken.
    pub looks: u64,
    /// What happened, newest last: seconds since the start and one line.
    pub timeline: Vec<(u64, String)>,
}

impl Watching {
    /// Seconds until the next look, if one is scheduled.
    pub fn next_in(&self) -> Option<u64> {
        self.next_at
            .map(|at| at.saturating_sub(self.ticks).div_ceil(TICKS_PER_SECOND))
    }

    fn note(&mut self, line: String) {
        self.timeline.push((self.ticks / TICKS_PER_SECOND, line));
        if self.timeline.len() > KEEP {
            self.timeline.remove(0);
        }
    }
}

impl App {
    /// `w`: start watching the selected domain (the compare view opens on
    /// it), or stop.
    pub(super) fn toggle_watch(&mut self) -> Vec<Cmd> {
        if let Some(w) = self.watching.take() {
            self.say(
                format!("stopped watching {} after {} looks", w.domain, w.looks),
                false,
            );
            return Vec::new();
        }
        let Some(d) = self.selected_domain() else {
            self.say("no domain to watch: press a to add one", true);
            return Vec::new();
        };
        let domain = d.name.clone();
        self.say(
            format!(
                "watching {domain}: looks again as its TTLs expire (at least every {MIN_AUTO_INTERVAL} s); w stops"
            ),
            false,
        );
        self.watching = Some(Watching {
            domain,
            watch: Watch::new(),
            ticks: 0,
            next_at: None,
            looks: 0,
            timeline: Vec::new(),
        });
        let mut cmds = Vec::new();
        if !matches!(self.mode, Mode::Compare { .. }) {
            cmds = self.open_compare();
        }
        if !matches!(self.mode, Mode::Compare { .. }) {
            // One resolver and no authorities: the view cannot open, but the
            // watch still runs (its timeline shows there when it can).
            self.mode = Mode::Compare { scroll: 0 };
        }
        cmds.extend(self.watch_look());
        self.dirty = true;
        cmds
    }

    /// Looks the watched domain up again (every upstream, the authorities).
    fn watch_look(&mut self) -> Vec<Cmd> {
        let Some(w) = &mut self.watching else {
            return Vec::new();
        };
        w.next_at = None;
        let domain = w.domain.clone();
        let Some(i) = self.domains.iter().position(|d| d.name == domain) else {
            self.watching = None;
            return Vec::new();
        };
        let mut cmds = self.lookup(i);
        cmds.extend(self.ask_authorities(i));
        cmds
    }

    /// One tick of the watch clock: the next look when it is due.
    pub(super) fn watch_tick(&mut self) -> Vec<Cmd> {
        let Some(w) = &mut self.watching else {
            return Vec::new();
        };
        w.ticks += 1;
        let due = w.next_at.is_some_and(|at| w.ticks >= at);
        if w.next_at.is_some() && w.ticks.is_multiple_of(TICKS_PER_SECOND) {
            // The countdown in the view moves once a second.
            self.dirty = true;
        }
        if due { self.watch_look() } else { Vec::new() }
    }

    /// After an answer: once every source of the look is in, the look is
    /// taken into the timeline and the next one scheduled.
    pub(super) fn watch_answer(&mut self) {
        let Some(w) = &self.watching else { return };
        if w.next_at.is_some() {
            return;
        }
        let Some(d) = self.domains.iter().find(|d| d.name == w.domain) else {
            self.watching = None;
            return;
        };
        if d.any_pending() || d.authority_pending.is_some() {
            return;
        }
        // Named as the app names its upstreams.
        let reports: Vec<_> = (0..d.upstream_count())
            .filter_map(|i| {
                let mut r = d.report_of(i)?.clone();
                r.resolver.clone_from(self.upstreams.get(i)?);
                Some(r)
            })
            .collect();
        let look = Look {
            reports,
            authorities: d.authorities.clone(),
        };
        let Some(w) = &mut self.watching else { return };
        w.looks += 1;
        let step = w.watch.step(&look);
        for e in &step.events {
            let line = match e.kind {
                EventKind::Initial => format!("{} {}: {}", e.role, e.source, e.answer),
                EventKind::Change => {
                    format!("{} {} changed: {}", e.role, e.source, e.changes.join(", "))
                }
                EventKind::Unknown => {
                    format!(
                        "{} {} gave no answer ({}): unknown",
                        e.role, e.source, e.answer
                    )
                }
                EventKind::Back => format!("{} {} answers again", e.role, e.source),
            };
            w.note(line);
        }
        if step.consistency_changed {
            w.note(if step.consistent {
                "= every source gives the same answer".into()
            } else {
                "≠ the sources do not all give the same answer".into()
            });
        }
        let wait = next_interval(&look, None) as u64;
        w.next_at = Some(w.ticks + wait * TICKS_PER_SECOND);
        self.dirty = true;
    }
}
