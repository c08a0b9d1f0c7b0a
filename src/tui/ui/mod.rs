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
pub mod finding;
pub mod findings;
pub mod help;
pub mod hosts;
pub mod picker;
pub mod security;
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
    Block, BorderType, Borders, Cell, Clear, HighlightSpacing, Paragraph, Row, Table, TableState,
    Wrap,
};

use super::keymap::Action;
use super::layout::{LIST_CHROME, MIN_HEIGHT, MIN_WIDTH, layout};
use super::state::{App, Cursor, Focus, Mode, Standing};
use super::theme::Theme;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let l = layout(area, app);
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
        Mode::Finding { .. } => finding::render(frame, area, app),
        Mode::SideBySide { .. } => sidebyside::render(frame, area, app),
        Mode::SnapshotPath { .. } | Mode::Overwrite { .. } => {
            snapshot::render_prompt(frame, area, app)
        }
        Mode::SnapshotDiff { .. } => snapshot::render(frame, area, app),
        Mode::Security { .. } => security::render(frame, area, app),
        Mode::Normal | Mode::Input { .. } | Mode::Filter { .. } => {}
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

/// A pane's frame for `area`: title (cut with `…` to fit), focus emphasis.
pub fn block(title: Vec<Span<'_>>, pane: Focus, app: &App, area: Rect) -> Block<'static> {
    let focused = app.focus == pane
        && matches!(
            app.mode,
            Mode::Normal | Mode::Input { .. } | Mode::Filter { .. }
        );
    let (style, kind) = if focused {
        (app.theme.border_focused, BorderType::Thick)
    } else {
        (app.theme.border, BorderType::Rounded)
    };
    let title: Vec<Span<'static>> = title
        .into_iter()
        .map(|s| Span::styled(s.content.into_owned(), s.style))
        .collect();
    let room = usize::from(area.width.saturating_sub(4));
    let title = fit_line(Line::from(title), room);
    let mut spans = vec![Span::raw(" ")];
    spans.extend(title.spans);
    spans.push(Span::raw(" "));
    Block::new()
        .borders(Borders::ALL)
        .border_type(kind)
        .border_style(style)
        .title(Line::from(spans).style(app.theme.title))
}

/// The frame of every popup: a double border in the focus colour, the
/// title on top and the key hint at the bottom.
pub fn popup_block(app: &App, title: String, hint: impl Into<String>) -> Block<'static> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(app.theme.border_focused)
        .title(Line::styled(title, app.theme.title))
        .title_bottom(Line::styled(hint.into(), app.theme.dim))
}

/// A scrolling popup over whatever is below it: cleared, framed by
/// [`popup_block`], its text from line `scroll`.
pub fn render_popup(
    frame: &mut Frame,
    rect: Rect,
    block: Block<'static>,
    text: Vec<Line<'static>>,
    scroll: u16,
) {
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(text).block(block).scroll((scroll, 0)), rect);
}

