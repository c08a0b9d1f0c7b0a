//! The domain list: status mark, outcome, host count, providers.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::{block, column_widths, esc, fit, note, spinner, table};
use crate::mx::{MxReport, Outcome};
use crate::text::report::outcome_words;
use crate::tui::keymap::Action;
use crate::tui::state::{Agreement, App, Focus, Standing, outage_count};

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
    let mut title = vec![Span::raw(format!("Domains ({})", app.domains.len()))];
    if pending > 0 {
        title.push(Span::styled(
            format!(" {} {pending} pending", spinner(app.spinner)),
            app.theme.pending,
        ));
    }
    let b = block(title, Focus::Domains, app);
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
    let wide = area.width >= 56;
    let comparing = app.upstreams.len() > 1;
    // Room for "1/2" (answered of all) while pending; else one glyph.
    let wide_cmp = area.width >= 40;
    let mut header = vec!["", "domain", "outcome", "mx"];
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Fill(2),
        Constraint::Length(8),
        Constraint::Length(2),
    ];
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
    let rows = app.domains.iter().map(|d| {
        let standing = Standing::of(d);
        let (outcome, hosts, prov) = match &d.report {
            Some(r) => (outcome_words(r), r.mx.len().to_string(), providers(r)),
            None => ("looking up…".into(), String::new(), String::new()),
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
            Cell::from(Span::styled(
                standing.mark(app.spinner),
                standing.style(&app.theme),
            )),
            Cell::from(Line::from(name)),
            Cell::from(Span::styled(outcome, outcome_style)),
            Cell::from(hosts),
        ];
        if comparing {
            let a = d.agreement();
            match (a, d.unknown_error()) {
                (Agreement::Unknown(_), Some(e)) if wide_cmp => cells.push(Cell::from(
                    Span::styled(format!("? {}", fit(&esc(e), 12)), app.theme.error),
                )),
                _ => cells.push(Cell::from(agreement_mark(a, wide_cmp, app))),
            }
        }
        if wide {
            cells.push(Cell::from(esc(&prov).into_owned()));
        }
        Row::new(cells)
    });
    let header = Row::new(header);
    table(
        frame,
        area,
        app,
        Focus::Domains,
        b,
        header,
        rows.collect(),
        &widths,
        app.domain_cursor,
    );
}
