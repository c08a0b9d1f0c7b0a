//! Drawing: one pure `render(frame, area, app)` per pane.
//!
//! ```text
//! ┌ Domains ──────────┐┌ MX hosts · a.test. ────────────────┐  36%
//! │▶✓ a.test.  mx   2 ││▶  10 ┐ mx1.a.test.  300  2  up     │
//! │ ! b.test.  mx   1 ││   10 ┘ mx2.a.test.  300  1  DOWN   │
//! └───────────────────┘└────────────────────────────────────┘
//! ┌ Addresses ────────┐┌ Failover · profile rfc ────────────┐  40%
//! │▶192.0.2.10  IPv4  ││ delivered: mx1.a.test. takes all … │
//! └───────────────────┘└────────────────────────────────────┘
//! ┌ Findings ──────────────────────────────────────────────┐  rest
//! │▶! warning  no-ipv6  no exchange has an AAAA address    │
//! └────────────────────────────────────────────────────────┘
//!  upstream · counts │ last message                            2 rows
//!  key hints (or the add-domain prompt)
//! ```
//!
//! Overlays (help, the copy format picker, the compare view, the add-domain
//! prompt) sit on top. Everything that came off the wire goes through
//! [`esc`] before it reaches a cell.

pub mod addresses;
pub mod compare;
pub mod domains;
pub mod failover;
pub mod findings;
pub mod help;
pub mod hosts;
pub mod picker;
pub mod sidebyside;
pub mod snapshot;
pub mod sources;
pub mod status;

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout as RLayout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, BorderType, Borders, HighlightSpacing, Paragraph, Row, Table, TableState, Wrap,
};

use super::keymap::Action;
use super::layout::{MIN_HEIGHT, MIN_WIDTH, layout};
use super::state::{App, Cursor, Focus, Mode, Standing};
use super::theme::Theme;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let l = layout(area);
    if l.too_small {
        too_small(frame, area, app);
        return;
    }
    domains::render(frame, l.domains, app);
    hosts::render(frame, l.hosts, app);
    addresses::render(frame, l.addresses, app);
    failover::render(frame, l.failover, app);
    findings::render(frame, l.findings, app);
    status::render(frame, l.status, app);
    match app.mode {
        Mode::Help { .. } => help::render(frame, area, app),
        Mode::Picker { .. } => picker::render(frame, area, app),
        Mode::Compare { .. } => compare::render(frame, area, app),
        Mode::SideBySide { .. } => sidebyside::render(frame, area, app),
        Mode::SnapshotPath { .. } | Mode::Overwrite { .. } => {
            snapshot::render_prompt(frame, area, app)
        }
        Mode::SnapshotDiff { .. } => snapshot::render(frame, area, app),
        Mode::Normal | Mode::Input { .. } => {}
    }
}

fn too_small(frame: &mut Frame, area: Rect, app: &App) {
    let text = vec![
        Line::from("terminal too small"),
        Line::from(format!(
            "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
            area.width, area.height
        )),
        Line::from(format!(
            "enlarge it, or press {} to quit",
            app.keymap.first_key(Action::Quit)
        )),
    ];
    let top = area.height.saturating_sub(3) / 2;
    let inner = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        inner,
    );
}

/// The width of each column of a [`table`] drawn in `area`, as ratatui's
/// `Table` lays them out (borders and the selection marker taken off).
pub fn column_widths(area: Rect, widths: &[Constraint]) -> Vec<usize> {
    let inner = Rect::new(0, 0, area.width.saturating_sub(2), 1);
    let marker = u16::try_from(MARKER.chars().count()).unwrap_or(1);
    let [_, columns] =
        RLayout::horizontal([Constraint::Length(marker), Constraint::Fill(0)]).areas(inner);
    RLayout::horizontal(widths.iter().copied())
        .flex(ratatui::layout::Flex::Start)
        .spacing(1)
        .split(columns)
        .iter()
        .map(|r| usize::from(r.width))
        .collect()
}