/// The hint of a popup that looks its domains up again:
/// ` <close> or <back> closes · <up>/<down> scroll · <again> looks up again `
/// (the scroll part only when the text is longer than the popup).
pub fn lookup_popup_hint(app: &App, close: Action, again: Action, scrolls: bool) -> String {
    let k = &app.keymap;
    let closes = format!(
        " {} or {} closes · ",
        k.first_key(close),
        k.first_key(Action::Back)
    );
    let again = format!("{} looks up again ", k.first_key(again));
    if scrolls {
        format!(
            "{closes}{}/{} scroll · {again}",
            k.first_key(Action::Up),
            k.first_key(Action::Down)
        )
    } else {
        format!("{closes}{again}")
    }
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

/// Where a list stands, for its bottom border: `3/13`, with `▲` and `▼`
/// when rows are hidden above or below the `view` rows shown.
pub fn list_position(c: Cursor, view: usize, len: usize) -> String {
    let up = if c.offset > 0 { " ▲" } else { "" };
    let down = if c.offset + view < len { " ▼" } else { "" };
    format!(" {}/{len}{up}{down} ", (c.selected + 1).min(len))
}

/// Where a scrolled text stands: `1–12/20 ▼`.
pub fn text_position(scroll: usize, view: usize, len: usize) -> String {
    let up = if scroll > 0 { " ▲" } else { "" };
    let last = (scroll + view).min(len);
    let down = if last < len { " ▼" } else { "" };
    format!(" {}–{last}/{len}{up}{down} ", scroll + 1)
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

/// `line` cut to `width` cells, ending in `…` when something was cut.
pub fn fit_line(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let mut room = width.saturating_sub(1);
    let mut spans = Vec::new();
    let mut last_style = line.style;
    for span in line.spans {
        if room == 0 {
            break;
        }
        let mut kept = String::new();
        for c in span.content.chars() {
            let mut buf = [0u8; 4];
            let w = Span::raw(&*c.encode_utf8(&mut buf)).width();
            if w > room {
                room = 0;
                break;
            }
            room -= w;
            kept.push(c);
        }
        last_style = span.style;
        spans.push(Span::styled(kept, span.style));
    }
    if width > 0 {
        spans.push(Span::styled("…", last_style));
    }
    Line::from(spans).style(line.style)
}

/// Draws a list pane of `len` rows (`row(i)` gives the cells of row `i`)
/// as a table with the pane's selection and scroll. Every
/// cell is cut to its column with `…`; the bottom border says where the
/// selection is and whether rows are hidden (`3/13 ▼`).
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
    header: &[&'static str],
    (len, row): (usize, &dyn Fn(usize) -> Vec<Line<'static>>),
    widths: &[Constraint],
    cursor: Cursor,
) {
    let focused = app.focus == pane;
    let highlight = if focused {
        app.theme.selected
    } else {
        app.theme.selected_unfocused
    };
    let cols = column_widths(area, widths);
    let fitted = |cells: Vec<Line<'static>>| {
        Row::new(
            cells
                .into_iter()
                .zip(&cols)
                .map(|(l, w)| Cell::from(fit_line(l, *w)))
                .collect::<Vec<_>>(),
        )
    };
    let view = usize::from(area.height.saturating_sub(LIST_CHROME));
    let block = if len > 0 && (len > view || len > 1) {
        block.title_bottom(
            Line::styled(list_position(cursor, view, len), app.theme.dim).right_aligned(),
        )
    } else {
        block
    };
    let header = fitted(header.iter().map(|h| Line::from(*h)).collect());
    // Only the rows on screen are built: a list may hold 10,000 domains.
    let first = cursor.offset.min(len);
    let rows: Vec<Row> = (first..(first + view).min(len))
        .map(|i| fitted(row(i)))
        .collect();
    let table = Table::new(rows, widths.iter().copied())
        .header(header.style(app.theme.header))
        .block(block)
        .column_spacing(1)
        .row_highlight_style(highlight)
        .highlight_symbol(MARKER)
        .highlight_spacing(HighlightSpacing::Always);
    let mut state = TableState::new()
        .with_offset(0)
        .with_selected(cursor.selected.checked_sub(first));
    frame.render_stateful_widget(table, area, &mut state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_line_cuts_styled_text_with_an_ellipsis() {
        let l = Line::from(vec![Span::raw("Google "), Span::raw("Workspace")]);
        assert_eq!(fit_line(l.clone(), 9).to_string(), "Google W…");
        assert_eq!(fit_line(l.clone(), 16).to_string(), "Google Workspace");
        assert_eq!(fit_line(l, 1).to_string(), "…");
    }

    #[test]
    fn positions_say_what_is_hidden() {
        let c = Cursor {
            selected: 2,
            offset: 0,
        };
        assert_eq!(list_position(c, 5, 13), " 3/13 ▼ ");
        let c = Cursor {
            selected: 12,
            offset: 8,
        };
        assert_eq!(list_position(c, 5, 13), " 13/13 ▲ ");
        assert_eq!(text_position(0, 10, 25), " 1–10/25 ▼ ");
    }

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
