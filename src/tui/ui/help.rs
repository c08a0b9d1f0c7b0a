//! The help overlay, generated from the key table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout as RLayout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::keymap::{Action, Group};
use crate::tui::state::{App, Mode};

/// One group of bindings: a title, a line per binding, a blank line.
fn group(app: &App, g: Group) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(g.title(), app.theme.header)];
    for b in app.keymap.bindings().iter().filter(|b| b.group == g) {
        out.push(Line::from(vec![
            Span::styled(format!("  {:<8}", b.label), app.theme.key),
            Span::raw(b.help),
        ]));
    }
    out.push(Line::from(""));
    out
}

/// The legend of the domain marks, and the mouse.
fn legend(app: &App) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled("Marks", app.theme.header)];
    for (mark, style, what) in [
        ("✓", app.theme.ok, "no finding above info"),
        ("!", app.theme.warning, "a warning"),
        ("✗", app.theme.error, "an error finding"),
        (
            "?",
            app.theme.error,
            "the lookup failed (timeout, SERVFAIL, …)",
        ),
        ("⠋", app.theme.pending, "looking up"),
        ("⇣n", app.theme.warning, "n hosts or addresses marked down"),
        ("=", app.theme.ok, "every resolver gives the same answer"),
        (
            "≠",
            app.theme.warning,
            "the resolvers disagree: = shows how",
        ),
    ] {
        out.push(Line::from(vec![
            Span::styled(format!("  {mark:<8}"), style),
            Span::raw(what),
        ]));
    }
    out.push(Line::from(""));
    out.push(Line::styled(
        "Mouse: click a pane or a row, wheel scrolls",
        app.theme.dim,
    ));
    out
}

/// The help text in one column: every group, then the legend.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Group::ALL.iter().flat_map(|g| group(app, *g)).collect();
    out.extend(legend(app));
    out
}

/// Two columns, for wide terminals: moving around, the app keys and the
/// legend on the left, what the keys do to domains on the right.
fn columns(app: &App) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let mut left = group(app, Group::Move);
    left.extend(group(app, Group::App));
    left.extend(legend(app));
    let right = [Group::Domains, Group::Failover, Group::Copy]
        .iter()
        .flat_map(|g| group(app, *g))
        .collect();
    (left, right)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let scroll = match app.mode {
        Mode::Help { scroll } => scroll,
        _ => 0,
    };
    let two = area.width >= 118;
    let (left, right) = if two {
        columns(app)
    } else {
        (lines(app), Vec::new())
    };
    let tall = left.len().max(right.len());
    let (popup, scroll, scrolls) =
        crate::tui::layout::popup(area, if two { 114 } else { 64 }, tall, scroll);
    app.popup_max_scroll
        .set(crate::tui::layout::popup_max_scroll(tall, popup));
    let k = &app.keymap;
    let closes = format!(
        " {} or {} closes ",
        k.first_key(Action::Help),
        k.first_key(Action::Back)
    );
    let hint = if scrolls {
        format!(
            "{closes}· {}/{} scroll ",
            k.first_key(Action::Up),
            k.first_key(Action::Down)
        )
    } else {
        closes
    };
    let block = super::popup_block(app, " Help ".into(), hint);
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    if two {
        let [l, r] =
            RLayout::horizontal([Constraint::Length(53), Constraint::Fill(1)]).areas(inner);
        frame.render_widget(Paragraph::new(left).scroll((scroll, 0)), l);
        frame.render_widget(Paragraph::new(right).scroll((scroll, 0)), r);
    } else {
        frame.render_widget(Paragraph::new(left).scroll((scroll, 0)), inner);
    }
}
