//! The two status rows: counts and the last message; key hints or the
//! add-domain prompt. A message too long for the first row is wrapped over
//! both, so an error's remedy (or a copy's target) stays readable on narrow
//! terminals.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::keymap::{Action, Binding};
use crate::tui::state::{Agreement, App, Mode, Standing};

/// The first row: the last message, then upstream and counts (with
/// several resolvers, counts first).
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
    if let Some(v) = app.view_summary() {
        spans.push(Span::styled(v, t.key));
        spans.push(Span::styled(" │ ", t.dim));
    }
    // Several resolvers make a long list: it goes last, after the counts.
    let comparing = app.upstreams.len() > 1;
    if !comparing {
        spans.push(Span::raw(upstreams(app)));
        spans.push(Span::styled(" · ", t.dim));
    }
    let n = app.domains.len();
    spans.push(Span::raw(format!(
        "{n} domain{}",
        if n == 1 { "" } else { "s" }
    )));
    let differ = app
        .domains
        .iter()
        .filter(|d| matches!(d.agreement(), Agreement::Differ(_)))
        .count();
    if differ > 0 {
        let verb = if differ == 1 { "differs" } else { "differ" };
        spans.push(Span::styled(" · ", t.dim));
        spans.push(Span::styled(format!("{differ} {verb}"), t.warning));
    }
    if let Some(w) = &app.watching {
        spans.push(Span::styled(" · ", t.dim));
        let next = w
            .next_in()
            .map_or_else(|| "looking".to_string(), |s| format!("next in {s} s"));
        spans.push(Span::styled(
            format!("watching {} ({next})", super::esc(&w.domain)),
            t.key,
        ));
    }
    let unknown = app
        .domains
        .iter()
        .filter(|d| matches!(d.agreement(), Agreement::Unknown(_)))
        .count();
    if unknown > 0 {
        spans.push(Span::styled(" · ", t.dim));
        spans.push(Span::styled(format!("{unknown} unknown"), t.error));
    }
    // One pass over the list (it may hold 10,000 domains).
    let mut counts = [0usize; 4];
    for d in &app.domains {
        // Pending until every resolver answered, whatever the primary said.
        if d.any_pending() {
            counts[0] += 1;
        }
        match Standing::of(d) {
            Standing::Failed => counts[1] += 1,
            Standing::Error => counts[2] += 1,
            Standing::Warning => counts[3] += 1,
            Standing::Pending | Standing::Ok => {}
        }
    }
    let count = |s: Standing| match s {
        Standing::Pending => counts[0],
        Standing::Failed => counts[1],
        Standing::Error => counts[2],
        Standing::Warning => counts[3],
        Standing::Ok => 0,
    };
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
    if comparing {
        spans.push(Span::styled(" · ", t.dim));
        spans.push(Span::raw(upstreams(app)));
    }
    Line::from(spans)
}

/// Where lookups go: `demo`, `127.0.0.1:5354`, or with several
/// resolvers `2 resolvers: 127.0.0.1:5301, 127.0.0.1:5302`.
pub fn upstreams(app: &App) -> String {
    let names: Vec<String> = app
        .upstreams
        .iter()
        .map(|u| super::esc(u).into_owned())
        .collect();
    match names.len() {
        0 | 1 => names.concat(),
        n => format!("{n} resolvers: {}", names.join(", ")),
    }
}

/// The second row: hints from the key table, as many as fit in `width`
/// (help and quit always stay, at the end).
pub fn hints(app: &App, width: u16) -> Line<'static> {
    let always = |a: Action| matches!(a, Action::Help | Action::Quit);
    // `=` compares resolvers: a hint only when there are several.
    let useful = |b: &&Binding| b.action != Action::Compare || app.upstreams.len() > 1;
    let item =
        |b: &Binding| b.label.chars().count() + 1 + b.hint.map_or(0, |h| h.chars().count()) + 2;
    let tail: Vec<&Binding> = app
        .keymap
        .bindings()
        .iter()
        .filter(|b| b.hint.is_some() && always(b.action))
        .collect();
    let mut room = usize::from(width)
        .saturating_sub(1)
        .saturating_sub(tail.iter().map(|b| item(b)).sum());
    let mut shown: Vec<&Binding> = Vec::new();
    for b in app
        .keymap
        .bindings()
        .iter()
        .filter(|b| b.hint.is_some() && !always(b.action))
        .filter(useful)
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
                    " Enter adds · Esc cancels · names, user@domain, mailto:, lists",
                    app.theme.dim,
                ),
            };
            let first = super::fit_line(first, usize::from(top.width));
            frame.render_widget(Paragraph::new(first), top);
            let prompt = " Add domains: ";
            // A long (pasted) list shows its end, where the cursor is.
            let all = super::esc(text);
            let room = usize::from(bottom.width)
                .saturating_sub(prompt.chars().count() + 1)
                .max(2);
            let n = all.chars().count();
            let shown = if n > room {
                let tail: String = all.chars().skip(n - (room - 1)).collect();
                format!("…{tail}")
            } else {
                all.into_owned()
            };
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
        Mode::Filter { .. } => {
            let n = app.view.len();
            let first = Line::styled(
                format!(
                    " {n} of {} shown · Enter keeps the filter · Esc puts back the last one",
                    app.domains.len()
                ),
                app.theme.dim,
            );
            let first = super::fit_line(first, usize::from(top.width));
            frame.render_widget(Paragraph::new(first), top);
            let prompt = " Filter: ";
            let shown = super::esc(&app.filter).into_owned();
            let line = Line::from(vec![
                Span::styled(prompt, app.theme.key),
                Span::raw(shown.clone()),
            ]);
            let line = super::fit_line(line, usize::from(bottom.width));
            frame.render_widget(Paragraph::new(line), bottom);
            let x = bottom.x
                + u16::try_from(prompt.chars().count() + shown.chars().count()).unwrap_or(0);
            if x < bottom.right() && bottom.height > 0 {
                frame.set_cursor_position(Position { x, y: bottom.y });
            }
        }
        _ => {
            let long = app.status.as_ref().map(|s| {
                let mark = if s.error { "✗ " } else { "" };
                let style = if s.error {
                    app.theme.error
                } else {
                    app.theme.bar
                };
                (format!("{mark}{}", super::esc(&s.text)), style)
            });
            match long {
                // A message too long for its row takes the hint row too: the
                // end of an error is what to do about it, the end of a copy
                // line where the text went (and, once, the tmux hint).
                Some((text, style))
                    if Line::raw(text.as_str()).width() + 1 > usize::from(area.width) =>
                {
                    let rows = Rect {
                        x: area.x + 1,
                        width: area.width.saturating_sub(1),
                        ..area
                    };
                    let p = Paragraph::new(text).style(style).wrap(Wrap { trim: true });
                    frame.render_widget(p, rows);
                }
                _ => {
                    let line = super::fit_line(summary(app), usize::from(top.width));
                    frame.render_widget(Paragraph::new(line), top);
                    frame.render_widget(Paragraph::new(hints(app, bottom.width)), bottom);
                }
            }
        }
    }
}
