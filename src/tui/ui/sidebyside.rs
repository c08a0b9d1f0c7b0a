//! The side-by-side view (`C`): the marked domains in columns, aligned by
//! tier; a `≠` before a tier and before a domain's cell marks what differs
//! (readable without colour), colour repeats it.
//!
//! ```text
//! ╔ Side by side · 3 marked ═══════════════════════════════════════╗
//! ║                     one.test.         two.test.    ≠ three.test.║
//! ║≠ exchanges          1 a.mail.test.    1 a.mail.test. ≠ 10 mx.old║
//! ║                     5 b.mail.test.    5 b.mail.test.            ║
//! ║  providers          unrecognised      unrecognised   unrecognise║
//! ╚ C or Esc closes · ↑/↓ scroll · ←/→ columns ════════════════════╝
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{esc, fit};
use crate::mx::sidebyside::SideBySide;
use crate::tui::keymap::Action;
use crate::tui::state::{App, Mode};

/// Width of the tier label column, its marker included.
const LABEL_W: usize = 19;
/// Narrowest domain column before columns scroll sideways.
const MIN_COL: usize = 18;

/// Which domains fit in `inner_w` columns from `first` on, and how wide each is.
pub fn columns(n: usize, inner_w: usize, first: usize) -> (usize, usize, usize) {
    let room = inner_w.saturating_sub(LABEL_W);
    let fit_n = (room / MIN_COL).clamp(1, n.max(1));
    let first = first.min(n.saturating_sub(fit_n));
    // At least one column (clamped above), so the division is defined.
    let w = room / fit_n;
    (first, fit_n.min(n - first), w)
}

/// The view's lines for an inner width.
pub fn lines(app: &App, view: &SideBySide, inner_w: usize, first: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let n = view.domains.len();
    let (first, shown, w) = columns(n, inner_w, first);
    let cols = first..first + shown;
    let cell = |mark: bool, text: &str| -> String {
        let body = fit(text, w.saturating_sub(3)).into_owned();
        let s = format!("{}{body}", if mark { "≠ " } else { "  " });
        format!("{s:<w$}")
    };
    let mut out = Vec::new();
    // Header: the domain names.
    let mut head = vec![Span::raw(format!("{:<LABEL_W$}", ""))];
    for i in cols.clone() {
        head.push(Span::styled(cell(false, &esc(&view.domains[i])), t.header));
    }
    out.push(Line::from(head));
    for row in &view.tiers {
        let height = cols
            .clone()
            .map(|i| row.values[i].len())
            .max()
            .unwrap_or(0)
            .max(1);
        for line in 0..height {
            let label = if line == 0 {
                format!("{}{}", if row.same { "  " } else { "≠ " }, row.tier.label())
            } else {
                String::new()
            };
            let label_style = if row.same { t.dim } else { t.warning };
            let mut spans = vec![Span::styled(format!("{label:<LABEL_W$}"), label_style)];
            for i in cols.clone() {
                let v = &row.values[i];
                let text = match v.get(line) {
                    Some(s) => esc(s).into_owned(),
                    None if line == 0 => "—".to_string(),
                    None => String::new(),
                };
                let odd = row.odd[i];
                let style = if odd {
                    t.warning
                } else {
                    ratatui::style::Style::new()
                };
                spans.push(Span::styled(cell(odd && line == 0, &text), style));
            }
            out.push(Line::from(spans));
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled(summary(view), t.dim));
    out
}

/// The closing line: how many tiers differ, and who differs most often.
pub fn summary(view: &SideBySide) -> String {
    let differ = view.tiers.iter().filter(|t| !t.same).count();
    if differ == 0 {
        return format!("all {} tiers agree", view.tiers.len());
    }
    let mut line = format!("{differ} of {} tiers differ", view.tiers.len());
    // The domain that stands apart from a majority most often.
    let counts: Vec<usize> = (0..view.domains.len())
        .map(|i| {
            view.tiers
                .iter()
                .filter(|r| !r.majority.is_empty() && r.odd[i])
                .count()
        })
        .collect();
    if let Some((i, &c)) = counts.iter().enumerate().max_by_key(|(_, c)| **c)
        && c > 0
    {
        line.push_str(&format!(
            "; {} differs from the majority in {c}",
            esc(&view.domains[i])
        ));
    }
    line
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Mode::SideBySide { scroll, column } = app.mode else {
        return;
    };
    let Some(view) = app.side_by_side() else {
        return;
    };
    // The status rows stay visible.
    let area = Rect {
        height: area.height.saturating_sub(2),
        ..area
    };
    let inner_w = usize::from(area.width.saturating_sub(2));
    let text = lines(app, &view, inner_w, column);
    let (popup, scroll, scrolls) = crate::tui::layout::popup(area, area.width, text.len(), scroll);
    let n = view.domains.len();
    let (first, shown, _) = columns(n, usize::from(popup.width.saturating_sub(2)), column);
    let k = &app.keymap;
    let mut hint = format!(
        " {} or {} closes",
        k.first_key(Action::SideBySide),
        k.first_key(Action::Back)
    );
    if scrolls {
        hint.push_str(&format!(
            " · {}/{} scroll",
            k.first_key(Action::Up),
            k.first_key(Action::Down)
        ));
    }
    if shown < n {
        hint.push_str(&format!(
            " · ←/→ columns {}–{} of {n}",
            first + 1,
            first + shown
        ));
    }
    hint.push(' ');
    let block = super::popup_block(app, format!(" Side by side · {n} domains "), hint);
    super::render_popup(frame, popup, block, text, scroll);
}
