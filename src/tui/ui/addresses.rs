//! The addresses of the selected host.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{block, esc, note, table};
use crate::mx::{AddressStatus, Family};
use crate::tui::security::SecurityState;
use crate::tui::state::{App, Focus};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let host = app.selected_host();
    let mut title = vec![Span::raw("Addresses")];
    if let Some(h) = host {
        title.push(Span::raw(" · "));
        title.push(Span::raw(esc(&h.exchange).into_owned()));
    }
    let b = block(title, Focus::Addresses, app, area);
    let Some(h) = host else {
        note(frame, area, b, Line::from(""));
        return;
    };
    if h.addresses.is_empty() {
        let why = match h.address_status {
            AddressStatus::Ok | AddressStatus::Nodata => "no A or AAAA record".to_string(),
            AddressStatus::Nxdomain => "the exchange does not exist".to_string(),
            s => format!("address lookup failed: {}", s.as_str()),
        };
        let text = if h.is_null() {
            "a null MX has no address".to_string()
        } else {
            why
        };
        note(frame, area, b, Line::styled(text, app.theme.error));
        return;
    }
    let show_family = area.width >= 52;
    // Reverse DNS, once the lookups run: the mark, and the name where
    // there is room for it.
    let show_ptr = matches!(
        app.security_state(),
        SecurityState::LookingUp | SecurityState::Done
    );
    // With room, the address column takes what its addresses need and the
    // PTR name the rest.
    let ptr_wide = show_ptr && area.width >= 44;
    let addr_w = h
        .addresses
        .iter()
        .map(|a| a.ip.to_string().len())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut header = vec!["address"];
    let mut widths = vec![if ptr_wide {
        Constraint::Length(u16::try_from(addr_w).unwrap_or(39))
    } else {
        Constraint::Fill(1)
    }];
    if show_family {
        header.push("family");
        widths.push(Constraint::Length(6));
    }
    if show_ptr {
        header.push("ptr");
        widths.push(if ptr_wide {
            Constraint::Fill(1)
        } else {
            Constraint::Length(3)
        });
    }
    header.extend(["ttl", "state"]);
    widths.extend([Constraint::Length(6), Constraint::Length(5)]);
    let ptr_w = if ptr_wide {
        let i = if show_family { 2 } else { 1 };
        super::column_widths(area, &widths)
            .get(i)
            .copied()
            .unwrap_or(1)
    } else {
        1
    };
    let row = |i: usize| {
        let a = &h.addresses[i];
        let down = app.address_down(&h.exchange, a.ip);
        let (state, style) = if down {
            ("DOWN", app.theme.down)
        } else {
            ("up", app.theme.ok)
        };
        let family = match a.family {
            Family::Ipv4 => "IPv4",
            Family::Ipv6 => "IPv6",
        };
        let mut cells = vec![Line::from(Span::styled(
            a.ip.to_string(),
            if down { app.theme.down } else { Style::new() },
        ))];
        if show_family {
            cells.push(Line::from(family));
        }
        if show_ptr {
            cells.push(super::security::ptr_cell(app, a, ptr_wide, ptr_w));
        }
        cells.push(Line::from(a.ttl.to_string()));
        cells.push(Line::from(Span::styled(state, style)));
        cells
    };
    // The family is plain from the address itself: the first thing to go.
    table(
        frame,
        area,
        app,
        Focus::Addresses,
        b,
        &header,
        (h.addresses.len(), &row),
        &widths,
        app.addr_cursor,
    );
}
