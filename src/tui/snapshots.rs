//! Snapshots in the TUI: `s` saves every domain's reports to a file (the
//! runner writes it atomically and never replaces a file unconfirmed), `o`
//! opens one and shows the live answers against it, per domain. Part of
//! [`App`]'s transition function, split out by concern.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::Action;
use super::state::{App, Cmd, DomainEntry, LoadedSnapshot, Mode, SaveFailure};
use crate::mx::changes::{self, Change, Options};
use crate::mx::escape::visible;
use crate::mx::{MxReport, Outcome};

/// The file name `s` and `o` offer first (in the working directory).
pub const DEFAULT_PATH: &str = "mxlens-snapshot.jsonl";

/// How one listed domain stands against the opened snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Against {
    /// No live answer yet.
    Pending,
    /// The snapshot has no report of the domain.
    NotInSnapshot,
    /// The live lookup failed: whether it changed is not known.
    Unknown(String),
    Same,
    Changed(Vec<Change>),
}

impl App {
    /// `s` / `o`: the file name prompt.
    pub(super) fn open_snapshot_prompt(&mut self, save: bool) {
        self.mode = Mode::SnapshotPath {
            save,
            text: self.snapshot_path.clone(),
            error: None,
        };
    }

    /// Every report the app holds, as `check --format json` would write
    /// them: each domain in list order, every upstream's answer.
    pub fn snapshot_reports(&self) -> Vec<MxReport> {
        self.domains
            .iter()
            .flat_map(|d| (0..d.upstream_count()).filter_map(move |i| d.report_of(i)))
            .cloned()
            .collect()
    }

    fn save_cmd(&mut self, path: String, overwrite: bool) -> Vec<Cmd> {
        let reports = self.snapshot_reports();
        if reports.is_empty() {
            self.say("nothing to save yet: no domain has answered", true);
            return Vec::new();
        }
        self.snapshot_path = path.clone();
        self.say(format!("saving {} …", visible(&path)), false);
        vec![Cmd::SaveSnapshot {
            path,
            text: crate::snapshot_file::to_jsonl(&reports),
            count: reports.len(),
            overwrite,
        }]
    }

