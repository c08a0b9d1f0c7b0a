//! The failover what-if: what senders do with the selected domain's mail
//! while the marked hosts and addresses are down.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{block, esc, note};
use crate::tui::app::{App, Focus, profile_name};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let title = vec![
        Span::raw("Failover · profile "),
        Span::styled(profile_name(app.profile), app.theme.key),
    ];
    let b = block(title, Focus::Failover, app);
    let Some(entry) = app.selected_domain() else {
        note(frame, area, b, Line::from(""));
        return;
    };
    let mut lines = Vec::new();
    if entry.marks.is_empty() {
        lines.push(Line::styled(
            "no outage simulated: Space marks a host or an address down",
            app.theme.dim,
        ));
    } else {
        lines.push(Line::from("marked down:"));
        for h in &entry.marks.hosts {
            lines.push(Line::styled(format!("  {}", esc(h)), app.theme.down));
        }
        for a in &entry.marks.addresses {
            lines.push(Line::styled(format!("  {a}"), app.theme.down));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(b)
            .wrap(Wrap { trim: false })
            .scroll((app.failover_scroll, 0)),
        area,
    );
}
