//! Moving around: cursors and scrolling, focus, mouse hits. Part of
//! [`App`]'s transition function, split out of app.rs by concern.

use crossterm::event::MouseEvent;

use super::keymap::Action;
use super::layout;
use super::state::{App, Cursor, Focus, Mode};
use super::whatif;

/// Scrolls a popup's text for a key, within `0..=max`; false when the
/// action is not a scroll.
pub(super) fn scroll_popup(scroll: &mut u16, action: Action, max: u16) -> bool {
    const PAGE: u16 = 10;
    *scroll = match action {
        Action::Down => scroll.saturating_add(1),
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll.saturating_add(PAGE),
        Action::PageUp => scroll.saturating_sub(PAGE),
        Action::Top => 0,
        Action::Bottom => max,
        _ => return false,
    }
    .min(max);
    true
}

/// Rows a list pane shows at once in layout `l`.
fn view_in(l: &layout::Layout, pane: Focus) -> usize {
    usize::from(l.pane(pane).height.saturating_sub(layout::LIST_CHROME)).max(1)
}

impl App {
    /// Number of rows in a pane's list.
    pub(super) fn len(&self, pane: Focus) -> usize {
        match pane {
            Focus::Domains => self.view.len(),
            Focus::Hosts => self.selected_report().map_or(0, |r| r.mx.len()),
            Focus::Addresses => self.selected_host().map_or(0, |h| h.addresses.len()),
            Focus::Findings => self.selected_report().map_or(0, |r| r.findings.len()),
            Focus::Failover => 0,
        }
    }

    /// Rows a pane shows at once.
    pub(super) fn view(&self, pane: Focus) -> usize {
        view_in(&layout::layout(self.area, self), pane)
    }

    /// The last scroll offset of the failover text that still fills the
    /// pane: its wrapped rows less the rows the pane shows.
    pub(super) fn failover_max_scroll(&self) -> usize {
        let rect = layout::layout(self.area, self).failover;
        let width = usize::from(rect.width.saturating_sub(2)).max(1);
        let view = usize::from(rect.height.saturating_sub(2));
        whatif::text(self, width).len().saturating_sub(view)
    }

    pub(super) fn step(&mut self, delta: isize) {
        match self.focus {
            Focus::Failover => {
                let max = self.failover_max_scroll();
                let at = usize::from(self.failover_scroll).saturating_add_signed(delta);
                self.failover_scroll = u16::try_from(at.min(max)).unwrap_or(u16::MAX);
            }
            pane => {
                let (len, view) = (self.len(pane), self.view(pane));
                let mut c = *self.cursor(pane);
                c.step(delta, len, view);
                self.set_cursor(pane, c.selected);
            }
        }
    }

    pub(super) fn cursor(&self, pane: Focus) -> &Cursor {
        match pane {
            Focus::Domains => &self.domain_cursor,
            Focus::Hosts => &self.host_cursor,
            Focus::Addresses => &self.addr_cursor,
            Focus::Findings | Focus::Failover => &self.finding_cursor,
        }
    }

    /// Selects row `i` of `pane`, resetting what hangs below it.
    pub(super) fn set_cursor(&mut self, pane: Focus, i: usize) {
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

    pub(super) fn select_domain(&mut self, i: usize) {
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
    pub(super) fn refit(&mut self) {
        let max = self.failover_max_scroll();
        if usize::from(self.failover_scroll) > max {
            self.failover_scroll = u16::try_from(max).unwrap_or(u16::MAX);
        }
        let l = layout::layout(self.area, self);
        for pane in [
            Focus::Domains,
            Focus::Hosts,
            Focus::Addresses,
            Focus::Findings,
        ] {
            let (len, view) = (self.len(pane), view_in(&l, pane));
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

    pub(super) fn mouse(&mut self, m: MouseEvent) {
        use crossterm::event::{MouseButton, MouseEventKind};
        let layout = layout::layout(self.area, self);
        let Some(pane) = layout.pane_at(m.column, m.row) else {
            return;
        };
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if !matches!(self.mode, Mode::Normal) {
                    if matches!(
                        self.mode,
                        Mode::Help { .. }
                            | Mode::Compare { .. }
                            | Mode::Finding { .. }
                            | Mode::SideBySide { .. }
                            | Mode::SnapshotDiff { .. }
                            | Mode::Security { .. }
                    ) {
                        self.mode = Mode::Normal;
                        self.dirty = true;
                    }
                    return;
                }
                self.focus = pane;
                self.dirty = true;
                let rect = layout.pane(pane);
                let first = rect.y + layout::LIST_CHROME - 1;
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
