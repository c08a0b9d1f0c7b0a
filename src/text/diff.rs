//! `mxlens diff --format text` (and `check --baseline`): one block per
//! domain, a sign column (`+ - ~ = ?`) so changes read without colour.

use std::fmt::Write;

use super::Style;
use crate::mx::changes::Change;
use crate::mx::escape::visible;
use crate::mx::snapshot::{DomainDiff, Side, Status};

fn side(s: &Option<Side>) -> String {
    match s {
        Some(s) => format!("{} via {}", visible(&s.source), visible(&s.resolver)),
        None => "nowhere".into(),
    }
}

/// The sign of a status, coloured when `st` says so.
pub fn status_mark(status: Status, st: Style) -> String {
    match status {
        Status::Same => st.green("="),
        Status::Changed => st.yellow("±"),
        Status::Added => st.green("+"),
        Status::Removed => st.red("-"),
        Status::Unknown => st.red("?"),
    }
}

/// One change line, indented, its sign coloured.
pub fn change_line(c: &Change, st: Style) -> String {
    let sign = c.sign().to_string();
    let sign = match c.sign() {
        '+' => st.green(&sign),
        '-' => st.red(&sign),
        _ => st.yellow(&sign),
    };
    format!("    {sign} {c}\n")
}

/// One domain's block.
pub fn render(d: &DomainDiff, st: Style) -> String {
    let mut out = String::new();
    let name = st.bold(&visible(&d.domain));
    let mark = status_mark(d.status, st);
    let _ = match d.status {
        Status::Same => writeln!(out, "{mark} {name}  same"),
        Status::Changed => writeln!(
            out,
            "{mark} {name}  {} change{}  {}",
            d.changes.len(),
            if d.changes.len() == 1 { "" } else { "s" },
            st.dim(&format!("({} → {})", side(&d.before), side(&d.after)))
        ),
        Status::Added => writeln!(out, "{mark} {name}  only in {}", side(&d.after)),
        Status::Removed => writeln!(out, "{mark} {name}  only in {}", side(&d.before)),
        Status::Unknown => writeln!(
            out,
            "{mark} {name}  unknown: the lookup failed ({}) at {}",
            visible(d.error.as_deref().unwrap_or("error")),
            side(&d.after)
        ),
    };
    for c in &d.changes {
        out.push_str(&change_line(c, st));
    }
    out
}

/// The closing line: how many domains changed, were added, removed, unknown.
pub fn summary(diffs: &[DomainDiff]) -> String {
    let count = |s: Status| diffs.iter().filter(|d| d.status == s).count();
    let mut parts = vec![format!(
        "{} of {} changed",
        count(Status::Changed),
        diffs.len()
    )];
    for (s, word) in [
        (Status::Added, "added"),
        (Status::Removed, "removed"),
        (Status::Unknown, "unknown"),
    ] {
        if count(s) > 0 {
            parts.push(format!("{} {word}", count(s)));
        }
    }
    format!("\n{}\n", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mx::changes::Options;
    use crate::mx::snapshot::diff_reports;
    use crate::mx::{MxHost, MxReport, Outcome};

    #[test]
    fn blocks_read_without_colour() {
        let mut a = MxReport::new("a.test.", "lab");
        a.outcome = Outcome::Mx;
        a.mx.push(MxHost::new(10, "mx1.a.test.", 300));
        let mut b = a.clone();
        b.mx[0].preference = 5;
        let d = diff_reports(&[a], &[b], ("old.jsonl", "live"), Options::default());
        assert_eq!(
            render(&d[0], Style::plain()),
            "± a.test.  1 change  (old.jsonl via lab → live via lab)\n    ~ preference of mx1.a.test.: 10 → 5\n"
        );
        assert_eq!(summary(&d), "\n1 of 1 changed\n");
    }
}
