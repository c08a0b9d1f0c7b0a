//! The whole TUI state and its one transition function.
//!
//! [`App::update`] takes a [`Msg`] (a key, a mouse event, a resize, a DNS
//! result, a tick) and returns the [`Cmd`]s the runner must carry out. It
//! does no I/O, so every interaction is testable without a terminal or a
//! network (tests/tui_update.rs).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};
use ratatui::layout::Rect;

use super::compare::Side;
use super::keymap::{self, Action};
pub use super::nav::Cursor;
use super::theme::Theme;
use crate::clipboard::CopyTarget;
use crate::export::ExportFormat;
use crate::mx::failover::{HostSim, Outages, Simulation, simulate};
use crate::mx::profile::Profile;
use crate::mx::{Address, MxHost, MxReport};

/// Input to [`App::update`].
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// A lookup finished; `generation` and `upstream` are the ones its
    /// [`Cmd::Lookup`] carried.
    Report {
        generation: u64,
        upstream: usize,
        report: Box<MxReport>,
    },
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    /// A [`Cmd::Copy`] finished: where the text went, or why it did not;
    /// `subject` and `summary` are the ones the command carried.
    Copied {
        subject: String,
        summary: String,
        result: Result<CopyTarget, String>,
    },
    /// Animation step; the runner sends it only while [`App::needs_tick`].
    Tick,
}

/// Work for the runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    /// Look `domain` (parsed, FQDN) up on upstream number `upstream` (an
    /// index into [`App::upstreams`]) and answer with [`Msg::Report`].
    Lookup {
        generation: u64,
        upstream: usize,
        domain: String,
    },
    /// Put `text` on the clipboard and answer with [`Msg::Copied`];
    /// `subject` names what was selected (a domain, a host, an address, a
    /// finding's subject; raw, escaped when shown) and `summary` says what
    /// the text holds ("3 records as zone lines").
    Copy {
        text: String,
        subject: String,
        summary: String,
    },
    Quit,
}

/// The pane that has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Focus {
    Domains,
    Hosts,
    Addresses,
    Failover,
    Findings,
}

impl Focus {
    /// Tab order.
    pub const ORDER: [Focus; 5] = [
        Focus::Domains,
        Focus::Hosts,
        Focus::Addresses,
        Focus::Failover,
        Focus::Findings,
    ];

    fn cycle(self, forward: bool) -> Focus {
        let i = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        let n = Self::ORDER.len();
        Self::ORDER[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// What is on top of the panes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Help {
        scroll: u16,
    },
    /// The inline "add a domain" prompt in the status bar.
    Input {
        text: String,
        error: Option<String>,
    },
    /// The copy format picker (`Y`); `selected` indexes [`ExportFormat::all`].
    Picker {
        selected: usize,
    },
    /// What each resolver answered for the selected domain (`=`).
    Compare {
        scroll: u16,
    },
}

/// One domain in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainEntry {
    /// Parsed: lower-case ASCII with the trailing dot.
    pub name: String,
    /// The latest report; kept (and shown) while a re-query runs.
    pub report: Option<MxReport>,
    /// The generation of the lookup in flight, if any.
    pub pending: Option<u64>,
    /// What the user marked down (Space), for the failover what-if.
    pub outages: Outages,
    /// The other upstreams' answers when comparing resolvers, in
    /// [`App::upstreams`] order after the primary; empty with one upstream.
    pub others: Vec<Side>,
}

