//! The help overlay, generated from the key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use crate::tui::app::{App, Mode};
use crate::tui::keymap::{BINDINGS, Group};

/// The help text, one line per binding, grouped.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for g in Group::ALL {
        out.push(Line::styled(g.title(), app.theme.header));
        for b in BINDINGS.iter().filter(|b| b.group == g) {
            out.push(Line::from(vec![
                Span::styled(format!("  {:<8}", b.label), app.theme.key),
                Span::raw(b.help),
            ]));
        }
        out.push(Line::from(""));
    }
    out.push(Line::styled("Marks", app.theme.header));
    for (mark, style, what) in [
        ("✓", app.theme.ok, "no finding above info"),
        ("!", app.theme.warning, "a warning"),
        ("✗", app.theme.error, "an error finding"),
        (
            "?",
            app.theme.error,
            "the lookup failed (timeout, SERVFAIL, …)",
        ),
        ("⠋", app.theme.pending, "looking up"),
        ("⇣n", app.theme.warning, "n hosts or addresses marked down"),
    ] {
        out.push(Line::from(vec![
            Span::styled(format!("  {mark:<8}"), style),
            Span::raw(what),
        ]));
    }
    out.push(Line::from(""));
    out.push(Line::styled(
        "Mouse: click a pane or a row, wheel scrolls",
        app.theme.dim,
    ));
    out
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let scroll = match app.mode {
        Mode::Help { scroll } => scroll,
        _ => 0,
    };
    let text = lines(app);
    let want_h = u16::try_from(text.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let w = area.width.saturating_sub(4).min(64);
    let h = area.height.saturating_sub(2).min(want_h);
    let popup = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    let max_scroll = want_h.saturating_sub(h);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(app.theme.border_focused)
        .title(Line::styled(" Help ", app.theme.title))
        .title_bottom(Line::styled(
            " ? or Esc closes · ↑/↓ scroll ",
            app.theme.dim,
        ));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(text)
            .block(block)
            .scroll((scroll.min(max_scroll), 0)),
        popup,
    );
}
