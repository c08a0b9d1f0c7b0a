//! Marking domains (`m`) and the side-by-side view of the marked ones
//! (`C`), aligned by tier as `mxlens compare` does. Part of [`App`]'s
//! transition function, split out by concern.

use crossterm::event::{KeyCode, KeyEvent};

use super::keymap::Action;
use super::state::{App, Cmd, Mode};
use crate::mx::MxReport;
use crate::mx::sidebyside::{SideBySide, align};

impl App {
    /// `m`: marks or unmarks the selected domain.
    pub(super) fn toggle_mark(&mut self) {
        let Some(d) = self.selected_index().and_then(|i| self.domains.get_mut(i)) else {
            let add = self.keymap.first_key(Action::Add);
            self.say(format!("no domain to mark: press {add} to add one"), true);
            return;
        };
        d.marked = !d.marked;
        let (name, now) = (esc(&d.name), d.marked);
        let n = self.domains.iter().filter(|d| d.marked).count();
        let msg = if now {
            format!("marked {name} ({n} marked; C shows them side by side)")
        } else {
            format!("unmarked {name} ({n} marked)")
        };
        self.say(msg, false);
    }

    /// The marked domains' reports, in list order; domains still being
    /// looked up for the first time have none yet and are left out.
    pub fn marked_reports(&self) -> Vec<&MxReport> {
        self.domains
            .iter()
            .filter(|d| d.marked)
            .filter_map(|d| d.report.as_ref())
            .collect()
    }

    /// The marked domains aligned by tier, once two have answered.
    pub fn side_by_side(&self) -> Option<SideBySide> {
        let reports: Vec<MxReport> = self.marked_reports().into_iter().cloned().collect();
        (reports.len() >= 2).then(|| align(&reports))
    }

    /// `C`: opens the side-by-side view.
    pub(super) fn open_side_by_side(&mut self) {
        let marked = self.domains.iter().filter(|d| d.marked).count();
        if marked < 2 {
            self.say(
                format!(
                    "mark two or more domains with m first ({marked} marked), then C aligns them"
                ),
                true,
            );
        } else if self.marked_reports().len() < 2 {
            self.say("the marked domains are still being looked up", true);
        } else {
            self.mode = Mode::SideBySide {
                scroll: 0,
                column: 0,
            };
        }
    }

    /// Keys while the side-by-side view is open.
    pub(super) fn side_by_side_key(&mut self, k: &KeyEvent) -> Vec<Cmd> {
        let n = self.marked_reports().len();
        let Mode::SideBySide { scroll, column } = &mut self.mode else {
            return Vec::new();
        };
        match k.code {
            KeyCode::Left | KeyCode::Char('h') => *column = column.saturating_sub(1),
            KeyCode::Right | KeyCode::Char('l') => *column = (*column + 1).min(n.saturating_sub(1)),
            _ => match self.keymap.action_for(k) {
                Some(Action::SideBySide | Action::Back) => self.mode = Mode::Normal,
                Some(Action::Down) => *scroll = scroll.saturating_add(1),
                Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                Some(Action::Top) => *scroll = 0,
                Some(Action::Quit) => return vec![Cmd::Quit],
                Some(Action::RequeryAll) => {
                    self.dirty = true;
                    return self.requery_all();
                }
                _ => return Vec::new(),
            },
        }
        self.dirty = true;
        Vec::new()
    }
}

fn esc(s: &str) -> String {
    crate::mx::escape::visible(s).into_owned()
}
