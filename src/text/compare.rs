//! `mxlens compare --format text`: the domains aligned by tier, one line
//! per domain under each tier; a `≠` column marks what differs, so the
//! view reads without colour.

use std::fmt::Write;

use super::{Style, pad};
use crate::mx::escape::visible;
use crate::mx::sidebyside::SideBySide;

/// Renders the comparison; `resolver` labels where the answers came from.
pub fn render(s: &SideBySide, resolver: &str, st: Style) -> String {
    let mut out = String::new();
    let names: Vec<String> = s.domains.iter().map(|d| visible(d).into_owned()).collect();
    let label_w = s
        .tiers
        .iter()
        .map(|t| t.tier.label().len())
        .chain(names.iter().map(|n| n.chars().count() + 2))
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        out,
        "{} domains side by side {}\n",
        names.len(),
        st.dim(&format!("(resolver {})", visible(resolver)))
    );
    for t in &s.tiers {
        let joined: Vec<String> = t
            .values
            .iter()
            .map(|v| {
                if v.is_empty() {
                    "—".to_string()
                } else {
                    v.iter()
                        .map(|l| visible(l).into_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            })
            .collect();
        let label = pad(t.tier.label(), label_w);
        if t.same && joined.windows(2).all(|w| w[0] == w[1]) {
            let _ = writeln!(out, "  {}  same: {}", st.bold(&label), joined[0]);
            continue;
        }
        let verdict = if t.same {
            "same shape".to_string()
        } else if t.majority.is_empty() {
            "differ".to_string()
        } else {
            let odd: Vec<String> = t.differs.iter().map(|d| visible(d).into_owned()).collect();
            format!(
                "{} differ{} from the other {}",
                odd.join(", "),
                if odd.len() == 1 { "s" } else { "" },
                t.majority.len()
            )
        };
        let mark = if t.same { " ".into() } else { st.red("≠") };
        let _ = writeln!(out, "{mark} {}  {verdict}", st.bold(&label));
        for (i, name) in names.iter().enumerate() {
            let m = if t.odd[i] { st.red("≠") } else { " ".into() };
            let _ = writeln!(
                out,
                "  {m} {}{}",
                pad(name, label_w - 2),
                format_args!("  {}", joined[i])
            );
        }
    }
    let differ = s.tiers.iter().filter(|t| !t.same).count();
    let _ = if differ == 0 {
        writeln!(out, "\nall {} tiers agree", s.tiers.len())
    } else {
        writeln!(out, "\n{differ} of {} tiers differ", s.tiers.len())
    };
    out
}
