//! The copy format picker (`Y`): a small list over the panes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::{MARKER, esc};
use crate::export::{ExportFormat, Selection};
use crate::tui::app::{App, Mode};

/// What each format is for, one line.
pub fn describe(f: ExportFormat) -> &'static str {
    match f {
        ExportFormat::Zone => "master-file lines (MX, A, AAAA)",
        ExportFormat::Dig => "dig commands against the same upstream",
        ExportFormat::Json => "the report contract, or the selected part",
        ExportFormat::Csv => "one row per address, for spreadsheets",
        ExportFormat::Markdown => "a table for tickets and chat",
        ExportFormat::Text => "plain text, as shown",
    }
}

/// "healthy.example.", "host mx1.healthy.example.", "address 192.0.2.10".
pub fn what(app: &App) -> String {
    match app.selection() {
        Some(Selection::Report(r)) => esc(&r.domain).into_owned(),
        Some(Selection::Host(r, h)) => format!("host {}", esc(&r.mx[h].exchange)),
        Some(Selection::Address(r, h, a)) => format!("address {}", r.mx[h].addresses[a].ip),
        None => String::new(),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Mode::Picker { selected } = app.mode else {
        return;
    };
    let mut lines = Vec::new();
    for (i, f) in ExportFormat::all().iter().enumerate() {
        let chosen = i == selected;
        let style = if chosen {
            app.theme.selected
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(vec![
            Span::raw(if chosen { MARKER } else { " " }),
            Span::styled(format!("{:<9}", f.name()), style.patch(app.theme.key)),
            Span::styled(describe(*f), style),
        ]));
    }
    let w = area.width.saturating_sub(4).min(52);
    let h = area.height.saturating_sub(2).min(lines.len() as u16 + 2);
    let popup = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(app.theme.border_focused)
        .title(Line::styled(
            format!(" Copy {} as … ", what(app)),
            app.theme.title,
        ))
        .title_bottom(Line::styled(" Enter copies · Esc cancels ", app.theme.dim));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