/// `s` cut to `width` characters, ending in `…` when something was cut, so
/// a shortened name never passes for a whole one.
pub fn fit(s: &str, width: usize) -> Cow<'_, str> {
    if s.chars().count() <= width {
        return Cow::Borrowed(s);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    Cow::Owned(out)
}

/// Wire data made safe for the terminal (control characters as `\DDD`).
pub fn esc(s: &str) -> Cow<'_, str> {
    crate::mx::escape::visible(s)
}

/// A pane's frame: title, focus emphasis.
pub fn block<'a>(title: Vec<Span<'a>>, pane: Focus, app: &App) -> Block<'a> {
    let focused = app.focus == pane && matches!(app.mode, Mode::Normal | Mode::Input { .. });
    let (style, kind) = if focused {
        (app.theme.border_focused, BorderType::Thick)
    } else {
        (app.theme.border, BorderType::Rounded)
    };
    let mut spans = vec![Span::raw(" ")];
    spans.extend(title);
    spans.push(Span::raw(" "));
    Block::new()
        .borders(Borders::ALL)
        .border_type(kind)
        .border_style(style)
        .title(Line::from(spans).style(app.theme.title))
}

/// A one-line note in the middle of an otherwise empty pane.
pub fn note(frame: &mut Frame, area: Rect, block: Block, text: Line) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let y = inner.y + inner.height.saturating_sub(1) / 2;
    let row = Rect {
        y,
        height: inner.height.min(1),
        ..inner
    };
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        row,
    );
}

/// The braille spinner frame for a tick count.
pub fn spinner(tick: usize) -> &'static str {
    const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    FRAMES[tick % FRAMES.len()]
}

/// How a domain's standing reads on screen: the mark column and the counts.
impl Standing {
    /// A glyph that reads without colour.
    pub fn mark(self, tick: usize) -> &'static str {
        match self {
            Standing::Pending => spinner(tick),
            Standing::Ok => "✓",
            Standing::Warning => "!",
            Standing::Error => "✗",
            Standing::Failed => "?",
        }
    }

    pub fn style(self, t: &Theme) -> Style {
        match self {
            Standing::Pending => t.pending,
            Standing::Ok => t.ok,
            Standing::Warning => t.warning,
            Standing::Error | Standing::Failed => t.error,
        }
    }
}

/// The selection marker column shared by every list.
pub const MARKER: &str = "▶";

/// Draws a list pane as a table with the pane's selection and scroll.
#[expect(
    clippy::too_many_arguments,
    reason = "one call shape shared by every list pane"
)]
pub fn table(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    pane: Focus,
    block: Block,
    header: Row,
    rows: Vec<Row>,
    widths: &[Constraint],
    cursor: Cursor,
) {
    let focused = app.focus == pane;
    let highlight = if focused {
        app.theme.selected
    } else {
        app.theme.selected_unfocused
    };
    let table = Table::new(rows, widths.iter().copied())
        .header(header.style(app.theme.header))
        .block(block)
        .column_spacing(1)
        .row_highlight_style(highlight)
        .highlight_symbol(MARKER)
        .highlight_spacing(HighlightSpacing::Always);
    let mut state = TableState::new()
        .with_offset(cursor.offset)
        .with_selected(Some(cursor.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_marks_what_it_cuts() {
        assert_eq!(fit("healthy.example.", 16), "healthy.example.");
        assert_eq!(fit("healthy.example.", 15), "healthy.exampl…");
        assert_eq!(fit("abc", 1), "…");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn column_widths_match_the_table_layout() {
        // 32 wide: 2 borders, 1 marker, 3 spaces, 1 + 8 + 2 fixed: 15 left.
        let widths = [
            Constraint::Length(1),
            Constraint::Fill(2),
            Constraint::Length(8),
            Constraint::Length(2),
        ];
        assert_eq!(
            column_widths(Rect::new(0, 0, 32, 10), &widths),
            [1, 15, 8, 2]
        );
    }
}
