//! The failover what-if: what senders do with the selected domain's mail
//! while the marked hosts and addresses are down (the engine of
//! `mxlens simulate`, recomputed on every change).
//!
//! ```text
//! ✓ DELIVERED  down: mx1.a.test.
//! mx2.a.test.  ████████████████ 100.0 %
//! Mail is delivered to mx2.a.test., after 2 failed connection attempt(s) …
//! tier    10 DOWN    mx1.a.test.
//! tier    20 up      mx2.a.test.
//! Why: …
//! expected failed attempts 2 (1 min at 30 s per attempt)
//! (deferred: the retry timeline)
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{block, esc, note};
use crate::mx::failover::{SimOutcome, Simulation, TierState};
use crate::text::simulation::{duration, outcome_sentence};
use crate::tui::keymap::Action;
use crate::tui::state::{App, Focus};
use crate::tui::theme::Theme;

/// Widest share bar.
const BAR: usize = 16;

fn bar(share: f64, width: usize) -> String {
    let filled = ((share * width as f64).round() as usize).min(width);
    format!("{}{}", "█".repeat(filled), "·".repeat(width - filled))
}

fn number(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The pane's text for one simulation, for a pane `width` cells wide inside.
/// `mark` is how the key that marks a host down is written (`Space`).
pub fn lines(sim: &Simulation, t: &Theme, width: usize, mark: &str) -> Vec<Line<'static>> {
    let (badge, style) = match sim.outcome {
        SimOutcome::Delivered => ("✓ DELIVERED", t.ok),
        SimOutcome::Deferred => ("↻ DEFERRED", t.warning),
        SimOutcome::Bounced => ("✗ BOUNCED", t.error),
    };
    let down = if sim.down.is_empty() {
        format!("nothing down ({mark} marks a host)")
    } else {
        format!(
            "down: {}",
            sim.down
                .iter()
                .map(|d| esc(d))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut out = vec![Line::from(vec![
        Span::styled(badge, style.patch(t.title)),
        Span::raw("  "),
        Span::styled(down, t.dim),
    ])];
    if !sim.receivers.is_empty() {
        let name_w = sim
            .receivers
            .iter()
            .map(|r| esc(&r.exchange).chars().count())
            .max()
            .unwrap_or(0);
        // name, space, bar, " 100.0 %": the bar takes what is left.
        let bar_w = width.saturating_sub(name_w + 9).clamp(4, BAR);
        for r in &sim.receivers {
            out.push(Line::from(vec![
                Span::raw(format!("{:<name_w$} ", esc(&r.exchange))),
                Span::styled(bar(r.share, bar_w), t.ok),
                Span::raw(format!(" {:>5.1} %", r.share * 100.0)),
            ]));
        }
    }
    out.push(Line::from(esc(&outcome_sentence(sim)).into_owned()));
    for tier in &sim.tiers {
        let (word, st) = match tier.state {
            TierState::Up => ("up", t.ok),
            TierState::Partial => ("partial", t.warning),
            TierState::Down => ("DOWN", t.down),
        };
        let names: Vec<String> = tier.exchanges.iter().map(|e| esc(e).into_owned()).collect();
        let shuffle = if tier.exchanges.len() > 1 {
            " (random order)"
        } else {
            ""
        };
        out.push(Line::from(vec![
            Span::styled(format!("tier {:>5} ", tier.preference), t.dim),
            Span::styled(format!("{word:<8}"), st),
            Span::raw(names.join(", ")),
            Span::styled(shuffle, t.dim),
        ]));
    }
    out.push(Line::styled(format!("Why: {}", esc(&sim.reason)), t.dim));
    if sim.outcome != SimOutcome::Bounced {
        let per = if sim.outcome == SimOutcome::Deferred {
            "failed attempts per try"
        } else {
            "expected failed attempts"
        };
        out.push(Line::from(vec![
            Span::styled(format!("{per} "), t.dim),
            Span::raw(number(sim.expected_failed_attempts)),
            Span::styled(
                format!(
                    " ({} at {} per attempt)",
                    duration(sim.expected_delay_s),
                    duration(sim.settings.connect_timeout_s)
                ),
                t.dim,
            ),
        ]));
    }
    if sim.outcome == SimOutcome::Delivered && sim.deferral_probability > 0.0 {
        out.push(Line::styled(
            format!(
                "{:.1} % of delivery attempts end deferred (address limit)",
                sim.deferral_probability * 100.0
            ),
            t.warning,
        ));
    }
    if let Some(r) = &sim.retry
        && sim.outcome == SimOutcome::Deferred
    {
        let shown: Vec<String> = r.attempts_s.iter().take(6).map(|s| duration(*s)).collect();
        let more = if r.attempts > shown.len() as u64 {
            ", …"
        } else {
            ""
        };
        out.push(Line::from(""));
        out.push(Line::styled("retry timeline (message age)", t.header));
        out.push(Line::from(format!(
            "{}{more} ({} attempts)",
            shown.join(", "),
            r.attempts
        )));
        out.push(Line::styled(
            format!(
                "bounces at {} if the last attempt fails too",
                duration(r.bounce_at_s)
            ),
            t.error,
        ));
    }
    for n in &sim.notes {
        out.push(Line::styled(format!("note: {}", esc(n)), t.dim));
    }
    out
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let limit = match app.profile.address_limit {
        Some(n) => format!(" · ≤{n} addresses"),
        None => String::new(),
    };
    let title = vec![
        Span::raw("Failover · profile "),
        Span::styled(app.profile.name.clone(), app.theme.key),
        Span::styled(limit, Style::new()),
    ];
    let b = block(title, Focus::Failover, app);
    let Some(sim) = &app.simulation else {
        let text = match app.selected_domain() {
            Some(_) => "waiting for the report",
            None => "",
        };
        note(frame, area, b, Line::styled(text, app.theme.dim));
        return;
    };
    let inner_w = usize::from(area.width.saturating_sub(2)).max(1);
    let mark = app.keymap.first_key(Action::ToggleDown);
    let text = lines(sim, &app.theme, inner_w, &mark);
    // Rows the wrapped text needs (words may wrap a little earlier).
    let rows: usize = text
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_w))
        .sum();
    let shown = usize::from(area.height.saturating_sub(2)) + usize::from(app.failover_scroll);
    let b = if rows > shown {
        let down = app.keymap.first_key(Action::Down);
        let how = if app.focus == Focus::Failover {
            format!(" ▼ more: {down} ")
        } else {
            format!(
                " ▼ more: {} here, then {down} ",
                app.keymap.first_key(Action::FocusNext)
            )
        };
        b.title_bottom(Line::styled(how, app.theme.dim))
    } else {
        b
    };
    frame.render_widget(
        Paragraph::new(text)
            .block(b)
            .wrap(Wrap { trim: false })
            .scroll((app.failover_scroll, 0)),
        area,
    );
}
