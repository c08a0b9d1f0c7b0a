//! The whole TUI state and its one transition function.
//!
//! [`App::update`] takes a [`Msg`] (a key, a mouse event, a resize, a DNS
//! result, a tick) and returns the [`Cmd`]s the runner must carry out. It
//! does no I/O, so every interaction is testable without a terminal or a
//! network (tests/tui_update.rs).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};
use ratatui::layout::Rect;

use super::keymap::{self, Action};
use super::theme::Theme;
use super::ui;
use crate::export::{self, ExportFormat, Selection};
use crate::mx::failover::{HostSim, Outages, Simulation, simulate};
use crate::mx::input::parse_domain;
use crate::mx::profile::Profile;
use crate::mx::{Address, MxHost, MxReport};

/// Input to [`App::update`].
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// A lookup finished; `generation` is the one its [`Cmd::Lookup`] carried.
    Report {
        generation: u64,
        report: Box<MxReport>,
    },
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    /// A [`Cmd::Copy`] finished: where the text went, or why it did not.
    Copied {
        summary: String,
        result: Result<String, String>,
    },
    /// Animation step; the runner sends it only while [`App::needs_tick`].
    Tick,
}

/// Work for the runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    /// Look `domain` (parsed, FQDN) up and answer with [`Msg::Report`].
    Lookup {
        generation: u64,
        domain: String,
    },
    /// Put `text` on the clipboard and answer with [`Msg::Copied`];
    /// `summary` says what it is ("3 records as zone lines").
    Copy {
        text: String,
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
}

/// A selection in a list plus its scroll position.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
}

impl Cursor {
    /// Selects row `i` of `len`, scrolling so it shows in `view` rows.
    pub fn set(&mut self, i: usize, len: usize, view: usize) {
        if len == 0 {
            *self = Cursor::default();
            return;
        }
        self.selected = i.min(len - 1);
        let view = view.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + view {
            self.offset = self.selected + 1 - view;
        }
        self.offset = self.offset.min(len.saturating_sub(view));
    }

    fn step(&mut self, delta: isize, len: usize, view: usize) {
        let i = self.selected.saturating_add_signed(delta);
        self.set(i, len, view);
    }
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
    /// Where lookups go, e.g. `demo` or `127.0.0.1:5354`.
    pub upstream: String,
    pub status: Option<Status>,
    /// Spinner frame; advances on [`Msg::Tick`].
    pub spinner: usize,
    pub theme: Theme,
    /// The terminal size, from [`Msg::Resize`].
    pub area: Rect,
    /// Something changed since the last draw.
    pub dirty: bool,
    next_generation: u64,
}

