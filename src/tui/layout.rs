//! Where every pane goes on the screen: pure geometry, shared by drawing
//! ([`super::ui`]) and by the transition function (page sizes, mouse hits).

use ratatui::layout::{Constraint, Direction, Layout as RLayout, Position, Rect};

use super::state::{App, Focus};
use super::whatif;

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

/// Rows each band of panes would use to show all it holds, frames and
/// headers included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    /// Domains and MX hosts, side by side.
    pub top: u16,
    /// Addresses and the failover what-if, side by side.
    pub mid: u16,
    pub findings: u16,
}

/// Smallest band heights: a frame and two rows.
const MIN_BAND: u16 = 5;
/// Smallest findings pane: a frame around a one-line note.
const MIN_FINDINGS: u16 = 3;

/// The two side-by-side splits: (domains | hosts), (addresses | failover).
fn columns(band: Rect, left: u16) -> [Rect; 2] {
    RLayout::horizontal([Constraint::Percentage(left), Constraint::Fill(1)]).areas(band)
}

/// Where the panes go for `app` in `area`: each band takes the rows its
/// content needs, up to its share of the screen (36 %, 40 %, the rest),
/// and rows a band does not need go to the others, the domain list first.
pub fn layout(area: Rect, app: &App) -> Layout {
    let [_, failover] = columns(Rect { height: 1, ..area }, 45);
    split(area, needs(app, failover.width.saturating_sub(2)))
}

fn rows(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// What `app` shows, in rows, with the failover pane `failover_w` wide inside.
pub fn needs(app: &App, failover_w: u16) -> Needs {
    let report = app.selected_report();
    let hosts = report.map_or(1, |r| r.mx.len().max(1));
    let top = app.view.len().max(1).max(hosts);
    let addresses = app.selected_host().map_or(1, |h| h.addresses.len().max(1));
    let failover = whatif::text(app, usize::from(failover_w).max(1))
        .len()
        .max(1);
    let findings = report.map_or(0, |r| r.findings.len());
    Needs {
        top: rows(top).saturating_add(LIST_CHROME),
        mid: rows(addresses)
            .saturating_add(LIST_CHROME)
            .max(rows(failover).saturating_add(2)),
        findings: if findings == 0 {
            MIN_FINDINGS
        } else {
            rows(findings).saturating_add(LIST_CHROME)
        },
    }
}

/// Splits `area` into panes for content that needs `needs` rows.
pub fn split(area: Rect, needs: Needs) -> Layout {
    let too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
    let [body, status] = RLayout::vertical([Constraint::Min(0), Constraint::Length(2)]).areas(area);
    let h = body.height;
    let share = |pct: u32| u16::try_from(u32::from(h) * pct / 100).unwrap_or(h);
    let (top_share, mid_share) = (share(36), share(40));
    let find_share = h.saturating_sub(top_share + mid_share);
    let mut mid = needs.mid.clamp(MIN_BAND, mid_share.max(MIN_BAND));
    let mut find = needs
        .findings
        .clamp(MIN_FINDINGS, find_share.max(MIN_FINDINGS));
    let mut top = h.saturating_sub(mid + find);
    // Rows the top band does not need go to the failover pane, then to the
    // findings; whatever is left stays with the lists.
    let mut spare = top.saturating_sub(needs.top.max(MIN_BAND));
    let give = needs.mid.saturating_sub(mid).min(spare);
    mid += give;
    spare -= give;
    find += needs.findings.saturating_sub(find).min(spare);
    top = h.saturating_sub(mid + find);
    // Too short for every band's minimum: the findings, then the middle
    // band give way.
    if top < MIN_BAND {
        let short = MIN_BAND - top;
        let from_find = short.min(find.saturating_sub(MIN_FINDINGS));
        find -= from_find;
        mid -= (short - from_find).min(mid.saturating_sub(MIN_BAND));
        top = h.saturating_sub(mid + find);
    }
    let [top_r, mid_r, bottom] = RLayout::new(
        Direction::Vertical,
        [
            Constraint::Length(top),
            Constraint::Length(mid),
            Constraint::Length(find),
        ],
    )
    .areas(body);
    let [domains, hosts] = columns(top_r, 40);
    let [addresses, failover] = columns(mid_r, 45);
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

/// The last scroll offset at which `lines` rows still fill `rect` (framed).
pub fn popup_max_scroll(lines: usize, rect: Rect) -> u16 {
    let lines = u16::try_from(lines).unwrap_or(u16::MAX);
    lines.saturating_sub(rect.height.saturating_sub(2))
}
