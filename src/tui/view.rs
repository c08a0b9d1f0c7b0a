//! Which domains the list shows, in which order: the `/` filter (a
//! substring of the name, a provider, the outcome or a finding code) and
//! the `S` sort (input order, name, worst finding, provider). Part of
//! [`App`]'s transition function, split out by concern.
//!
//! [`App::view`] holds indexes into [`App::domains`]; the domain cursor
//! indexes the view. With no filter and input order the view is every
//! domain in order, and a report arriving changes nothing; otherwise an
//! arriving report marks the view stale and the next key or tick redoes
//! it, so a flood of reports costs one pass, not one per report.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::{App, Cmd, Cursor, DomainEntry, Focus, Mode, Standing};
use crate::mx::Severity;
use crate::text::report::outcome_words;

/// The order of the domain list (`S` cycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// As given on the command line and added.
    #[default]
    Input,
    Name,
    /// Errors first, then failed lookups, warnings, pending, fine.
    Worst,
    Provider,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Input => Sort::Name,
            Sort::Name => Sort::Worst,
            Sort::Worst => Sort::Provider,
            Sort::Provider => Sort::Input,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Input => "input order",
            Sort::Name => "name",
            Sort::Worst => "worst finding",
            Sort::Provider => "provider",
        }
    }
}

/// Whether `d` matches `needle` (lower case): its name, a provider, its
/// outcome or one of its finding codes contains it.
pub fn matches(d: &DomainEntry, needle: &str) -> bool {
    if needle.is_empty() || d.name.contains(needle) {
        return true;
    }
    let Some(r) = &d.report else {
        return "looking up".contains(needle);
    };
    outcome_words(r).contains(needle)
        || r.mx.iter().any(|h| {
            h.provider
                .as_deref()
                .is_some_and(|p| p.to_lowercase().contains(needle))
        })
        || r.findings.iter().any(|f| f.code.contains(needle))
}

/// How bad a domain stands, worst first.
fn badness(d: &DomainEntry) -> u8 {
    match Standing::of(d) {
        Standing::Error => 0,
        Standing::Failed => 1,
        Standing::Warning => 2,
        Standing::Pending => 3,
        Standing::Ok => 4,
    }
}

fn first_provider(d: &DomainEntry) -> String {
    d.report
        .as_ref()
        .and_then(|r| r.mx.iter().find_map(|h| h.provider.clone()))
        .map(|p| p.to_lowercase())
        .unwrap_or_default()
}

impl App {
    /// Whether the list shows every domain in input order.
    pub fn view_is_plain(&self) -> bool {
        self.filter.is_empty() && self.sort == Sort::Input
    }

    /// The index in [`App::domains`] of the selected row.
    pub fn selected_index(&self) -> Option<usize> {
        self.view.get(self.domain_cursor.selected).copied()
    }

    /// The row of the list that shows domain `i`, if it shows.
    pub fn position_of(&self, i: usize) -> Option<usize> {
        if self.view_is_plain() {
            return (i < self.view.len()).then_some(i);
        }
        self.view.iter().position(|&v| v == i)
    }

    /// Redoes the view after the domains, the filter or the sort changed,
    /// keeping the selected domain selected while it still shows.
    pub(super) fn refilter(&mut self) {
        let selected = self.selected_index();
        self.view_stale = false;
        if self.view_is_plain() {
            self.view = (0..self.domains.len()).collect();
        } else {
            let needle = self.filter.to_lowercase();
            let mut view: Vec<usize> = (0..self.domains.len())
                .filter(|&i| matches(&self.domains[i], &needle))
                .collect();
            let d = &self.domains;
            match self.sort {
                Sort::Input => {}
                Sort::Name => view.sort_by(|&a, &b| d[a].name.cmp(&d[b].name)),
                Sort::Worst => view.sort_by_key(|&i| (badness(&d[i]), worst_count(&d[i]))),
                Sort::Provider => view.sort_by_cached_key(|&i| {
                    let p = first_provider(&d[i]);
                    (p.is_empty(), p, d[i].name.clone())
                }),
            }
            self.view = view;
        }
        let keep = selected.and_then(|i| self.position_of(i)).unwrap_or(0);
        let same = selected.is_some() && selected == self.view.get(keep).copied();
        let (len, rows) = (self.view.len(), self.view(Focus::Domains));
        self.domain_cursor.set(keep, len, rows);
        if !same {
            self.host_cursor = Cursor::default();
            self.addr_cursor = Cursor::default();
            self.finding_cursor = Cursor::default();
            self.failover_scroll = 0;
        }
        self.dirty = true;
    }

    /// What the status bar says about the filter and the sort, if either
    /// is not the default.
    pub fn view_summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.filter.is_empty() {
            parts.push(format!(
                "filter \"{}\": {} of {}",
                crate::mx::escape::visible(&self.filter),
                self.view.len(),
                self.domains.len()
            ));
        }
        if self.sort != Sort::Input {
            parts.push(format!("sorted by {}", self.sort.label()));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

impl App {
    /// Keys while typing the filter: it applies as it is typed; Enter
    /// keeps it, Esc puts back the one before.
    pub(super) fn filter_key(&mut self, k: KeyEvent) -> Vec<Cmd> {
        let Mode::Filter { before } = &self.mode else {
            return Vec::new();
        };
        match k.code {
            KeyCode::Esc => {
                self.filter = before.clone();
                self.mode = Mode::Normal;
            }
            KeyCode::Enter => {
                self.mode = Mode::Normal;
                if !self.filter.is_empty() {
                    let n = self.view.len();
                    let s = if n == 1 { "" } else { "s" };
                    let msg = format!("{n} domain{s} match; Esc in the list clears the filter");
                    self.say(msg, false);
                }
            }
            KeyCode::Backspace => {
                self.filter.pop();
            }
            KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                self.filter.clear();
            }
            KeyCode::Char(c)
                if !k
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    && self.filter.len() < 256 =>
            {
                self.filter.push(c);
            }
            _ => return Vec::new(),
        }
        self.refilter();
        Vec::new()
    }
}

/// More errors sort first among equals.
fn worst_count(d: &DomainEntry) -> std::cmp::Reverse<usize> {
    std::cmp::Reverse(d.report.as_ref().map_or(0, |r| {
        r.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }))
}