impl App {
    /// An app on `domains` (already parsed); call [`App::start`] for the
    /// first lookups.
    pub fn new(upstream: impl Into<String>, domains: Vec<String>, theme: Theme) -> Self {
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
            upstream: upstream.into(),
            status: None,
            spinner: 0,
            theme,
            area: Rect::new(0, 0, 80, 24),
            dirty: true,
            next_generation: 1,
        };
        for d in domains {
            if !app.domains.iter().any(|e| e.name == d) {
                app.domains.push(DomainEntry {
                    name: d,
                    report: None,
                    pending: None,
                    outages: Outages::default(),
                });
            }
        }
        app
    }

    /// Lookups for every domain: the runner's first commands.
    pub fn start(&mut self) -> Vec<Cmd> {
        (0..self.domains.len()).map(|i| self.lookup(i)).collect()
    }

    /// Whether something animates (a spinner), so the runner must tick.
    pub fn needs_tick(&self) -> bool {
        self.domains.iter().any(|d| d.pending.is_some())
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
            Msg::Report { generation, report } => {
                self.report(generation, *report);
                Vec::new()
            }
            Msg::Paste(text) => {
                self.paste(&text);
                Vec::new()
            }
            Msg::Copied { summary, result } => {
                match result {
                    Ok(target) => self.say(format!("{summary} → {target}"), false),
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

    fn lookup(&mut self, i: usize) -> Cmd {
        let generation = self.next_generation;
        self.next_generation += 1;
        let entry = &mut self.domains[i];
        entry.pending = Some(generation);
        Cmd::Lookup {
            generation,
            domain: entry.name.clone(),
        }
    }

    fn report(&mut self, generation: u64, report: MxReport) {
        // Stale answers (re-queried since, or the domain was removed) go.
        let Some(entry) = self
            .domains
            .iter_mut()
            .find(|d| d.pending == Some(generation))
        else {
            return;
        };
        entry.pending = None;
        entry.report = Some(report);
        self.refit();
        self.dirty = true;
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
                    Some(Action::Enter) => {
                        let fmt = ExportFormat::all()[*selected];
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
            Mode::Normal => match keymap::action_for(&k) {
                Some(action) => {
                    self.dirty = true;
                    self.action(action)
                }
                None => Vec::new(),
            },
        }
    }

    fn input_key(&mut self, k: KeyEvent) -> Vec<Cmd> {
        let Mode::Input { text, error } = &mut self.mode else {
            return Vec::new();
        };
        self.dirty = true;
        match k.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                self.say("add cancelled", false);
            }
            KeyCode::Enter => match parse_domain(text) {
                Ok(name) => {
                    self.mode = Mode::Normal;
                    return self.add_domain(name);
                }
                Err(e) => *error = Some(e.to_string()),
            },
            KeyCode::Backspace => {
                text.pop();
                *error = None;
            }
            KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                text.clear();
                *error = None;
            }
            KeyCode::Char(c)
                if !k
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                if text.chars().count() < 512 {
                    text.push(c);
                }
                *error = None;
            }
            _ => self.dirty = false,
        }
        Vec::new()
    }

    /// Pasted text goes into the add prompt (opening it when needed), so a
    /// pasted name is never read as a string of commands.
    fn paste(&mut self, pasted: &str) {
        let line = pasted.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let line = line.trim();
        match &mut self.mode {
            Mode::Input { text, error } => {
                text.push_str(line);
                *error = None;
            }
            Mode::Normal => {
                self.mode = Mode::Input {
                    text: line.to_string(),
                    error: None,
                }
            }
            Mode::Help { .. } | Mode::Picker { .. } => return,
        }
        self.dirty = true;
    }

    /// Adds (or, when listed already, selects) a parsed domain.
    pub fn add_domain(&mut self, name: String) -> Vec<Cmd> {
        self.dirty = true;
        if let Some(i) = self.domains.iter().position(|d| d.name == name) {
            self.select_domain(i);
            self.say(format!("{name} is listed already"), false);
            return Vec::new();
        }
        self.domains.push(DomainEntry {
            name: name.clone(),
            report: None,
            pending: None,
            outages: Outages::default(),
        });
        let i = self.domains.len() - 1;
        self.select_domain(i);
        self.focus = Focus::Domains;
        self.say(format!("added {name}"), false);
        vec![self.lookup(i)]
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
            Action::Requery => {
                if self.domains.is_empty() {
                    self.say("no domain to look up: press a to add one", true);
                } else {
                    let i = self.domain_cursor.selected;
                    self.say(format!("looking up {} again", self.domains[i].name), false);
                    return vec![self.lookup(i)];
                }
            }
            Action::RequeryAll => {
                self.say(
                    format!("looking up {} domains again", self.domains.len()),
                    false,
                );
                return (0..self.domains.len()).map(|i| self.lookup(i)).collect();
            }
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
                    self.mode = Mode::Picker { selected: 0 };
                } else {
                    self.say("nothing to copy yet: no report is selected", true);
                }
            }
            Action::CopyFinding => {
                let finding = self
                    .selected_report()
                    .and_then(|r| r.findings.get(self.finding_cursor.selected));
                match finding {
                    Some(f) => {
                        let r = export::render_finding(f);
                        return vec![Cmd::Copy {
                            text: r.text,
                            summary: r.summary,
                        }];
                    }
                    None => self.say("no finding to copy", true),
                }
            }
            Action::Help => self.mode = Mode::Help { scroll: 0 },
            Action::Quit => return vec![Cmd::Quit],
        }
        Vec::new()
    }

    /// What `y` copies: the selected address, host or whole report,
    /// following the focused pane.
    pub fn selection(&self) -> Option<Selection<'_>> {
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

    fn copy(&mut self, fmt: ExportFormat) -> Vec<Cmd> {
        let Some(sel) = self.selection() else {
            self.say("nothing to copy yet: no report is selected", true);
            return Vec::new();
        };
        let r = export::render(&sel, fmt);
        if r.text.is_empty() {
            self.say(r.summary, true);
            return Vec::new();
        }
        vec![Cmd::Copy {
            text: r.text,
            summary: r.summary,
        }]
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

    fn say(&mut self, text: impl Into<String>, error: bool) {
        self.status = Some(Status {
            text: text.into(),
            error,
        });
    }

    /// Number of rows in a pane's list.
    fn len(&self, pane: Focus) -> usize {
        match pane {
            Focus::Domains => self.domains.len(),
            Focus::Hosts => self.selected_report().map_or(0, |r| r.mx.len()),
            Focus::Addresses => self.selected_host().map_or(0, |h| h.addresses.len()),
            Focus::Findings => self.selected_report().map_or(0, |r| r.findings.len()),
            Focus::Failover => 0,
        }
    }

    /// Rows a pane shows at once.
    fn view(&self, pane: Focus) -> usize {
        let rect = ui::layout(self.area).pane(pane);
        usize::from(rect.height.saturating_sub(ui::LIST_CHROME)).max(1)
    }

    fn step(&mut self, delta: isize) {
        match self.focus {
            Focus::Failover => {
                self.failover_scroll = if delta < 0 {
                    self.failover_scroll
                        .saturating_sub(delta.unsigned_abs() as u16)
                } else {
                    self.failover_scroll.saturating_add(delta.min(200) as u16)
                }
            }
            pane => {
                let (len, view) = (self.len(pane), self.view(pane));
                let mut c = *self.cursor(pane);
                c.step(delta, len, view);
                self.set_cursor(pane, c.selected);
            }
        }
    }

    fn cursor(&self, pane: Focus) -> &Cursor {
        match pane {
            Focus::Domains => &self.domain_cursor,
            Focus::Hosts => &self.host_cursor,
            Focus::Addresses => &self.addr_cursor,
            Focus::Findings | Focus::Failover => &self.finding_cursor,
        }
    }

    /// Selects row `i` of `pane`, resetting what hangs below it.
    fn set_cursor(&mut self, pane: Focus, i: usize) {
        let (len, view) = (self.len(pane), self.view(pane));
        match pane {
            Focus::Domains => self.select_domain(i),
            Focus::Hosts => {
                let before = self.host_cursor.selected;
                self.host_cursor.set(i, len, view);
                if self.host_cursor.selected != before {
                    self.addr_cursor = Cursor::default();
                }
            }
            Focus::Addresses => self.addr_cursor.set(i, len, view),
            Focus::Findings => self.finding_cursor.set(i, len, view),
            Focus::Failover => {}
        }
    }

    fn select_domain(&mut self, i: usize) {
        let before = self.domain_cursor.selected;
        let (len, view) = (self.len(Focus::Domains), self.view(Focus::Domains));
        self.domain_cursor.set(i, len, view);
        if self.domain_cursor.selected != before || len <= 1 {
            self.host_cursor = Cursor::default();
            self.addr_cursor = Cursor::default();
            self.finding_cursor = Cursor::default();
            self.failover_scroll = 0;
        }
    }

    /// Keeps every cursor inside its list after the data or the size changed.
    fn refit(&mut self) {
        for pane in [
            Focus::Domains,
            Focus::Hosts,
            Focus::Addresses,
            Focus::Findings,
        ] {
            let (len, view) = (self.len(pane), self.view(pane));
            let c = match pane {
                Focus::Domains => &mut self.domain_cursor,
                Focus::Hosts => &mut self.host_cursor,
                Focus::Addresses => &mut self.addr_cursor,
                _ => &mut self.finding_cursor,
            };
            let sel = c.selected;
            c.set(sel, len, view);
        }
    }

    fn mouse(&mut self, m: MouseEvent) {
        use crossterm::event::{MouseButton, MouseEventKind};
        let layout = ui::layout(self.area);
        let Some(pane) = layout.pane_at(m.column, m.row) else {
            return;
        };
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if !matches!(self.mode, Mode::Normal) {
                    if matches!(self.mode, Mode::Help { .. }) {
                        self.mode = Mode::Normal;
                        self.dirty = true;
                    }
                    return;
                }
                self.focus = pane;
                self.dirty = true;
                let rect = layout.pane(pane);
                let first = rect.y + ui::LIST_CHROME - 1;
                if m.row >= first && m.row < rect.bottom().saturating_sub(1) {
                    let i = self.cursor(pane).offset + usize::from(m.row - first);
                    if i < self.len(pane) {
                        self.set_cursor(pane, i);
                    }
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp
                if matches!(self.mode, Mode::Normal) =>
            {
                let delta = if m.kind == MouseEventKind::ScrollDown {
                    1
                } else {
                    -1
                };
                let keep = self.focus;
                self.focus = pane;
                self.step(delta);
                self.focus = keep;
                self.dirty = true;
            }
            _ => {}
        }
    }
}

/// How many hosts and addresses are marked down.
pub fn outage_count(o: &Outages) -> usize {
    o.hosts.len() + o.addresses.len()
}

fn esc(s: &str) -> String {
    crate::mx::escape::visible(s).into_owned()
}
