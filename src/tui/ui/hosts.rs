//! The MX hosts of the selected domain, grouped in preference tiers.
//!
//! Hosts of one tier are joined by a bracket (`┐ ┤ ┘`): senders try them in
//! random order (RFC 5321 §5.1), which the pane's bottom line says.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{block, column_widths, esc, fit, note, spinner, table};
use crate::mx::failover::{HostSim, HostState};
use crate::mx::name::unicode_form;
use crate::mx::{AddressStatus, MxHost, MxReport, Outcome};
use crate::tui::keymap::Action;
use crate::tui::keyspec::Keymap;
use crate::tui::layout::LIST_CHROME;
use crate::tui::security::SecurityState;
use crate::tui::state::{App, Focus};
use crate::tui::theme::Theme;

/// The bracket glyph joining hosts of equal preference.
pub fn tier_glyph(mx: &[MxHost], i: usize) -> &'static str {
    let p = mx[i].preference;
    let same_before = i > 0 && mx[i - 1].preference == p;
    let same_after = mx.get(i + 1).is_some_and(|h| h.preference == p);
    match (same_before, same_after) {
        (false, false) => " ",
        (false, true) => "┐",
        (true, true) => "┤",
        (true, false) => "┘",
    }
}

/// When host `i` repeats an exchange listed before it: the preference it
/// is first listed at (where senders try it).
pub fn first_listing(mx: &[MxHost], i: usize) -> Option<u16> {
    let h = mx.get(i)?;
    if h.is_null() {
        return None;
    }
    mx[..i]
        .iter()
        .find(|o| o.exchange.eq_ignore_ascii_case(&h.exchange))
        .map(|o| o.preference)
}

/// Whether any tier holds more than one host.
pub fn has_shuffled_tier(mx: &[MxHost]) -> bool {
    mx.windows(2).any(|w| w[0].preference == w[1].preference)
}

/// The state word and its style, as the simulation sees the host.
pub fn state_cell(host: &MxHost, sim: Option<&HostSim>, t: &Theme) -> Span<'static> {
    if host.is_null() {
        return Span::styled("no mail", t.dim);
    }
    match sim.map(|h| (h.state, h.cut_by_limit)) {
        Some((HostState::Up, true)) => Span::styled("cut off", t.warning),
        Some((HostState::Up, false)) => Span::styled("up", t.ok),
        Some((HostState::Partial, _)) => Span::styled("partial", t.warning),
        Some((HostState::Down, _)) => Span::styled("DOWN", t.down),
        Some((HostState::NoAddress, _)) | None if host.addresses.is_empty() => {
            let why = match host.address_status {
                AddressStatus::Ok | AddressStatus::Nodata => "no addr",
                s => s.as_str(),
            };
            Span::styled(why, t.error)
        }
        _ => Span::styled("up", t.ok),
    }
}

/// A host's share of the mail, when the simulation delivers.
fn share_cell(sim: Option<&HostSim>, t: &Theme) -> Span<'static> {
    match sim {
        Some(h) if h.share > 0.0 => Span::raw(format!("{:>3.0}%", h.share * 100.0)),
        Some(_) => Span::styled("  0%", t.dim),
        None => Span::raw(""),
    }
}