impl DomainEntry {
    /// A domain not looked up yet, with a place for `upstreams` answers.
    pub fn new(name: String, upstreams: usize) -> Self {
        DomainEntry {
            name,
            report: None,
            pending: None,
            outages: Outages::default(),
            others: vec![Side::default(); upstreams.saturating_sub(1)],
        }
    }
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// All TUI state.
#[derive(Debug)]
pub struct App {
    pub domains: Vec<DomainEntry>,
    pub focus: Focus,
    pub mode: Mode,
    pub domain_cursor: Cursor,
    pub host_cursor: Cursor,
    pub addr_cursor: Cursor,
    pub finding_cursor: Cursor,
    pub failover_scroll: u16,
    /// The sender the failover pane models (`p` cycles).
    pub profile: Profile,
    /// The failover simulation of the selected domain under its outages,
    /// kept in step with the state by [`App::update`].
    pub simulation: Option<Simulation>,
    /// Where lookups go, e.g. `demo` or `127.0.0.1:5354`; never empty.
    /// The first is the primary, whose reports the panes show; with
    /// several, every domain is looked up on each and they are compared.
    pub upstreams: Vec<String>,
    pub status: Option<Status>,
    /// Spinner frame; advances on [`Msg::Tick`].
    pub spinner: usize,
    pub theme: Theme,
    /// The terminal size, from [`Msg::Resize`].
    pub area: Rect,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// The format last chosen in the `Y` picker, where it opens next
    /// (`y` always copies zone lines and leaves it alone).
    pub last_format: ExportFormat,
    /// Running inside tmux (`TMUX` set): the first OSC 52 copy's status
    /// adds [`super::copy::TMUX_HINT`].
    pub tmux: bool,
    pub(super) tmux_hinted: bool,
    next_generation: u64,
}

impl App {
    /// An app on `domains` (already parsed); call [`App::start`] for the
    /// first lookups.
    pub fn new(upstream: impl Into<String>, domains: Vec<String>, theme: Theme) -> Self {
        Self::comparing(upstream.into(), Vec::new(), domains, theme)
    }

    /// An app that looks every domain up on `primary` and on each of
    /// `others`, and compares their answers.
    pub fn comparing(
        primary: String,
        others: Vec<String>,
        domains: Vec<String>,
        theme: Theme,
    ) -> Self {
        let mut upstreams = vec![primary];
        upstreams.extend(others);
        let mut app = App {
            domains: Vec::new(),
            focus: Focus::Domains,
            mode: Mode::Normal,
            domain_cursor: Cursor::default(),
            host_cursor: Cursor::default(),
            addr_cursor: Cursor::default(),
            finding_cursor: Cursor::default(),
            failover_scroll: 0,
            profile: Profile::rfc(),
            simulation: None,
            upstreams,
            status: None,
            spinner: 0,
            theme,
            area: Rect::new(0, 0, 80, 24),
            dirty: true,
            last_format: ExportFormat::default(),
            tmux: false,
            tmux_hinted: false,
            next_generation: 1,
        };
        let n = app.upstreams.len();
        for d in domains {
            if !app.domains.iter().any(|e| e.name == d) {
                app.domains.push(DomainEntry::new(d, n));
            }
        }
        app
    }

    /// Lookups for every domain on every upstream: the runner's first commands.
    pub fn start(&mut self) -> Vec<Cmd> {
        (0..self.domains.len())
            .flat_map(|i| self.lookup(i))
            .collect()
    }

    /// Whether something animates (a spinner), so the runner must tick.
    pub fn needs_tick(&self) -> bool {
        self.domains.iter().any(DomainEntry::any_pending)
    }

    pub fn selected_domain(&self) -> Option<&DomainEntry> {
        self.domains.get(self.domain_cursor.selected)
    }

    pub fn selected_report(&self) -> Option<&MxReport> {
        self.selected_domain()?.report.as_ref()
    }

    pub fn selected_host(&self) -> Option<&MxHost> {
        self.selected_report()?.mx.get(self.host_cursor.selected)
    }

    pub fn selected_address(&self) -> Option<&Address> {
        self.selected_host()?
            .addresses
            .get(self.addr_cursor.selected)
    }

    /// How the simulation sees one exchange of the selected domain.
    pub fn host_sim(&self, exchange: &str) -> Option<&HostSim> {
        self.simulation
            .as_ref()?
            .hosts
            .iter()
            .find(|h| h.exchange.eq_ignore_ascii_case(exchange))
    }

