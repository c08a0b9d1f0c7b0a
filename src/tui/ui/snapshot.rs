//! Snapshots on screen: the file name prompt of `s` and `o`, the overwrite
//! question, and the live-against-snapshot view, one block per domain with
//! a sign column (`= ± ? …`) that reads without colour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::esc;
use crate::tui::keymap::Action;
use crate::tui::snapshots::Against;
use crate::tui::state::{App, Mode};

/// The file name prompt, or the question whether to replace a file.
pub fn render_prompt(frame: &mut Frame, area: Rect, app: &App) {
    let (title, text, hint) = match &app.mode {
        Mode::SnapshotPath { save, text, error } => {
            let mut lines = vec![
                Line::raw(if *save {
                    "Save every domain's reports (JSON Lines, as check --format json) to:"
                } else {
                    "Open the snapshot (written by s or check --format json):"
                }),
                Line::from(vec![
                    Span::styled("> ", app.theme.key),
                    Span::raw(esc(text).into_owned()),
                    Span::styled("█", app.theme.dim),
                ]),
            ];
            if let Some(e) = error {
                lines.push(Line::styled(esc(e).into_owned(), app.theme.error));
            }
            let title = if *save {
                " Save snapshot "
            } else {
                " Open snapshot "
            };
            (title, lines, " Enter confirms · Esc cancels ")
        }
        Mode::Overwrite { path } => (
            " Replace? ",
            vec![
                Line::styled(format!("\"{}\" exists.", esc(path)), app.theme.warning),
                Line::raw("y replaces it; any other key keeps it and writes nothing."),
            ],
            " y replaces · n or Esc keeps ",
        ),
        _ => return,
    };
    let area = Rect {
        height: area.height.saturating_sub(2),
        ..area
    };
    let (popup, _, _) = crate::tui::layout::popup(area, 76, text.len() + 1, 0);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(super::popup_block(app, title.into(), hint)),
        popup,
    );
}

/// The view's text: one block per listed domain.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let rows = app.against_snapshot();
    let changed = rows
        .iter()
        .filter(|(_, a)| matches!(a, Against::Changed(_)))
        .count();
    let mut out = vec![
        Line::raw(format!(
            "{changed} of {} domains changed since the snapshot (TTLs ignored)",
            rows.len()
        )),
        Line::raw(""),
    ];
    for (name, state) in rows {
        let name = esc(&name).into_owned();
        let (mark, style, words) = match &state {
            Against::Pending => ("…", t.pending, "looking up…".to_string()),
            Against::NotInSnapshot => ("+", t.dim, "not in the snapshot".to_string()),
            Against::Unknown(e) => (
                "?",
                t.error,
                format!("unknown: the lookup failed ({})", esc(e)),
            ),
            Against::Same => ("=", t.ok, "same".to_string()),
            Against::Changed(c) => (
                "±",
                t.warning,
                format!("{} change{}", c.len(), if c.len() == 1 { "" } else { "s" }),
            ),
        };
        out.push(Line::from(vec![
            Span::styled(format!("{mark} "), style),
            Span::styled(name, t.key),
            Span::raw(format!("  {words}")),
        ]));
        if let Against::Changed(changes) = state {
            for c in changes {
                // Display escapes every string in it.
                let s = match c.sign() {
                    '+' => t.ok,
                    '-' => t.error,
                    _ => t.warning,
                };
                out.push(Line::from(vec![
                    Span::styled(format!("    {} ", c.sign()), s),
                    Span::raw(c.to_string()),
                ]));
            }
        }
    }
    out
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Mode::SnapshotDiff { scroll } = app.mode else {
        return;
    };
    let area = Rect {
        height: area.height.saturating_sub(2),
        ..area
    };
    let text = lines(app);
    let (popup, scroll, scrolls) = crate::tui::layout::popup(area, 100, text.len(), scroll);
    let name = app
        .snapshot
        .as_ref()
        .map(|s| esc(&s.path).into_owned())
        .unwrap_or_default();
    let hint = super::lookup_popup_hint(app, Action::OpenSnapshot, Action::RequeryAll, scrolls);
    let block = super::popup_block(app, format!(" Live vs snapshot · {name} "), hint);
    super::render_popup(frame, popup, block, text, scroll);
}
