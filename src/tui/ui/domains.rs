//! The domain list: status mark, outcome, host count, providers.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{block, column_widths, esc, fit, note, spinner, table};
use crate::mx::{MxReport, Outcome};
use crate::text::report::outcome_words;
use crate::tui::keymap::Action;
use crate::tui::layout::LIST_CHROME;
use crate::tui::state::{Agreement, App, DomainEntry, Focus, Standing, outage_count};

/// Whether the resolvers agree on a domain, readable without colour: `=`,
/// `≠`, or while some still look it up, how many answered (`1/2`; a
/// spinner when `wide` is false).
pub fn agreement_mark(a: Agreement, wide: bool, app: &App) -> Span<'static> {
    match a {
        Agreement::Single => Span::raw(""),
        Agreement::Pending { answered, total } if wide => {
            Span::styled(format!("{answered}/{total}"), app.theme.pending)
        }
        Agreement::Pending { .. } => Span::styled(spinner(app.spinner), app.theme.pending),
        Agreement::Agree => Span::styled("=", app.theme.ok),
        Agreement::Differ(_) => Span::styled("≠", app.theme.warning),
        Agreement::Unknown(_) => Span::styled("?", app.theme.error),
    }
}

/// Cells the "answered/total" text needs.
fn cmp_width(total: usize) -> u16 {
    let digits = total.to_string().len();
    u16::try_from(2 * digits + 1).unwrap_or(u16::MAX).max(3)
}

/// Distinct providers of a report's hosts, in order of first appearance.
pub fn providers(r: &MxReport) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for p in r.mx.iter().filter_map(|h| h.provider.as_deref()) {
        if !seen.contains(&p) {
            seen.push(p);
        }
    }
    seen.join(", ")
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let pending = app.domains.iter().filter(|d| d.any_pending()).count();
    let count = if app.view.len() == app.domains.len() {
        format!("Domains ({})", app.domains.len())
    } else {
        format!("Domains ({} of {})", app.view.len(), app.domains.len())
    };
    let mut title = vec![Span::raw(count)];
    if pending > 0 {
        // Progress: looked up of all, e.g. "⠋ 412/5000".
        let total = app.domains.len();
        title.push(Span::styled(
            format!(" {} {}/{total}", spinner(app.spinner), total - pending),
            app.theme.pending,
        ));
    }
    let b = block(title, Focus::Domains, app, area);
    if app.domains.is_empty() {
        note(
            frame,
            area,
            b,
            Line::from(format!(
                "no domains: press {} to add one",
                app.keymap.first_key(Action::Add)
            )),
        );
        return;
    }
    if app.view.is_empty() {
        let text = format!(
            "no domain matches \"{}\" (/ to change it)",
            esc(&app.filter)
        );
        note(frame, area, b, Line::from(text));
        return;
    }
    let wide = area.width >= 56;
    // Narrow: the names get the room of the host count, and the outcome
    // column only the width of the words it shows.
    let narrow = area.width < 48;
    let comparing = app.upstreams.len() > 1;
    // Room for "1/2" (answered of all) while pending; else one glyph.
    let wide_cmp = area.width >= 40;
    let view = usize::from(area.height.saturating_sub(LIST_CHROME));
    let shown = app.domain_cursor.offset.min(app.view.len())
        ..(app.domain_cursor.offset + view).min(app.view.len());
    let outcome_of = |d: &DomainEntry| match &d.report {
        Some(r) => outcome_words(r),
        None => "looking up…".into(),
    };
    let outcome_w = if narrow {
        app.view[shown.clone()]
            .iter()
            .map(|&i| outcome_of(&app.domains[i]).chars().count())
            .max()
            .unwrap_or(2)
            .clamp(2, 8)
    } else {
        8
    };
    let mut header = vec!["", "domain", if outcome_w >= 7 { "outcome" } else { "" }];
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Fill(2),
        Constraint::Length(u16::try_from(outcome_w).unwrap_or(8)),
    ];
    if !narrow {
        header.push("mx");
        widths.push(Constraint::Length(2));
    }
    if comparing {
        header.push(if wide_cmp { "cmp" } else { "" });
        // "? timeout": an upstream that gave no answer, with its error.
        let unknown_w = app
            .domains
            .iter()
            .filter(|d| matches!(d.agreement(), Agreement::Unknown(_)))
            .filter_map(|d| d.unknown_error())
            .map(|e| e.chars().count().min(12) + 2)
            .max()
            .unwrap_or(0);
        let w = if wide_cmp {
            cmp_width(app.upstreams.len()).max(u16::try_from(unknown_w).unwrap_or(14))
        } else {
            1
        };
        widths.push(Constraint::Length(w));
    }
    if wide {
        header.push("provider");
        widths.push(Constraint::Fill(1));
    }
    let name_w = column_widths(area, &widths).get(1).copied().unwrap_or(0);
    let row = |d: &DomainEntry| {
        let standing = Standing::of(d);
        let (hosts, prov) = match &d.report {
            Some(r) => (r.mx.len().to_string(), providers(r)),
            None => (String::new(), String::new()),
        };
        let outcome_style = match d.report.as_ref().map(|r| r.outcome) {
            Some(Outcome::Error) => app.theme.error,
            None => app.theme.pending,
            _ => Style::new(),
        };
        let outages = if d.outages.is_empty() {
            String::new()
        } else {
            format!(" ⇣{}", outage_count(&d.outages))
        };
        // A marked domain (m) shows ◆ before its name, colour or not.
        let mark = if d.marked { "◆ " } else { "" };
        let room = name_w.saturating_sub(outages.chars().count() + mark.chars().count());
        let mut name = vec![Span::raw(fit(&esc(&d.name), room).into_owned())];
        if d.marked {
            name.insert(0, Span::styled(mark, app.theme.key));
        }
        if !outages.is_empty() {
            name.push(Span::styled(outages, app.theme.warning));
        }
        let mut cells = vec![
            Line::from(Span::styled(
                standing.mark(app.spinner),
                standing.style(&app.theme),
            )),
            Line::from(name),
            Line::from(Span::styled(outcome_of(d), outcome_style)),
        ];
        if !narrow {
            cells.push(Line::from(hosts));
        }
        if comparing {
            let a = d.agreement();
            match (a, d.unknown_error()) {
                (Agreement::Unknown(_), Some(e)) if wide_cmp => cells.push(Line::from(
                    Span::styled(format!("? {}", fit(&esc(e), 12)), app.theme.error),
                )),
                _ => cells.push(Line::from(agreement_mark(a, wide_cmp, app))),
            }
        }
        if wide {
            cells.push(Line::from(esc(&prov).into_owned()));
        }
        cells
    };
    table(
        frame,
        area,
        app,
        Focus::Domains,
        b,
        &header,
        (app.view.len(), &|i| row(&app.domains[app.view[i]])),
        &widths,
        app.domain_cursor,
    );
}
