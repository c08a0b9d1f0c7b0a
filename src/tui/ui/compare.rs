//! The compare view (`=`): what each resolver answered for the selected
//! domain, and how the others differ from the primary.
//!
//! ```text
//! ╔ Resolvers · cmp.test. ═══════════════════════════╗
//! ║≠ 1 of 2 other resolvers differs from the primary ║
//! ║                                                  ║
//! ║• 127.0.0.1:5301 (primary)  mx · 1 host           ║
//! ║≠ 127.0.0.1:5302  mx · 2 hosts                    ║
//! ║    + MX 20 mx2.cmp.test.                         ║
//! ║= 127.0.0.1:5303  mx · 1 host                     ║
//! ╚ = or Esc closes · ↑/↓ scroll · r looks it up again ╝
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{esc, fit, sources, spinner};
use crate::mx::Outcome;
use crate::mx::authority::AuthorityStatus;
use crate::mx::diff::{Change, expiry, human_secs};
use crate::text::report::outcome_words;
use crate::tui::keymap::Action;
use crate::tui::state::{Agreement, App, DomainEntry, Mode};

/// The first line: do they agree?
fn verdict(app: &App, d: &DomainEntry) -> Line<'static> {
    let t = &app.theme;
    let total = d.upstream_count();
    match d.agreement() {
        Agreement::Single => Line::raw("one resolver"),
        Agreement::Pending { answered, total } => Line::styled(
            format!(
                "{} {answered} of {total} resolvers answered, waiting for the rest",
                spinner(app.spinner)
            ),
            t.pending,
        ),
        Agreement::Agree if total == 2 => Line::styled("= both resolvers agree (TTLs aside)", t.ok),
        Agreement::Agree => {
            Line::styled(format!("= all {total} resolvers agree (TTLs aside)"), t.ok)
        }
        Agreement::Differ(n) => {
            let others = total - 1;
            let who = match (n, others) {
                (_, 1) => "the other resolver differs".to_string(),
                (n, o) if n == o => format!("all {o} other resolvers differ"),
                (1, o) => format!("1 of {o} other resolvers differs"),
                (n, o) => format!("{n} of {o} other resolvers differ"),
            };
            Line::styled(format!("≠ {who} from the primary (TTLs aside)"), t.warning)
        }
        Agreement::Unknown(n) => Line::styled(
            format!(
                "? {n} resolver{} could not be compared: no answer",
                if n == 1 { "" } else { "s" }
            ),
            t.error,
        ),
    }
}

/// What upstream `i` answered, in a few words.
fn answer(d: &DomainEntry, i: usize) -> String {
    match d.report_of(i) {
        None => "looking up…".into(),
        Some(r) => {
            let mut s = outcome_words(r);
            if matches!(r.outcome, Outcome::Mx | Outcome::Implicit) {
                let n = r.mx.len();
                s.push_str(&format!(" · {n} host{}", if n == 1 { "" } else { "s" }));
            }
            if d.pending_of(i).is_some() {
                s.push_str(" · looking up again…");
            }
            s
        }
    }
}

/// The mark of upstream `i` and its style.
fn mark(app: &App, d: &DomainEntry, i: usize) -> (String, Style) {
    let t = &app.theme;
    if d.pending_of(i).is_some() || d.report_of(i).is_none() {
        return (spinner(app.spinner).into(), t.pending);
    }
    if i == 0 {
        return ("•".into(), Style::new());
    }
    if d.report_of(i).is_some_and(|r| r.outcome == Outcome::Error) {
        return ("?".into(), t.error);
    }
    if d.others
        .get(i.wrapping_sub(1))
        .is_some_and(|s| s.unknown.is_some())
    {
        return ("?".into(), t.error);
    }
    match d.changes_of(i) {
        Some([]) => ("=".into(), t.ok),
        Some(_) => ("≠".into(), t.warning),
        // The primary has not answered yet.
        None => (spinner(app.spinner).into(), t.pending),
    }
}

/// The style of a change line: additions, removals, the rest.
fn change_style(app: &App, c: &Change) -> Style {
    match c {
        Change::RecordAdded { .. } | Change::AddressAdded { .. } | Change::FindingAdded { .. } => {
            app.theme.ok
        }
        Change::RecordRemoved { .. }
        | Change::AddressRemoved { .. }
        | Change::FindingRemoved { .. } => app.theme.error,
        _ => app.theme.warning,
    }
}

/// The view's text for the selected domain, for a 78-cell wide view.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    lines_at(app, 78)
}

