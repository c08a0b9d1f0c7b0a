//! The findings of the selected domain: severity, code, message, reference.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{block, esc, note, table};
use crate::mx::Severity;
use crate::tui::security::SecurityState;
use crate::tui::state::{App, Focus};
use crate::tui::theme::severity_mark;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let report = app.selected_report();
    let mut title = vec![Span::raw("Findings")];
    if let Some(r) = report {
        let count = |s| r.findings.iter().filter(|f| f.severity == s).count();
        let mut parts = Vec::new();
        for (s, word, style) in [
            (Severity::Error, "error", app.theme.error),
            (Severity::Warning, "warning", app.theme.warning),
        ] {
            let n = count(s);
            if n > 0 {
                let plural = if n == 1 { "" } else { "s" };
                parts.push(Span::styled(format!("{n} {word}{plural}"), style));
            }
        }
        title.push(Span::raw(format!(" ({}", r.findings.len())));
        for (i, p) in parts.into_iter().enumerate() {
            title.push(Span::raw(if i == 0 { ": " } else { ", " }));
            title.push(p);
        }
        title.push(Span::raw(")"));
        if app.security_state() == SecurityState::LookingUp {
            title.push(Span::styled(
                format!(" · {} security: looking up…", super::spinner(app.spinner)),
                app.theme.pending,
            ));
        }
    }
    let b = block(title, Focus::Findings, app, area);
    let Some(r) = report else {
        note(frame, area, b, Line::from(""));
        return;
    };
    if r.findings.is_empty() {
        note(
            frame,
            area,
            b,
            Line::styled("no findings: nothing to fix", app.theme.ok),
        );
        return;
    }
    // Narrow panes drop the reference, then shorten the severity to its mark.
    let show_reference = area.width >= 90;
    let short = area.width < 60;
    let row = |i: usize| {
        let f = &r.findings[i];
        let style = app.theme.severity(f.severity);
        let severity = if short {
            severity_mark(f.severity).to_string()
        } else {
            format!("{} {}", severity_mark(f.severity), f.severity.as_str())
        };
        let mut cells = vec![
            Line::from(Span::styled(severity, style)),
            Line::from(esc(&f.code).into_owned()),
            Line::from(esc(&f.message).into_owned()),
        ];
        if show_reference {
            cells.push(Line::from(Span::styled(
                esc(&f.reference).into_owned(),
                app.theme.dim,
            )));
        }
        cells
    };
    let mut header = vec![if short { "" } else { "severity" }, "code", "message"];
    let mut widths = vec![
        Constraint::Length(if short { 1 } else { 9 }),
        Constraint::Length(if short {
            14
        } else if show_reference {
            30
        } else {
            24
        }),
        Constraint::Fill(1),
    ];
    if show_reference {
        header.push("reference");
        widths.push(Constraint::Length(15));
    }
    table(
        frame,
        area,
        app,
        Focus::Findings,
        b,
        &header,
        (r.findings.len(), &row),
        &widths,
        app.finding_cursor,
    );
    detail(frame, area, app, r);
}

/// Below the rows, when there is room: the selected finding in full.
fn detail(frame: &mut Frame, area: Rect, app: &App, r: &crate::mx::MxReport) {
    let Some(f) = r.findings.get(app.finding_cursor.selected) else {
        return;
    };
    let inner = area.inner(ratatui::layout::Margin::new(2, 1));
    let used = u16::try_from(r.findings.len() + 2).unwrap_or(u16::MAX);
    if inner.height < used.saturating_add(2) {
        return;
    }
    let rect = Rect {
        y: inner.y + used,
        height: inner.height - used,
        ..inner
    };
    let text = vec![
        Line::from(vec![
            Span::styled(
                format!("{} {} ", severity_mark(f.severity), esc(&f.code)),
                app.theme.severity(f.severity),
            ),
            Span::styled(format!("({})", esc(&f.reference)), app.theme.dim),
        ]),
        Line::from(esc(&f.message).into_owned()),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), rect);
}
