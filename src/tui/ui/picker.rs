//! The copy format picker (`Y`): a small list over the panes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{MARKER, esc};
use crate::export::{ExportFormat, Selection};
use crate::tui::keymap::Action;
use crate::tui::state::{App, Mode};

/// What each format is for, a few words: with the marker and the name
/// column they fit the picker whole from 40 columns up ([`DESCRIBE_MAX`]).
pub fn describe(f: ExportFormat) -> &'static str {
    match f {
        ExportFormat::Zone => "master-file records",
        ExportFormat::Dig => "repeat the lookup",
        ExportFormat::Json => "report/v1 object",
        ExportFormat::Csv => "rows for spreadsheets",
        ExportFormat::Markdown => "table for tickets, chat",
        ExportFormat::Text => "plain text, as shown",
    }
}

/// The longest description that fits at 40 columns: the popup leaves 2
/// columns either side, its frame 2, the marker 1 and the name column 9.
pub const DESCRIBE_MAX: usize = 40 - 4 - 2 - 1 - NAME_WIDTH;

/// The name column: the longest name (`markdown`) and a space.
const NAME_WIDTH: usize = 9;

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
            Span::styled(
                format!("{:<NAME_WIDTH$}", f.name()),
                style.patch(app.theme.key),
            ),
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
    let hint = format!(
        " {} copies · {} cancels ",
        app.keymap.first_key(Action::Enter),
        app.keymap.first_key(Action::Back)
    );
    let block = super::popup_block(app, format!(" Copy {} as … ", what(app)), hint);
    super::render_popup(frame, popup, block, lines, 0);
}