/// What the pane says when a report has no host rows.
fn empty_line(r: &MxReport, keys: &Keymap) -> Line<'static> {
    match r.outcome {
        Outcome::Error => Line::from(format!(
            "lookup failed ({}): press {} to retry",
            r.error_word(),
            keys.first_key(Action::Requery)
        )),
        Outcome::Nxdomain => Line::from("the domain does not exist"),
        _ => Line::from("no mail route: no MX and no address"),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Some(entry) = app.selected_domain() else {
        note(
            frame,
            area,
            block(vec![Span::raw("MX hosts")], Focus::Hosts, app, area),
            Line::from(""),
        );
        return;
    };
    let mut title = vec![
        Span::raw("MX hosts · "),
        Span::raw(esc(&entry.name).into_owned()),
    ];
    if let Some(u) = unicode_form(&entry.name) {
        title.push(Span::styled(format!(" ({})", esc(&u)), app.theme.dim));
    }
    let mut b = block(title, Focus::Hosts, app, area);
    let Some(report) = &entry.report else {
        let text = format!("{} looking up {}…", spinner(app.spinner), esc(&entry.name));
        note(frame, area, b, Line::styled(text, app.theme.pending));
        return;
    };
    if report.mx.is_empty() {
        note(frame, area, b, empty_line(report, &app.keymap));
        return;
    }
    let mut notes = Vec::new();
    if has_shuffled_tier(&report.mx) {
        notes.push("┐┘ same pref: random order");
    }
    if (0..report.mx.len()).any(|i| first_listing(&report.mx, i).is_some()) {
        notes.push("dup: tried at its first pref");
    }
    if !notes.is_empty() {
        // Leave the right end to the list position (" 3/4 ▼ ").
        let view = usize::from(area.height.saturating_sub(LIST_CHROME));
        let at = super::list_position(app.host_cursor, view, report.mx.len());
        let room = usize::from(area.width).saturating_sub(3 + at.chars().count());
        let text = fit(&format!(" {} ", notes.join(" · ")), room).into_owned();
        b = b.title_bottom(Line::styled(text, app.theme.dim));
    }
    let show_ttl = area.width >= 64;
    let show_share = area.width >= 40;
    let show_provider = area.width >= 64;
    let mut header = vec!["  pref", "exchange"];
    let mut widths = vec![Constraint::Length(7), Constraint::Fill(3)];
    if show_ttl {
        header.push("ttl");
        widths.push(Constraint::Length(6));
    }
    if show_provider {
        header.push("provider");
        widths.push(Constraint::Fill(1));
    }
    // The address count is in the addresses pane too: narrow, the names
    // get its room.
    let show_ips = area.width >= 56;
    if show_ips {
        header.push("ips");
        widths.push(Constraint::Length(3));
    }
    // Transport security marks, once the lookups run (DNSSEC, DANE,
    // MTA-STS: the security view, `i`, says them in words).
    let show_sec = area.width >= 44
        && matches!(
            app.security_state(),
            SecurityState::LookingUp | SecurityState::Done
        );
    if show_sec {
        header.push("sec");
        widths.push(Constraint::Length(3));
    }
    header.push("state");
    widths.push(Constraint::Length(8));
    if show_share {
        header.push("mail");
        widths.push(Constraint::Length(4));
    }
    let name_w = column_widths(area, &widths).get(1).copied().unwrap_or(0);
    let row = |i: usize| {
        let h = &report.mx[i];
        let exchange = if h.is_null() {
            ". (null MX: no mail)".to_string()
        } else {
            esc(&h.exchange).into_owned()
        };
        // A host listed again is tried at its first preference only: the
        // simulation's share belongs to that row, not to this one too.
        let dup_of = first_listing(&report.mx, i);
        let sim = app.host_sim(&h.exchange).filter(|_| dup_of.is_none());
        let down = sim.is_some_and(|s| s.state == HostState::Down);
        let name_style = if down { app.theme.down } else { Style::new() };
        let alias = if h.cname.is_empty() { "" } else { " (alias)" };
        let exchange = fit(&exchange, name_w.saturating_sub(alias.len())).into_owned();
        let mut name = vec![Span::styled(exchange, name_style)];
        if !alias.is_empty() {
            name.push(Span::styled(alias, app.theme.error));
        }
        let mut cells = vec![
            Line::from(format!("{:>5} {}", h.preference, tier_glyph(&report.mx, i))),
            Line::from(name),
        ];
        if show_ttl {
            cells.push(Line::from(h.ttl.to_string()));
        }
        if show_provider {
            cells.push(Line::from(
                esc(h.provider.as_deref().unwrap_or("")).into_owned(),
            ));
        }
        if show_ips {
            cells.push(Line::from(h.addresses.len().to_string()));
        }
        if show_sec {
            cells.push(if h.is_null() {
                Line::from("")
            } else {
                super::security::host_cell(app, report, &h.exchange)
            });
        }
        // An exchange the enforcing sender refuses (and nobody marked
        // down) reads "refused": down for that sender only.
        let refused = !h.is_null()
            && app
                .simulation
                .as_ref()
                .and_then(|s| s.enforce.as_ref())
                .is_some_and(|e| e.refused.iter().any(|r| r.exchange == h.exchange))
            && !entry.outages.host_down(h);
        match dup_of {
            None if refused => {
                cells.push(Line::styled("refused", app.theme.down));
                if show_share {
                    cells.push(Line::from(share_cell(sim, &app.theme)));
                }
            }
            Some(p) => {
                cells.push(Line::styled(format!("dup ({p})"), app.theme.dim));
                if show_share {
                    cells.push(Line::styled("   —", app.theme.dim));
                }
            }
            None => {
                cells.push(Line::from(state_cell(h, sim, &app.theme)));
                if show_share {
                    cells.push(Line::from(share_cell(sim, &app.theme)));
                }
            }
        }
        cells
    };
    table(
        frame,
        area,
        app,
        Focus::Hosts,
        b,
        &header,
        (report.mx.len(), &row),
        &widths,
        app.host_cursor,
    );
}
