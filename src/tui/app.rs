//! The TUI's one transition function.
//!
//! [`App::update`] takes a [`Msg`] (a key, a mouse event, a resize, a DNS
//! result, a tick) and returns the [`Cmd`]s the runner must carry out. It
//! does no I/O, so every interaction is testable without a terminal or a
//! network (tests/tui_update.rs).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;

use super::keymap::Action;
use super::nav::scroll_popup;
use super::state::{App, Cmd, Focus, Mode, Msg, SimInputs, Status, Undo, outage_count};
use crate::export::ExportFormat;
use crate::mx::dns_outage::outage;
use crate::mx::enforce::enforcement;
use crate::mx::failover::profile::SenderFamily;
use crate::mx::failover::simulate;

/// Undo steps kept.
const UNDO_DEPTH: usize = 50;

impl App {
    /// The one transition function.
    pub fn update(&mut self, msg: Msg) -> Vec<Cmd> {
        let report = matches!(msg, Msg::Report { .. });
        let tick = matches!(msg, Msg::Tick);
        let mut cmds = self.handle(msg);
        self.schedule_security();
        if tick {
            cmds.extend(self.security_tick());
        }
        // A filtered or sorted list takes reports in on the next key or
        // tick (one pass for a flood of them), and at once with the last.
        if report && !self.view_is_plain() && self.needs_tick() {
            self.view_stale = true;
        } else if self.view_stale || (report && !self.view_is_plain()) {
            self.refilter();
        }
        if self.dirty {
            self.resimulate();
            // What the panes hold sets their heights: keep every cursor
            // and scroll offset inside what now shows.
            self.refit();
        }
        cmds
    }

    /// Keeps [`App::simulation`] in step with the selected domain, its
    /// report, its outages and the profile; runs the simulation only when
    /// one of them changed since the last run.
    pub fn resimulate(&mut self) {
        let Some((d, report)) = self
            .selected_domain()
            .and_then(|d| Some((d, d.report.as_ref()?)))
        else {
            self.simulation = None;
            self.simulated = None;
            return;
        };
        let same = self.simulated.as_ref().is_some_and(|s| {
            s.generation == d.report_generation
                && s.security == d.security
                && s.domain == d.name
                && s.outages == d.outages
                && s.profile == self.profile
                && s.enforce == self.enforce
                && s.dns_down == self.dns_down
        });
        if same {
            return;
        }
        // An enforcing sender counts the exchanges it must refuse as down.
        let enforcement = enforcement(report, self.enforce);
        let mut outages = d.outages.clone();
        for r in enforcement.iter().flat_map(|e| &e.refused) {
            outages.hosts.insert(r.exchange.clone());
        }
        let mut sim = simulate(report, &outages, &self.profile);
        sim.enforce = enforcement;
        sim.dns_outage = self
            .dns_down
            .then(|| outage(report, self.profile.queue_lifetime_s));
        let inputs = SimInputs {
            domain: d.name.clone(),
            generation: d.report_generation,
            security: d.security,
            outages: d.outages.clone(),
            profile: self.profile.clone(),
            enforce: self.enforce,
            dns_down: self.dns_down,
        };
        self.simulation = Some(sim);
        self.simulated = Some(inputs);
        self.simulation_runs += 1;
    }

