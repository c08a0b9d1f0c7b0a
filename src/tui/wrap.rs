//! Styled text wrapped to a width by rules of our own, so the transition
//! function knows how many rows a text takes (to clamp its scrolling, to
//! give its pane the rows it needs) before anything is drawn.
//!
//! Lines break at spaces. A space between a number and what follows it
//! (`5 d`, `30 s`, `50.0 %`) never breaks, so a quantity stays on one row;
//! a word longer than the width is cut where the row ends.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// A no-break space: wraps like a letter, shows as a space.
const NBSP: char = '\u{a0}';

/// `lines` wrapped to `width` cells; each row keeps its line's style.
pub fn wrap(lines: &[Line<'_>], width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in lines {
        let start = out.len();
        wrap_line(line, width, &mut out);
        for row in &mut out[start..] {
            row.style = line.style;
            row.alignment = line.alignment;
        }
    }
    out
}

/// Rows `lines` take at `width`.
pub fn rows(lines: &[Line<'_>], width: usize) -> usize {
    wrap(lines, width).len()
}

/// One styled character with its width in cells.
#[derive(Clone, Copy)]
struct Cell {
    c: char,
    style: Style,
    w: usize,
}

fn cells(line: &Line<'_>) -> Vec<Cell> {
    let mut out = Vec::new();
    for span in &line.spans {
        let mut prev: Option<char> = None;
        let chars: Vec<char> = span.content.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let next = chars.get(i + 1).copied();
            // "5 d", "30 s", "50.0 %": the quantity keeps its unit.
            let glue = c == ' '
                && prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| !n.is_whitespace());
            let c = if glue { NBSP } else { c };
            let mut buf = [0u8; 4];
            let w = Span::raw(&*c.encode_utf8(&mut buf)).width();
            out.push(Cell {
                c,
                style: span.style,
                w,
            });
            prev = Some(c);
        }
    }
    out
}

/// Splits `cells` into words, each with the spaces that follow it.
fn words(cells: &[Cell]) -> Vec<(&[Cell], &[Cell])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < cells.len() {
        let start = i;
        while i < cells.len() && cells[i].c != ' ' {
            i += 1;
        }
        let word_end = i;
        while i < cells.len() && cells[i].c == ' ' {
            i += 1;
        }
        out.push((&cells[start..word_end], &cells[word_end..i]));
    }
    out
}

fn wrap_line(line: &Line<'_>, width: usize, out: &mut Vec<Line<'static>>) {
    let all = cells(line);
    let mut row: Vec<Cell> = Vec::new();
    let mut row_w = 0;
    let mut pending_space: &[Cell] = &[];
    for (word, spaces) in words(&all) {
        let word_w: usize = word.iter().map(|c| c.w).sum();
        let space_w: usize = pending_space.iter().map(|c| c.w).sum();
        if row_w > 0 && row_w + space_w + word_w > width {
            out.push(to_line(&row));
            row.clear();
            row_w = 0;
        } else {
            row.extend_from_slice(pending_space);
            row_w += space_w;
        }
        for &c in word {
            if row_w + c.w > width && row_w > 0 {
                out.push(to_line(&row));
                row.clear();
                row_w = 0;
            }
            row.push(c);
            row_w += c.w;
        }
        pending_space = spaces;
    }
    // Trailing spaces count only where they fit (a blank line stays one row).
    for &c in pending_space {
        if row_w + c.w > width {
            break;
        }
        row.push(c);
        row_w += c.w;
    }
    out.push(to_line(&row));
}

fn to_line(row: &[Cell]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for cell in row {
        let c = if cell.c == NBSP { ' ' } else { cell.c };
        match spans.last_mut() {
            Some(s) if s.style == cell.style => s.content.to_mut().push(c),
            _ => spans.push(Span::styled(c.to_string(), cell.style)),
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn breaks_at_spaces_and_keeps_quantities_whole() {
        let l = [Line::from("retried for 5 d then bounced")];
        assert_eq!(
            text(&wrap(&l, 13)),
            ["retried for", "5 d then", "bounced"],
            "never 5│d"
        );
        assert_eq!(text(&wrap(&l, 80)), ["retried for 5 d then bounced"]);
    }

    #[test]
    fn cuts_a_word_longer_than_the_row() {
        let l = [Line::from("abcdefghij xy")];
        assert_eq!(text(&wrap(&l, 4)), ["abcd", "efgh", "ij", "xy"]);
    }

    #[test]
    fn keeps_styles_and_counts_rows() {
        let bold = Style::new().add_modifier(ratatui::style::Modifier::BOLD);
        let l = [
            Line::from(vec![Span::styled("ab ", bold), Span::raw("cd ef")]),
            Line::from(""),
        ];
        let w = wrap(&l, 5);
        assert_eq!(text(&w), ["ab cd", "ef", ""]);
        assert_eq!(w[0].spans[0].style, bold);
        assert_eq!(w[0].spans[0].content, "ab ");
        assert_eq!(rows(&l, 5), 3);
    }
}
