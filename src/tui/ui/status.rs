//! The two status rows: counts and the last message; key hints or the
//! add-domain prompt. An error message too long for the first row is
//! wrapped over both, so its remedy stays readable on narrow terminals.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::domains::Standing;
use crate::tui::app::{App, Mode};
use crate::tui::keymap::{Action, BINDINGS, Binding};

/// The first row: the last message, then upstream and counts.
pub fn summary(app: &App) -> Line<'static> {
    let t = &app.theme;
    let mut spans = vec![Span::raw(" ")];
    if let Some(s) = &app.status {
        let (mark, style) = if s.error {
            ("✗ ", t.error)
        } else {
            ("", t.bar)
        };
        spans.push(Span::styled(
            format!("{mark}{}", super::esc(&s.text)),
            style,
        ));
        spans.push(Span::styled(" │ ", t.dim));
    }
    spans.push(Span::raw(super::esc(&app.upstream).into_owned()));
    spans.push(Span::styled(" · ", t.dim));
    let n = app.domains.len();
    spans.push(Span::raw(format!(
        "{n} domain{}",
        if n == 1 { "" } else { "s" }
    )));
    let count = |s: Standing| app.domains.iter().filter(|d| Standing::of(d) == s).count();
    for (s, word, style) in [
        (Standing::Pending, "pending", t.pending),
        (Standing::Failed, "failed", t.error),
        (Standing::Error, "with errors", t.error),
        (Standing::Warning, "with warnings", t.warning),
    ] {
        let n = count(s);
        if n > 0 {
            spans.push(Span::styled(" · ", t.dim));
            spans.push(Span::styled(format!("{n} {word}"), style));
        }
    }
    Line::from(spans)
}

/// The second row: hints from the key table, as many as fit in `width`
/// (help and quit always stay, at the end).
pub fn hints(app: &App, width: u16) -> Line<'static> {
    let always = |a: Action| matches!(a, Action::Help | Action::Quit);
    let item =
        |b: &Binding| b.label.chars().count() + 1 + b.hint.map_or(0, |h| h.chars().count()) + 2;
    let tail: Vec<&Binding> = BINDINGS
        .iter()
        .filter(|b| b.hint.is_some() && always(b.action))
        .collect();
    let mut room = usize::from(width)
        .saturating_sub(1)
        .saturating_sub(tail.iter().map(|b| item(b)).sum());
    let mut shown: Vec<&Binding> = Vec::new();
    for b in BINDINGS
        .iter()
        .filter(|b| b.hint.is_some() && !always(b.action))
    {
        if item(b) <= room {
            room -= item(b);
            shown.push(b);
        }
    }
    shown.extend(tail);
    let mut spans = vec![Span::raw(" ")];
    for b in shown {
        spans.push(Span::styled(b.label, app.theme.key));
        spans.push(Span::raw(format!(" {}  ", b.hint.unwrap_or(""))));
    }
    Line::from(spans)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let top = Rect { height: 1, ..area };
    let bottom = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    match &app.mode {
        Mode::Input { text, error } => {
            let first = match error {
                Some(e) => Line::styled(format!(" ✗ {}", super::esc(e)), app.theme.error),
                None => Line::styled(
                    " Enter adds · Esc cancels · a name, user@domain or mailto: address",
                    app.theme.dim,
                ),
            };
            frame.render_widget(Paragraph::new(first), top);
            let prompt = " Add domain: ";
            let shown = super::esc(text).into_owned();
            let line = Line::from(vec![
                Span::styled(prompt, app.theme.key),
                Span::raw(shown.clone()),
            ]);
            frame.render_widget(Paragraph::new(line), bottom);
            let x = bottom.x
                + u16::try_from(prompt.chars().count() + shown.chars().count()).unwrap_or(0);
            if x < bottom.right() && bottom.height > 0 {
                frame.set_cursor_position(Position { x, y: bottom.y });
            }
        }
        _ => {
            let error = app
                .status
                .as_ref()
                .filter(|s| s.error)
                .map(|s| format!("✗ {}", super::esc(&s.text)));
            match error {
                // An error too long for its row takes the hint row too: the
                // end of the message is what to do about it.
                Some(text) if Line::raw(text.as_str()).width() + 1 > usize::from(area.width) => {
                    let rows = Rect {
                        x: area.x + 1,
                        width: area.width.saturating_sub(1),
                        ..area
                    };
                    let p = Paragraph::new(text)
                        .style(app.theme.error)
                        .wrap(Wrap { trim: true });
                    frame.render_widget(p, rows);
                }
                _ => {
                    frame.render_widget(Paragraph::new(summary(app)), top);
                    frame.render_widget(Paragraph::new(hints(app, bottom.width)), bottom);
                }
            }
        }
    }
}
