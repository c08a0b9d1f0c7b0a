//! The TUI's state: [`App`] and the types it is made of, the [`Msg`]s that
//! change it and the [`Cmd`]s it asks the runner for, with the queries the
//! panes read. The transition function is in [`super::app`]; drawing is in
//! [`super::ui`].

use super::keyspec::Keymap;
use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::layout::Rect;

use super::theme::Theme;
use super::view::Sort;
use crate::clipboard::CopyTarget;
use crate::export::ExportFormat;
use crate::mx::authority::AuthorityCheck;
use crate::mx::enforce::Enforce;
use crate::mx::failover::{HostSim, Outages, Simulation};
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
    /// The authoritative servers' answers for a domain; `generation` is the
    /// one its [`Cmd::Authorities`] carried.
    Authorities {
        generation: u64,
        check: Box<AuthorityCheck>,
    },
    /// The security lookups of a domain finished: its report with reverse
    /// DNS, DNSSEC, TLSA, MTA-STS and TLS-RPT filled in and its findings
    /// re-run, or why they cannot run at all (no trusted root certificate,
    /// a bad lab setting; escaped); `generation` is the one its
    /// [`Cmd::Security`] carried.
    Security {
        generation: u64,
        report: Result<Box<MxReport>, String>,
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
    /// A [`Cmd::SaveSnapshot`] finished.
    SnapshotSaved {
        path: String,
        count: usize,
        result: Result<(), SaveFailure>,
    },
    /// A [`Cmd::OpenSnapshot`] finished: the reports, or why not (escaped).
    SnapshotOpened {
        path: String,
        result: Result<Vec<MxReport>, String>,
    },
}

/// Why a snapshot was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveFailure {
    /// The file exists and overwriting was not confirmed.
    Exists,
    /// Anything else, as a message ready to show.
    Other(String),
}

/// Work for the runner.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    /// Look `domain` (parsed, FQDN) up on upstream number `upstream` (an
    /// index into [`App::upstreams`]) and answer with [`Msg::Report`].
    Lookup {
        generation: u64,
        upstream: usize,
        domain: String,
    },
    /// Ask `domain`'s authoritative servers directly and answer with
    /// [`Msg::Authorities`].
    Authorities {
        generation: u64,
        domain: String,
    },
    /// Add the security lookups to `report` (the selected domain's, brought
    /// by the lookup of `generation`) and answer with [`Msg::Security`].
    Security {
        generation: u64,
        report: Box<MxReport>,
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
    /// Give the terminal back and stop until the shell continues us (Ctrl-Z).
    Suspend,
    /// Write `text` (a snapshot of `count` reports) to `path` atomically,
    /// replacing a file only with `overwrite`; answer with [`Msg::SnapshotSaved`].
    SaveSnapshot {
        path: String,
        text: String,
        count: usize,
        overwrite: bool,
    },
    /// Read the snapshot at `path`; answer with [`Msg::SnapshotOpened`].
    OpenSnapshot {
        path: String,
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

    pub(super) fn cycle(self, forward: bool) -> Focus {
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
    /// The selected finding in full (`Enter` in the findings pane).
    Finding {
        scroll: u16,
    },
    /// Typing the `/` filter; `before` comes back on Esc.
    Filter {
        before: String,
    },
    /// The marked domains side by side, aligned by tier (`C`); `column` is
    /// the first domain shown when they do not all fit.
    SideBySide {
        scroll: u16,
        column: usize,
    },
    /// The file name prompt of `s` (save) or `o` (open a snapshot).
    SnapshotPath {
        save: bool,
        text: String,
        error: Option<String>,
    },
    /// `s` met an existing file: replace it (`y`) or keep it.
    Overwrite {
        path: String,
    },
    /// Live answers against the opened snapshot, per domain (`o`).
    SnapshotDiff {
        scroll: u16,
    },
    /// The selected domain's transport security in full (`i`).
    Security {
        scroll: u16,
    },
}

/// A snapshot opened with `o`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedSnapshot {
    /// The path as typed (raw; escaped when shown).
    pub path: String,
    pub reports: Vec<MxReport>,
}

/// One domain in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainEntry {
    /// Parsed: lower-case ASCII with the trailing dot.
    pub name: String,
    /// The latest report; kept (and shown) while a re-query runs.
    pub report: Option<MxReport>,
    /// The generation of the lookup that brought `report` (0: none yet).
    pub report_generation: u64,
    /// The generation of the lookup in flight, if any.
    pub pending: Option<u64>,
    /// What the user marked down (Space), for the failover what-if.
    pub outages: Outages,
    /// The other upstreams' answers when comparing resolvers, in
    /// [`App::upstreams`] order after the primary; empty with one upstream.
    pub others: Vec<Side>,
    /// Marked (`m`) for the side-by-side view (`C`).
    pub marked: bool,
    /// What its authoritative servers answered, once asked (compare view).
    pub authorities: Option<AuthorityCheck>,
    /// The generation of the authoritative check in flight, if any.
    pub authority_pending: Option<u64>,
    /// The report generation whose report holds the security lookups
    /// (reverse DNS, DNSSEC, TLSA, MTA-STS, TLS-RPT), if any.
    pub security: Option<u64>,
    /// The report generation whose security lookups are in flight, if any.
    pub security_pending: Option<u64>,
}