    /// Keys in the file name prompt and the overwrite question.
    pub(super) fn snapshot_key(&mut self, k: &KeyEvent) -> Vec<Cmd> {
        self.dirty = true;
        if let Mode::Overwrite { path } = &self.mode {
            let path = path.clone();
            self.mode = Mode::Normal;
            return match k.code {
                KeyCode::Char('y') => self.save_cmd(path, true),
                _ => {
                    self.say(format!("kept {}: nothing written", visible(&path)), false);
                    Vec::new()
                }
            };
        }
        let Mode::SnapshotPath { save, text, error } = &mut self.mode else {
            return Vec::new();
        };
        match k.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                self.say("cancelled", false);
            }
            KeyCode::Enter => {
                let path = text.trim().to_string();
                if path.is_empty() {
                    *error = Some("give a file name".into());
                    return Vec::new();
                }
                let save = *save;
                self.mode = Mode::Normal;
                if save {
                    return self.save_cmd(path, false);
                }
                self.snapshot_path = path.clone();
                self.say(format!("opening {} …", visible(&path)), false);
                return vec![Cmd::OpenSnapshot { path }];
            }
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
                if text.chars().count() < 4096 {
                    text.push(c);
                }
                *error = None;
            }
            _ => self.dirty = false,
        }
        Vec::new()
    }

    /// The runner wrote (or did not write) a snapshot.
    pub(super) fn snapshot_saved(
        &mut self,
        path: String,
        count: usize,
        result: Result<(), SaveFailure>,
    ) {
        self.dirty = true;
        match result {
            Ok(()) => {
                let pending = self.domains.iter().filter(|d| d.report.is_none()).count();
                let mut msg = format!(
                    "saved {count} report{} to {}",
                    if count == 1 { "" } else { "s" },
                    visible(&path)
                );
                if pending > 0 {
                    msg.push_str(&format!(" ({pending} still looking up, not in it)"));
                }
                self.say(msg, false);
            }
            Err(SaveFailure::Exists) => self.mode = Mode::Overwrite { path },
            Err(SaveFailure::Other(e)) => self.say(e, true),
        }
    }

    /// The runner read a snapshot: domains it has that the list lacks are
    /// added (and looked up), then the comparison opens.
    pub(super) fn snapshot_opened(
        &mut self,
        path: String,
        result: Result<Vec<MxReport>, String>,
    ) -> Vec<Cmd> {
        self.dirty = true;
        let reports = match result {
            Ok(r) => r,
            Err(e) => {
                self.say(e, true);
                return Vec::new();
            }
        };
        let mut cmds = Vec::new();
        let mut added = 0;
        for r in &reports {
            if !self.domains.iter().any(|d| d.name == r.domain) {
                self.domains
                    .push(DomainEntry::new(r.domain.clone(), self.upstreams.len()));
                cmds.extend(self.lookup(self.domains.len() - 1));
                added += 1;
            }
        }
        let mut msg = format!(
            "opened {} ({} report{})",
            visible(&path),
            reports.len(),
            if reports.len() == 1 { "" } else { "s" }
        );
        if added > 0 {
            msg.push_str(&format!("; added {added} domain(s) it holds"));
        }
        self.say(msg, false);
        self.snapshot = Some(LoadedSnapshot { path, reports });
        self.mode = Mode::SnapshotDiff { scroll: 0 };
        self.refit();
        cmds
    }

    /// Every listed domain against the opened snapshot (TTLs ignored: a
    /// caching resolver counts them down), in list order.
    pub fn against_snapshot(&self) -> Vec<(String, Against)> {
        let Some(snap) = &self.snapshot else {
            return Vec::new();
        };
        let primary = &self.upstreams[0];
        self.domains
            .iter()
            .map(|d| {
                let all: Vec<&MxReport> =
                    snap.reports.iter().filter(|r| r.domain == d.name).collect();
                let old = all
                    .iter()
                    .find(|r| &r.resolver == primary)
                    .or(all.first())
                    .copied();
                let state = match (old, &d.report) {
                    (None, _) => Against::NotInSnapshot,
                    (Some(_), None) => Against::Pending,
                    (Some(old), Some(now))
                        if now.outcome == Outcome::Error
                            && (old.outcome != Outcome::Error || old.error != now.error) =>
                    {
                        Against::Unknown(
                            now.error
                                .as_ref()
                                .map_or("error", |e| e.as_str())
                                .to_string(),
                        )
                    }
                    (Some(old), Some(now)) => {
                        let c = changes::classify(old, now, Options { ttls: false });
                        if c.is_empty() {
                            Against::Same
                        } else {
                            Against::Changed(c)
                        }
                    }
                };
                (d.name.clone(), state)
            })
            .collect()
    }

    /// Keys while the snapshot comparison is open.
    pub(super) fn snapshot_diff_key(&mut self, k: &KeyEvent) -> Vec<Cmd> {
        let Mode::SnapshotDiff { scroll } = &mut self.mode else {
            return Vec::new();
        };
        let cmds = match self.keymap.action_for(k) {
            Some(Action::OpenSnapshot | Action::Back) => {
                self.mode = Mode::Normal;
                Vec::new()
            }
            Some(Action::Down) => {
                *scroll = scroll.saturating_add(1);
                Vec::new()
            }
            Some(Action::Up) => {
                *scroll = scroll.saturating_sub(1);
                Vec::new()
            }
            Some(Action::Top) => {
                *scroll = 0;
                Vec::new()
            }
            Some(Action::RequeryAll) => self.requery_all(),
            Some(Action::Quit) => return vec![Cmd::Quit],
            _ => return Vec::new(),
        };
        self.dirty = true;
        cmds
    }
}