    fn handle(&mut self, msg: Msg) -> Vec<Cmd> {
        match msg {
            Msg::Key(k) => self.key(k),
            Msg::Mouse(m) => {
                self.mouse(m);
                Vec::new()
            }
            Msg::Resize(w, h) => {
                self.area = Rect::new(0, 0, w, h);
                self.refit();
                self.dirty = true;
                Vec::new()
            }
            Msg::Report {
                generation,
                upstream,
                report,
            } => {
                self.report(generation, upstream, *report);
                self.watch_answer();
                Vec::new()
            }
            Msg::Authorities { generation, check } => {
                self.authorities_in(generation, *check);
                self.watch_answer();
                Vec::new()
            }
            Msg::Security { generation, report } => {
                match report {
                    Ok(report) => self.security_in(generation, *report),
                    Err(why) => self.security_failed(generation, why),
                }
                Vec::new()
            }
            Msg::Paste(text) => {
                self.paste(&text);
                Vec::new()
            }
            Msg::Copied {
                subject,
                summary,
                result,
            } => {
                match result {
                    Ok(target) => self.copied(&subject, &summary, target),
                    Err(e) => self.say(format!("could not copy {summary}: {e}"), true),
                }
                self.dirty = true;
                Vec::new()
            }
            Msg::Tick => {
                if self.spinning() {
                    self.spinner = self.spinner.wrapping_add(1);
                    self.dirty = true;
                }
                self.watch_tick()
            }
            Msg::SnapshotSaved {
                path,
                count,
                result,
            } => {
                self.snapshot_saved(path, count, result);
                Vec::new()
            }
            Msg::SnapshotOpened { path, result } => self.snapshot_opened(path, result),
        }
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Cmd> {
        if k.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl_c {
            return vec![Cmd::Quit];
        }
        match &mut self.mode {
            Mode::Input { .. } => self.input_key(k),
            Mode::Help { scroll } => {
                let max = self.popup_max_scroll.get();
                match self.keymap.action_for(&k) {
                    Some(Action::Help | Action::Back) => self.mode = Mode::Normal,
                    Some(Action::Quit) => return vec![Cmd::Quit],
                    Some(a) if scroll_popup(scroll, a, max) => {}
                    _ => return Vec::new(),
                }
                self.dirty = true;
                Vec::new()
            }
            Mode::Finding { scroll } => {
                let max = self.popup_max_scroll.get();
                match self.keymap.action_for(&k) {
                    Some(Action::Enter | Action::Back) => self.mode = Mode::Normal,
                    Some(Action::Quit) => return vec![Cmd::Quit],
                    Some(Action::CopyFinding) => {
                        self.dirty = true;
                        return self.copy_finding();
                    }
                    Some(a) if scroll_popup(scroll, a, max) => {}
                    _ => return Vec::new(),
                }
                self.dirty = true;
                Vec::new()
            }
            Mode::Picker { selected } => {
                let n = ExportFormat::all().len();
                match self.keymap.action_for(&k) {
                    Some(Action::Down) => *selected = (*selected + 1) % n,
                    Some(Action::Up) => *selected = (*selected + n - 1) % n,
                    Some(Action::Top) => *selected = 0,
                    Some(Action::Bottom) => *selected = n - 1,
                    Some(Action::Enter) => {
                        let fmt = ExportFormat::all()[*selected];
                        self.last_format = fmt;
                        self.mode = Mode::Normal;
                        self.dirty = true;
                        return self.copy(fmt);
                    }
                    Some(Action::Back | Action::CopyAs) => self.mode = Mode::Normal,
                    Some(Action::Quit) => return vec![Cmd::Quit],
                    _ => return Vec::new(),
                }
                self.dirty = true;
                Vec::new()
            }
            Mode::Compare { .. } => self.compare_key(&k),
            Mode::Filter { .. } => self.filter_key(k),
            Mode::SideBySide { .. } => self.side_by_side_key(&k),
            Mode::SnapshotPath { .. } | Mode::Overwrite { .. } => self.snapshot_key(&k),
            Mode::SnapshotDiff { .. } => self.snapshot_diff_key(&k),
            Mode::Security { .. } => self.security_key(&k),
            Mode::Normal => match self.keymap.action_for(&k) {
                Some(action) => {
                    self.dirty = true;
                    self.action(action)
                }
                None => Vec::new(),
            },
        }
    }

    fn action(&mut self, action: Action) -> Vec<Cmd> {
        match action {
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::PageUp => self.step(-(self.view(self.focus) as isize)),
            Action::PageDown => self.step(self.view(self.focus) as isize),
            Action::Top => self.step(isize::MIN / 2),
            Action::Bottom => self.step(isize::MAX / 2),
            Action::FocusNext => self.focus = self.focus.cycle(true),
            Action::FocusPrev => self.focus = self.focus.cycle(false),
            Action::Enter => self.enter(),
            Action::Back => self.back(),
            Action::Add => {
                self.mode = Mode::Input {
                    text: String::new(),
                    error: None,
                }
            }
            Action::Remove => self.remove(),
            Action::Requery => return self.requery(),
            Action::RequeryAll => return self.requery_all(),
            Action::Compare => return self.open_compare(),
            Action::Watch => return self.toggle_watch(),
            Action::ToggleDown => self.toggle_down(),
            Action::ClearOutages => {
                if let Some(d) = self.selected_index().and_then(|i| self.domains.get_mut(i)) {
                    let n = outage_count(&d.outages);
                    if n == 0 {
                        let msg = format!("{} has no outage to clear", esc(&d.name));
                        self.say(msg, false);
                    } else {
                        let outages = std::mem::take(&mut d.outages);
                        let domain = d.name.clone();
                        let s = if n == 1 { "" } else { "s" };
                        self.say(
                            format!("cleared {n} outage{s} of {} (u undoes)", esc(&domain)),
                            false,
                        );
                        self.remember(Undo::Cleared { domain, outages });
                    }
                }
            }
            Action::Undo => return self.undo(),
            Action::Filter => {
                self.mode = Mode::Filter {
                    before: self.filter.clone(),
                };
                self.focus = Focus::Domains;
            }
            Action::Sort => {
                self.sort = self.sort.next();
                self.refilter();
                let msg = format!("domains sorted by {}", self.sort.label());
                self.say(msg, false);
            }
            Action::CycleProfile => {
                self.profile = self.profile.next();
                let p = format!("sender profile: {}", self.profile.name);
                self.say(p, false);
            }
            Action::CycleFamily => {
                let family = self.profile.sender_family.next();
                self.profile = self.profile.clone().with_sender_family(family);
                let why = match family {
                    SenderFamily::Dual => "IPv4 and IPv6 addresses are both usable",
                    SenderFamily::Ipv4 => {
                        "IPv6 addresses count as down: an AAAA-only exchange is unreachable"
                    }
                    SenderFamily::Ipv6 => {
                        "IPv4 addresses count as down: an A-only exchange is unreachable"
                    }
                };
                self.say(format!("{}: {why}", family.describe()), false);
            }
            Action::CycleEnforce => self.cycle_enforce(),
            Action::ToggleDnsDown => self.toggle_dns_down(),
            Action::Security => self.open_security(),
            Action::Copy => return self.copy(ExportFormat::default()),
            Action::CopyAs => {
                if self.selected_report().is_some() {
                    let all = ExportFormat::all();
                    let selected = all.iter().position(|f| *f == self.last_format);
                    self.mode = Mode::Picker {
                        selected: selected.unwrap_or(0),
                    };
                } else {
                    self.say("nothing to copy yet: no report is selected", true);
                }
            }
            Action::CopyFinding => return self.copy_finding(),
            Action::Mark => self.toggle_mark(),
            Action::SideBySide => self.open_side_by_side(),
            Action::SaveSnapshot => self.open_snapshot_prompt(true),
            Action::OpenSnapshot => self.open_snapshot_prompt(false),
            Action::Help => self.open_popup(Mode::Help { scroll: 0 }),
            Action::Suspend => return vec![Cmd::Suspend],
            Action::Quit => return vec![Cmd::Quit],
        }
        Vec::new()
    }

    /// Opens a scrolling popup; how far it scrolls is known once drawn.
    pub(super) fn open_popup(&mut self, mode: Mode) {
        self.popup_max_scroll.set(u16::MAX);
        self.mode = mode;
    }

    fn enter(&mut self) {
        match self.focus {
            Focus::Findings
                if self
                    .selected_report()
                    .is_some_and(|r| r.findings.len() > self.finding_cursor.selected) =>
            {
                self.open_popup(Mode::Finding { scroll: 0 });
            }
            Focus::Domains if self.selected_report().is_some_and(|r| !r.mx.is_empty()) => {
                self.focus = Focus::Hosts
            }
            Focus::Hosts
                if self
                    .selected_host()
                    .is_some_and(|h| !h.addresses.is_empty()) =>
            {
                self.focus = Focus::Addresses
            }
            _ => self.dirty = false,
        }
    }

    fn back(&mut self) {
        self.focus = match self.focus {
            Focus::Addresses => Focus::Hosts,
            Focus::Domains if !self.filter.is_empty() => {
                self.filter.clear();
                self.refilter();
                self.say("filter cleared: every domain shows", false);
                Focus::Domains
            }
            Focus::Domains => {
                self.status = None;
                Focus::Domains
            }
            _ => Focus::Domains,
        };
    }

    fn remove(&mut self) {
        if self.focus != Focus::Domains {
            self.say(
                "d removes the selected domain in the domains pane: Esc or Tab to get there",
                true,
            );
            return;
        }
        let Some(i) = self.selected_index() else {
            self.say("no domain to remove", true);
            return;
        };
        let row = self.domain_cursor.selected;
        let gone = self.domains.remove(i);
        self.refilter();
        self.say(format!("removed {} (u undoes)", esc(&gone.name)), false);
        self.remember(Undo::Removed {
            index: i,
            entry: Box::new(gone),
        });
        self.select_domain(row.min(self.view.len().saturating_sub(1)));
    }

    /// Keeps an undo step; the oldest go beyond [`UNDO_DEPTH`].
    fn remember(&mut self, step: Undo) {
        if self.undo.len() == UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.undo.push(step);
    }

    /// `u`: puts back the last removed domain or cleared outages.
    fn undo(&mut self) -> Vec<Cmd> {
        match self.undo.pop() {
            None => self.say("nothing to undo", true),
            Some(Undo::Removed { index, entry }) => {
                if self.domains.iter().any(|d| d.name == entry.name) {
                    self.say(
                        format!("{} is listed again already", esc(&entry.name)),
                        false,
                    );
                    return Vec::new();
                }
                let i = index.min(self.domains.len());
                let pending = entry.any_pending();
                self.say(format!("{} is back", esc(&entry.name)), false);
                self.domains.insert(i, *entry);
                self.refilter();
                self.focus = Focus::Domains;
                match self.position_of(i) {
                    Some(row) => self.select_domain(row),
                    None => self.say("it is back, hidden by the filter (/ to change it)", false),
                }
                // An answer that came while it was gone was dropped.
                if pending {
                    return self.lookup(i);
                }
            }
            Some(Undo::Cleared { domain, outages }) => {
                match self.domains.iter_mut().find(|d| d.name == domain) {
                    Some(d) => {
                        let n = outage_count(&outages);
                        d.outages = outages;
                        let s = if n == 1 { "" } else { "s" };
                        self.say(format!("{n} outage{s} of {} restored", esc(&domain)), false);
                    }
                    None => self.say(format!("{} is no longer listed", esc(&domain)), true),
                }
            }
        }
        Vec::new()
    }

    fn toggle_down(&mut self) {
        let Some(i) = self.selected_index() else {
            return;
        };
        let (host, addr) = match (self.selected_host(), self.focus) {
            (Some(h), Focus::Hosts) => (Some(h.exchange.clone()), None),
            (Some(_), Focus::Addresses) => (None, self.selected_address().map(|a| a.ip)),
            _ => (None, None),
        };
        let Some(entry) = self.domains.get_mut(i) else {
            return;
        };
        let (shown, now_down) = if let Some(h) = host {
            if h == "." {
                self.say("a null MX has no host to take down", true);
                return;
            }
            entry.outages.toggle_host(&h);
            let down = entry
                .outages
                .hosts
                .iter()
                .any(|d| d.eq_ignore_ascii_case(&h));
            (esc(&h), down)
        } else if let Some(ip) = addr {
            entry.outages.toggle_address(ip);
            (ip.to_string(), entry.outages.addresses.contains(&ip))
        } else {
            let mark = self.keymap.first_key(Action::ToggleDown);
            self.say(
                format!("{mark} marks a host or an address: focus MX hosts or Addresses first"),
                true,
            );
            return;
        };
        let word = if now_down { "down" } else { "up" };
        self.say(format!("{shown} marked {word}"), false);
    }

    /// A message for the status bar before the first key (e.g. a warning
    /// about the command line).
    pub fn notice(&mut self, text: impl Into<String>) {
        self.say(text, false);
    }

    pub(super) fn say(&mut self, text: impl Into<String>, error: bool) {
        self.status = Some(Status {
            text: text.into(),
            error,
        });
    }
}

fn esc(s: &str) -> String {
    crate::mx::escape::visible(s).into_owned()
}
