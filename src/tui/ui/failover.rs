//! The failover what-if pane: the text of [`crate::tui::whatif`] (the
//! engine of `mxlens simulate` on the selected domain and its outages),
//! scrolled, with its position in the bottom border when it overflows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{block, note};
use crate::mx::enforce::Enforce;
use crate::mx::failover::profile::SenderFamily;
use crate::tui::keymap::Action;
use crate::tui::state::{App, Focus};
use crate::tui::whatif;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let limit = match app.profile.address_limit {
        Some(n) => format!(" · ≤{n} addresses"),
        None => String::new(),
    };
    let family = match app.profile.sender_family {
        SenderFamily::Dual => String::new(),
        f => format!(" · {}", f.describe()),
    };
    // With an enforcing sender or DNS down, the word "profile" makes room.
    let extra = app.enforce != Enforce::None || app.dns_down;
    let mut title = vec![
        Span::raw(if extra {
            "Failover · "
        } else {
            "Failover · profile "
        }),
        Span::styled(app.profile.name.clone(), app.theme.key),
        Span::styled(limit, Style::new()),
        Span::styled(family, app.theme.key),
    ];
    if app.enforce != Enforce::None {
        title.push(Span::raw(" · enforces "));
        title.push(Span::styled(app.enforce.name(), app.theme.key));
    }
    if app.dns_down {
        title.push(Span::raw(" · "));
        title.push(Span::styled("DNS down", app.theme.down));
    }
    let b = block(title, Focus::Failover, app, area);
    if app.simulation.is_none() {
        let text = match app.selected_domain() {
            Some(_) => "waiting for the report",
            None => "",
        };
        note(frame, area, b, Line::styled(text, app.theme.dim));
        return;
    }
    let inner_w = usize::from(area.width.saturating_sub(2)).max(1);
    let view = usize::from(area.height.saturating_sub(2));
    let text = whatif::text(app, inner_w);
    let scroll = usize::from(app.failover_scroll).min(text.len().saturating_sub(view));
    let mut b = b;
    if text.len() > view {
        let how = if app.focus == Focus::Failover {
            String::new()
        } else {
            format!(
                " {} here to scroll ·",
                app.keymap.first_key(Action::FocusNext)
            )
        };
        let at = super::text_position(scroll, view, text.len());
        b = b.title_bottom(Line::styled(format!("{how}{at}"), app.theme.dim).right_aligned());
    }
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(text).block(b).scroll((scroll, 0)), area);
}