/// The view's text for the selected domain, `width` cells wide.
pub fn lines_at(app: &App, width: usize) -> Vec<Line<'static>> {
    let Some(d) = app.selected_domain() else {
        return vec![Line::raw("no domain selected")];
    };
    let mut out = vec![verdict(app, d)];
    out.extend(sources::authority_verdict(
        app,
        d.authorities.as_ref(),
        d.authority_pending.is_some(),
    ));
    if let Some(w) = app.watching.as_ref().filter(|w| w.domain == d.name) {
        let next = match w.next_in() {
            Some(s) => format!("next look in {s} s"),
            None => "looking…".into(),
        };
        out.push(Line::styled(
            format!(
                "⟳ watching · {} look{} · {next} · w stops",
                w.looks,
                if w.looks == 1 { "" } else { "s" }
            ),
            app.theme.key,
        ));
        // The newest entries, oldest first.
        let skip = w.timeline.len().saturating_sub(8);
        for (secs, line) in &w.timeline[skip..] {
            let text = format!("  +{secs:>4} s  {}", esc(line));
            out.push(Line::styled(fit(&text, width).into_owned(), app.theme.dim));
        }
    }
    out.push(Line::raw(""));
    for (i, label) in app.upstreams.iter().enumerate() {
        let (m, style) = mark(app, d, i);
        let mut spans = vec![
            Span::styled(format!("{m} "), style),
            Span::styled(esc(label).into_owned(), app.theme.key),
        ];
        if i == 0 {
            spans.push(Span::styled(" (primary)", app.theme.dim));
        }
        spans.push(Span::raw(format!("  {}", answer(d, i))));
        out.push(Line::from(spans));
        // An upstream that gave no answer (or whose primary gave none) is
        // unknown: its error says all there is, no record is "removed".
        if let Some((_, error)) = d
            .others
            .get(i.wrapping_sub(1))
            .and_then(|s| s.unknown.as_ref())
        {
            // This upstream, or else the primary, is the one that failed.
            let who = if d.report_of(i).is_some_and(|r| r.outcome == Outcome::Error) {
                label
            } else {
                &app.upstreams[0]
            };
            out.push(Line::styled(
                format!(
                    "    ? {} gave no answer ({}): unknown, not compared",
                    esc(who),
                    esc(error)
                ),
                app.theme.error,
            ));
            continue;
        }
        let (Some(primary), Some(other)) = (d.report_of(0), d.report_of(i)) else {
            continue;
        };
        for c in d.changes_of(i).unwrap_or_default() {
            // Display escapes the names in it; the note says when each
            // resolver's cached answer behind it expires.
            let text = match expiry(c, primary, other) {
                Some((ta, tb)) => {
                    let at: Vec<String> = [(&app.upstreams[0], ta), (label, tb)]
                        .into_iter()
                        .filter_map(|(who, t)| {
                            t.map(|t| format!("at {} in {}", esc(who), human_secs(t)))
                        })
                        .collect();
                    format!("    {c}  (expires {})", at.join(", "))
                }
                None => format!("    {c}"),
            };
            out.push(Line::styled(
                fit(&text, width).into_owned(),
                change_style(app, c),
            ));
        }
    }
    if let Some(check) = &d.authorities {
        out.push(Line::raw(""));
        for s in &check.servers {
            let style = if s.status == AuthorityStatus::Answer {
                Style::new()
            } else {
                app.theme.error
            };
            let name = s.name();
            let room = width.saturating_sub(name.chars().count() + 4);
            out.push(Line::from(vec![
                Span::styled("◆ ", style),
                Span::styled(name, app.theme.key),
                Span::styled(format!("  {}", fit(&s.summary(), room)), style),
            ]));
        }
    }
    let grid = sources::grid(app, d, width);
    if !grid.is_empty() {
        out.push(Line::raw(""));
        out.extend(grid);
    }
    out
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let scroll = match app.mode {
        Mode::Compare { scroll } => scroll,
        _ => 0,
    };
    // The status rows stay visible: `r` and the copy keys answer there.
    let area = Rect {
        height: area.height.saturating_sub(2),
        ..area
    };
    // Wide terminals give the side-by-side grid its columns.
    let width = usize::from(area.width.saturating_sub(4).min(110).saturating_sub(2));
    let text = lines_at(app, width);
    let (popup, scroll, scrolls) = crate::tui::layout::popup(area, 110, text.len(), scroll);
    app.popup_max_scroll
        .set(crate::tui::layout::popup_max_scroll(text.len(), popup));
    let hint = super::lookup_popup_hint(app, Action::Compare, Action::Requery, scrolls);
    let name = app
        .selected_domain()
        .map(|d| esc(&d.name).into_owned())
        .unwrap_or_default();
    let what = match app.selected_domain() {
        Some(d) if d.authorities.is_some() || d.authority_pending.is_some() => {
            "Resolvers and authorities"
        }
        _ => "Resolvers",
    };
    let block = super::popup_block(app, format!(" {what} · {name} "), hint);
    super::render_popup(frame, popup, block, text, scroll);
}
