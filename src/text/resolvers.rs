//! Several resolvers' answers for one domain, compared (`check` text,
//! `watch`): which agree, how the others differ and when each one's cached
//! answer expires, and which gave no answer at all (unknown, not "everything
//! removed").

use crate::mx::MxReport;
use crate::mx::diff::{self, Comparison};
use crate::mx::escape::visible;

/// The comparison block for one domain, ending with a blank line.
pub fn render(reports: &[MxReport]) -> String {
    let Some(first) = reports.first() else {
        return String::new();
    };
    let domain = visible(&first.domain).into_owned();
    let mut out = String::new();
    let unknown_line = |r: &MxReport, e: &str| {
        format!(
            "? {domain}: {} gave no answer ({e}): unknown, not compared\n",
            visible(&r.resolver)
        )
    };
    let Some(reference) = reports.iter().find(|r| diff::failure(r).is_none()) else {
        out.push_str(&format!("? {domain}: no resolver answered\n"));
        for r in reports {
            out.push_str(&unknown_line(r, diff::failure(r).unwrap_or("error")));
        }
        out.push('\n');
        return out;
    };
    let mut agree = vec![reference.resolver.as_str()];
    let mut differ = String::new();
    let mut unknown = String::new();
    for r in reports.iter().filter(|r| !std::ptr::eq(*r, reference)) {
        match diff::compare(reference, r) {
            Comparison::Same => agree.push(&r.resolver),
            Comparison::Unknown { error, .. } => unknown.push_str(&unknown_line(r, &error)),
            Comparison::Differs(d) => {
                differ.push_str(&format!(
                    "≠ {domain}: {} differs from {}\n",
                    visible(&d.b),
                    visible(&d.a)
                ));
                for c in &d.changes {
                    match diff::expiry_note(c, reference, r) {
                        Some(note) => differ.push_str(&format!("    {c}   ({note})\n")),
                        None => differ.push_str(&format!("    {c}\n")),
                    }
                }
            }
        }
    }
    if agree.len() == reports.len() {
        out.push_str(&format!(
            "= {domain}: all {} resolvers agree\n",
            reports.len()
        ));
    } else if agree.len() > 1 {
        let names: Vec<String> = agree.iter().map(|a| visible(a).into_owned()).collect();
        out.push_str(&format!("= {domain}: {} agree\n", names.join(", ")));
    }
    out.push_str(&differ);
    out.push_str(&unknown);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mx::{LookupError, MxHost, Outcome};

    fn report(resolver: &str, exchange: &str, ttl: u32) -> MxReport {
        let mut r = MxReport::new("d.test.", resolver);
        r.outcome = Outcome::Mx;
        r.mx.push(MxHost::new(10, exchange, ttl));
        r
    }

    fn failed(resolver: &str) -> MxReport {
        let mut r = MxReport::new("d.test.", resolver);
        r.outcome = Outcome::Error;
        r.error = Some(LookupError::Timeout);
        r
    }

    #[test]
    fn agreement_difference_and_unknown() {
        let a = report("a:53", "new.d.test.", 300);
        let b = report("b:53", "old.d.test.", 2460);
        let c = failed("c:53");
        let text = render(&[a.clone(), b, c.clone()]);
        assert_eq!(
            text,
            "≠ d.test.: b:53 differs from a:53\n\
             \x20   - MX 10 new.d.test.   (expires at a:53 in 5 m, at b:53 in 41 m)\n\
             \x20   + MX 10 old.d.test.   (expires at a:53 in 5 m, at b:53 in 41 m)\n\
             ? d.test.: c:53 gave no answer (timeout): unknown, not compared\n\n"
        );
        let text = render(&[c, a.clone(), a]);
        assert!(
            text.starts_with("= d.test.: a:53, a:53 agree\n? d.test.: c:53"),
            "{text}"
        );
        assert!(
            !text.contains("- MX"),
            "a failed primary removes nothing: {text}"
        );
    }
}
