//! Where every pane goes on the screen: pure geometry, shared by drawing
//! ([`super::ui`]) and by the transition function (page sizes, mouse hits).

use ratatui::layout::{Constraint, Direction, Layout as RLayout, Position, Rect};

use super::state::Focus;

/// Smallest terminal the panes are drawn in.
pub const MIN_WIDTH: u16 = 56;
pub const MIN_HEIGHT: u16 = 15;
/// Rows a list pane spends on its frame and header row.
pub const LIST_CHROME: u16 = 3;

/// Where every pane goes for a terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub domains: Rect,
    pub hosts: Rect,
    pub addresses: Rect,
    pub failover: Rect,
    pub findings: Rect,
    pub status: Rect,
    pub too_small: bool,
}

impl Layout {
    pub fn pane(&self, f: Focus) -> Rect {
        match f {
            Focus::Domains => self.domains,
            Focus::Hosts => self.hosts,
            Focus::Addresses => self.addresses,
            Focus::Failover => self.failover,
            Focus::Findings => self.findings,
        }
    }

    /// The pane under a screen position.
    pub fn pane_at(&self, x: u16, y: u16) -> Option<Focus> {
        if self.too_small {
            return None;
        }
        Focus::ORDER
            .into_iter()
            .find(|f| self.pane(*f).contains(Position { x, y }))
    }
}

/// Splits the terminal into panes (pure; mouse hit-testing uses it too).
pub fn layout(area: Rect) -> Layout {
    let too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
    let [body, status] = RLayout::vertical([Constraint::Min(0), Constraint::Length(2)]).areas(area);
    let [top, mid, bottom] = RLayout::new(
        Direction::Vertical,
        [
            Constraint::Percentage(36),
            Constraint::Percentage(40),
            Constraint::Min(LIST_CHROME + 1),
        ],
    )
    .areas(body);
    let split = |r, left| {
        RLayout::horizontal([Constraint::Percentage(left), Constraint::Fill(1)]).areas::<2>(r)
    };
    let [domains, hosts] = split(top, 40);
    let [addresses, failover] = split(mid, 45);
    Layout {
        domains,
        hosts,
        addresses,
        failover,
        findings: bottom,
        status,
        too_small,
    }
}

/// A popup of up to `max_w` columns and as many rows as `lines` needs,
/// centred in `area` with a margin; the scroll offset is clamped to what the
/// popup can show. Returns the popup, the clamped scroll and whether the
/// text is taller than the popup.
pub fn popup(area: Rect, max_w: u16, lines: usize, scroll: u16) -> (Rect, u16, bool) {
    let want_h = u16::try_from(lines).unwrap_or(u16::MAX).saturating_add(2);
    let w = area.width.saturating_sub(4).min(max_w);
    let h = area.height.saturating_sub(2).min(want_h);
    let rect = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    (rect, scroll.min(want_h.saturating_sub(h)), want_h > h)
}