impl DomainEntry {
    /// A domain not looked up yet, with a place for `upstreams` answers.
    pub fn new(name: String, upstreams: usize) -> Self {
        DomainEntry {
            name,
            report: None,
            report_generation: 0,
            pending: None,
            outages: Outages::default(),
            others: vec![Side::default(); upstreams.saturating_sub(1)],
            marked: false,
            authorities: None,
            authority_pending: None,
            security: None,
            security_pending: None,
        }
    }
}

/// The inputs of a failover simulation: the domain, the report (by the
/// generation of the lookup that brought it), the outages and the sender.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SimInputs {
    pub domain: String,
    pub generation: u64,
    /// The report generation whose security lookups the report holds.
    pub security: Option<u64>,
    pub outages: Outages,
    pub profile: Profile,
    pub enforce: Enforce,
    pub dns_down: bool,
}

/// Wrapped text and what it was made from: (simulation run, width).
/// The failover pane's text: (simulation run, width, security state) and
/// its lines.
pub(super) type WrappedText = (
    (u64, usize, crate::tui::security::SecurityState),
    Vec<ratatui::text::Line<'static>>,
);

/// Something `u` puts back.
#[derive(Debug, Clone)]
pub(super) enum Undo {
    /// `d` removed this domain from row `index`.
    Removed {
        index: usize,
        entry: Box<DomainEntry>,
    },
    /// `x` cleared these outages of a domain.
    Cleared { domain: String, outages: Outages },
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
    /// The rows of the domain list: indexes into `domains`, filtered and
    /// sorted (see [`super::view`]); the domain cursor indexes this.
    pub view: Vec<usize>,
    /// The `/` filter (empty: none).
    pub filter: String,
    /// The `S` sort.
    pub sort: Sort,
    /// Reports arrived since the view was made (filtered or sorted only).
    pub(super) view_stale: bool,
    pub focus: Focus,
    pub mode: Mode,
    pub domain_cursor: Cursor,
    pub host_cursor: Cursor,
    pub addr_cursor: Cursor,
    pub finding_cursor: Cursor,
    pub failover_scroll: u16,
    /// The sender the failover pane models (`p` cycles).
    pub profile: Profile,
    /// The transport security the sender enforces (`e` cycles): exchanges
    /// it must refuse count as down in the simulation.
    pub enforce: Enforce,
    /// The domain's authoritative DNS is unreachable (`D` toggles): the
    /// failover pane adds the outage timeline.
    pub dns_down: bool,
    /// The runner can run the security lookups; the selected domain's run
    /// once its report is in (and again after each refresh).
    pub security: bool,
    /// Why the security lookups are off, when [`App::security`] is false
    /// for a reason the user should know.
    pub security_off: Option<String>,
    /// The selected domain's security lookups, waiting for the cursor to
    /// rest: (domain, report generation, ticks left).
    pub(super) security_due: Option<(String, u64, u8)>,
    /// The failover simulation of the selected domain under its outages
    /// (with what the enforcing sender refuses, and the DNS outage, as
    /// `mxlens simulate` gives them), kept in step with the state by
    /// [`App::update`].
    pub simulation: Option<Simulation>,
    /// What [`App::simulation`] was computed from: it is recomputed only
    /// when this changes, not on every redraw.
    pub(super) simulated: Option<SimInputs>,
    /// How many times the simulation ran (the cache's witness in tests).
    pub simulation_runs: u64,
    /// The last scroll offset of the open popup (help, compare, finding)
    /// as it was last drawn: scrolling stops there.
    pub popup_max_scroll: std::cell::Cell<u16>,
    /// The failover text last wrapped, by simulation run and width.
    pub(super) whatif_text: std::cell::RefCell<Option<WrappedText>>,
    /// What `u` can undo, the latest last.
    pub(super) undo: Vec<Undo>,
    /// Where lookups go, e.g. `demo` or `127.0.0.1:5354`; never empty.
    /// The first is the primary, whose reports the panes show; with
    /// several, every domain is looked up on each and they are compared.
    pub upstreams: Vec<String>,
    pub status: Option<Status>,
    /// Spinner frame; advances on [`Msg::Tick`].
    pub spinner: usize,
    pub theme: Theme,
    /// The keys in effect (the defaults with the configuration's overrides):
    /// dispatch, help and hints read it.
    pub keymap: Keymap,
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
    /// The snapshot `o` opened, compared with the live answers.
    pub snapshot: Option<LoadedSnapshot>,
    /// The file name `s` and `o` offer: the last one used.
    pub snapshot_path: String,
    /// The compare view asks the selected domain's authoritative servers
    /// (the runner knows which: given with --authority, or discovered).
    pub authorities: bool,
    /// The domain being watched (`w`), its timeline and clock.
    pub watching: Option<super::watch::Watching>,
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
            view: Vec::new(),
            filter: String::new(),
            sort: Sort::Input,
            view_stale: false,
            focus: Focus::Domains,
            mode: Mode::Normal,
            domain_cursor: Cursor::default(),
            host_cursor: Cursor::default(),
            addr_cursor: Cursor::default(),
            finding_cursor: Cursor::default(),
            failover_scroll: 0,
            profile: Profile::rfc(),
            enforce: Enforce::None,
            dns_down: false,
            security: false,
            security_off: None,
            security_due: None,
            simulation: None,
            simulated: None,
            simulation_runs: 0,
            popup_max_scroll: std::cell::Cell::new(u16::MAX),
            undo: Vec::new(),
            whatif_text: std::cell::RefCell::new(None),
            upstreams,
            status: None,
            spinner: 0,
            theme,
            keymap: Keymap::default(),
            area: Rect::new(0, 0, 80, 24),
            dirty: true,
            last_format: ExportFormat::default(),
            tmux: false,
            tmux_hinted: false,
            snapshot: None,
            snapshot_path: super::snapshots::DEFAULT_PATH.to_string(),
            authorities: false,
            watching: None,
            next_generation: 1,
        };
        let n = app.upstreams.len();
        let mut seen = std::collections::HashSet::new();
        for d in domains {
            if seen.insert(d.clone()) {
                app.domains.push(DomainEntry::new(d, n));
            }
        }
        app.view = (0..app.domains.len()).collect();
        app
    }

    /// Whether something animates (a spinner) or a watch counts down, so
    /// the runner must tick.
    pub fn needs_tick(&self) -> bool {
        self.spinning() || self.watching.is_some() || self.security_due.is_some()
    }

    /// Whether a spinner shows: a lookup, an authoritative check or
    /// security lookups in flight.
    pub fn spinning(&self) -> bool {
        self.domains.iter().any(|d| {
            d.any_pending() || d.authority_pending.is_some() || d.security_pending.is_some()
        })
    }

    /// Whether a lookup or an authoritative check is in flight (security
    /// lookups aside: they follow the selection).
    pub fn lookups_pending(&self) -> bool {
        self.domains
            .iter()
            .any(|d| d.any_pending() || d.authority_pending.is_some())
    }

    pub fn selected_domain(&self) -> Option<&DomainEntry> {
        self.domains
            .get(*self.view.get(self.domain_cursor.selected)?)
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
}

/// How many hosts and addresses are marked down.
pub fn outage_count(o: &Outages) -> usize {
    o.hosts.len() + o.addresses.len()
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

    pub fn step(&mut self, delta: isize, len: usize, view: usize) {
        let i = self.selected.saturating_add_signed(delta);
        self.set(i, len, view);
    }
}

pub use super::standing::{Agreement, Side, Standing};
