//! What the domain list knows of each domain beyond its report: the other
//! upstreams' answers ([`Side`]), whether they agree ([`Agreement`]) and
//! how the domain stands ([`Standing`]). Re-exported by [`super::state`].

use super::state::DomainEntry;
use crate::mx::diff::Change;
use crate::mx::{MxReport, Outcome, Severity};

/// What one upstream other than the primary answered for a domain.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Side {
    /// The latest report; kept while a re-query runs.
    pub report: Option<MxReport>,
    /// The generation of the lookup in flight, if any.
    pub pending: Option<u64>,
    /// How `report` differs from the primary's, TTLs ignored; `None` until
    /// both are in.
    pub changes: Option<Vec<Change>>,
    /// When this upstream or the primary gave no answer: which one, and the
    /// error. Nothing is known then, so nothing is said to differ.
    pub unknown: Option<(String, String)>,
}

/// Whether a domain's upstreams agree, for the domains pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// One upstream: nothing to compare.
    Single,
    /// Not every upstream has answered the latest lookup.
    Pending { answered: usize, total: usize },
    /// Every upstream gave the primary's answer (TTLs aside).
    Agree,
    /// This many upstreams answered differently from the primary.
    Differ(usize),
    /// None differs, but this many could not be compared: they (or the
    /// primary) gave no answer.
    Unknown(usize),
}

impl DomainEntry {
    /// How many upstreams the domain is looked up on.
    pub fn upstream_count(&self) -> usize {
        1 + self.others.len()
    }

    /// Upstream `i`'s latest report (0 is the primary).
    pub fn report_of(&self, i: usize) -> Option<&MxReport> {
        match i {
            0 => self.report.as_ref(),
            _ => self.others.get(i - 1)?.report.as_ref(),
        }
    }

    /// The generation upstream `i` is still answering, if any.
    pub fn pending_of(&self, i: usize) -> Option<u64> {
        match i {
            0 => self.pending,
            _ => self.others.get(i - 1)?.pending,
        }
    }

    /// Upstream `i`'s differences from the primary (`None` for the primary
    /// itself, or while one of the two reports is missing).
    pub fn changes_of(&self, i: usize) -> Option<&[Change]> {
        match i {
            0 => None,
            _ => self.others.get(i - 1)?.changes.as_deref(),
        }
    }

    /// Whether any upstream is still looking the domain up.
    pub fn any_pending(&self) -> bool {
        self.pending.is_some() || self.others.iter().any(|s| s.pending.is_some())
    }

    pub fn agreement(&self) -> Agreement {
        let total = self.upstream_count();
        if total == 1 {
            return Agreement::Single;
        }
        let answered = (0..total)
            .filter(|i| self.pending_of(*i).is_none() && self.report_of(*i).is_some())
            .count();
        if answered < total {
            return Agreement::Pending { answered, total };
        }
        let differ = self
            .others
            .iter()
            .filter(|s| s.changes.as_ref().is_some_and(|c| !c.is_empty()))
            .count();
        let unknown = self.others.iter().filter(|s| s.unknown.is_some()).count();
        match (differ, unknown) {
            (0, 0) => Agreement::Agree,
            (0, n) => Agreement::Unknown(n),
            (n, _) => Agreement::Differ(n),
        }
    }

    /// The error of the first upstream that gave no answer, for the `?`
    /// mark (`timeout`, `servfail`, …).
    pub fn unknown_error(&self) -> Option<&str> {
        self.others
            .iter()
            .find_map(|s| s.unknown.as_ref().map(|(_, e)| e.as_str()))
    }
}

/// How a domain stands, for the mark column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Pending,
    Ok,
    Warning,
    Error,
    /// The lookup itself failed (timeout, SERVFAIL, …).
    Failed,
}

impl Standing {
    pub fn of(entry: &DomainEntry) -> Standing {
        match &entry.report {
            _ if entry.pending.is_some() => Standing::Pending,
            None => Standing::Pending,
            Some(r) if r.outcome == Outcome::Error => Standing::Failed,
            Some(r) => match r.worst_severity() {
                Some(Severity::Error) => Standing::Error,
                Some(Severity::Warning) => Standing::Warning,
                _ => Standing::Ok,
            },
        }
    }
}
