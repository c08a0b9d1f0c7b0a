//! The selected finding in full (`Enter` in the findings pane): severity,
//! code, message, subject and RFC reference, wrapped, over the panes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::esc;
use crate::mx::Finding;
use crate::tui::layout::{popup, popup_max_scroll};
use crate::tui::state::{App, Mode};
use crate::tui::theme::severity_mark;
use crate::tui::wrap::wrap;

/// Widest popup.
const WIDTH: u16 = 78;

/// The finding's text, unwrapped.
pub fn lines(f: &Finding, app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut out = vec![
        Line::from(vec![
            Span::styled(
                format!("{} {}", severity_mark(f.severity), f.severity.as_str()),
                t.severity(f.severity),
            ),
            Span::raw("  "),
            Span::styled(esc(&f.code).into_owned(), t.title),
        ]),
        Line::from(""),
        Line::from(esc(&f.message).into_owned()),
        Line::from(""),
    ];
    if !f.subject.is_empty() {
        out.push(Line::from(vec![
            Span::styled("subject    ", t.dim),
            Span::raw(esc(&f.subject).into_owned()),
        ]));
    }
    if !f.reference.is_empty() {
        out.push(Line::from(vec![
            Span::styled("reference  ", t.dim),
            Span::raw(esc(&f.reference).into_owned()),
        ]));
    }
    out
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Mode::Finding { scroll } = app.mode else {
        return;
    };
    let Some(f) = app
        .selected_report()
        .and_then(|r| r.findings.get(app.finding_cursor.selected))
    else {
        return;
    };
    // The status rows stay visible: `c` answers there.
    let area = Rect {
        height: area.height.saturating_sub(2),
        ..area
    };
    let inner_w = usize::from(area.width.saturating_sub(4).min(WIDTH).saturating_sub(2));
    let text = wrap(&lines(f, app), inner_w);
    let (rect, scroll, scrolls) = popup(area, WIDTH, text.len(), scroll);
    app.popup_max_scroll.set(popup_max_scroll(text.len(), rect));
    let n = app.selected_report().map_or(0, |r| r.findings.len());
    let hint = if scrolls {
        " Enter or Esc closes · c copies · ↑/↓ scroll "
    } else {
        " Enter or Esc closes · c copies "
    };
    let title = format!(" Finding {}/{n} ", app.finding_cursor.selected + 1);
    super::render_popup(
        frame,
        rect,
        super::popup_block(app, title, hint),
        text,
        scroll,
    );
}