    /// Whether an address of a host of the selected domain is down: marked,
    /// its host marked, or shared with a host that is marked.
    pub fn address_down(&self, exchange: &str, ip: std::net::IpAddr) -> bool {
        if let Some(a) = self
            .host_sim(exchange)
            .and_then(|h| h.addresses.iter().find(|a| a.ip == ip))
        {
            return a.down;
        }
        self.selected_domain()
            .is_some_and(|d| d.outages.address_down(exchange, ip))
    }

    /// A generation no lookup has carried yet.
    pub(super) fn new_generation(&mut self) -> u64 {
        let g = self.next_generation;
        self.next_generation += 1;
        g
    }

    /// The one transition function.
    pub fn update(&mut self, msg: Msg) -> Vec<Cmd> {
        let cmds = self.handle(msg);
        if self.dirty {
            self.resimulate();
        }
        cmds
    }

    /// Recomputes [`App::simulation`] for the selected domain.
    pub fn resimulate(&mut self) {
        self.simulation = self.selected_domain().and_then(|d| {
            let report = d.report.as_ref()?;
            Some(simulate(report, &d.outages, &self.profile))
        });
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
                if self.needs_tick() {
                    self.spinner = self.spinner.wrapping_add(1);
                    self.dirty = true;
                }
                Vec::new()
            }
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
                match keymap::action_for(&k) {
                    Some(Action::Help | Action::Back) => self.mode = Mode::Normal,
                    Some(Action::Quit) => return vec![Cmd::Quit],
                    Some(Action::Down) => *scroll = scroll.saturating_add(1),
                    Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                    _ => return Vec::new(),
                }
                self.dirty = true;
                Vec::new()
            }
            Mode::Picker { selected } => {
                let n = ExportFormat::all().len();
                match keymap::action_for(&k) {
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
            Mode::Normal => match keymap::action_for(&k) {
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
            Action::Compare => self.open_compare(),
            Action::ToggleDown => self.toggle_down(),
            Action::ClearOutages => {
                if let Some(d) = self.domains.get_mut(self.domain_cursor.selected) {
                    let n = outage_count(&d.outages);
                    d.outages.clear();
                    let msg = format!("cleared {n} outage(s) of {}", esc(&d.name));
                    self.say(msg, false);
                }
            }
            Action::CycleProfile => {
                self.profile = self.profile.next();
                let p = format!("sender profile: {}", self.profile.name);
                self.say(p, false);
            }
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
            Action::Help => self.mode = Mode::Help { scroll: 0 },
            Action::Quit => return vec![Cmd::Quit],
        }
        Vec::new()
    }

    fn enter(&mut self) {
        match self.focus {
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
            Focus::Domains => {
                self.status = None;
                Focus::Domains
            }
            _ => Focus::Domains,
        };
    }

    fn remove(&mut self) {
        let i = self.domain_cursor.selected;
        if i >= self.domains.len() {
            self.say("no domain to remove", true);
            return;
        }
        let gone = self.domains.remove(i);
        self.say(format!("removed {}", gone.name), false);
        self.select_domain(i.min(self.domains.len().saturating_sub(1)));
        self.focus = Focus::Domains;
    }

    fn toggle_down(&mut self) {
        let i = self.domain_cursor.selected;
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
            self.say(
                "Space marks a host or an address: focus MX hosts or Addresses first",
                true,
            );
            return;
        };
        let word = if now_down { "down" } else { "up" };
        self.say(format!("{shown} marked {word}"), false);
    }

    pub(super) fn say(&mut self, text: impl Into<String>, error: bool) {
        self.status = Some(Status {
            text: text.into(),
            error,
        });
    }
}

/// How many hosts and addresses are marked down.
pub fn outage_count(o: &Outages) -> usize {
    o.hosts.len() + o.addresses.len()
}

fn esc(s: &str) -> String {
    crate::mx::escape::visible(s).into_owned()
}
