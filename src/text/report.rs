//! `mxlens check --format text`: one aligned block per domain.

use std::fmt::Write;

use super::{Style, pad};
use crate::mx::escape::visible;
use crate::mx::{MxReport, Outcome, Severity};

/// One line saying what the outcome means.
pub fn outcome_sentence(r: &MxReport) -> String {
    let hosts = r.mx.iter().filter(|h| !h.is_null()).count();
    match r.outcome {
        Outcome::Mx => {
            let tiers = {
                let mut p: Vec<u16> = r.mx.iter().map(|h| h.preference).collect();
                p.dedup();
                p.len()
            };
            format!(
                "{hosts} MX record{} in {tiers} tier{}",
                if hosts == 1 { "" } else { "s" },
                if tiers == 1 { "" } else { "s" }
            )
        }
        Outcome::Implicit => "no MX: mail goes to the domain's own address (implicit MX)".into(),
        Outcome::NullMx => "null MX: accepts no mail".into(),
        Outcome::NoMail => "no MX and no address: no mail route".into(),
        Outcome::Nxdomain => "the domain does not exist".into(),
        Outcome::Error => format!("lookup failed: {}", r.error_word()),
    }
}

/// Renders one report as an aligned block, ending with a blank line.
pub fn render(r: &MxReport, st: Style) -> String {
    let mut out = String::new();
    let mark = match r.worst_severity() {
        Some(Severity::Error) => st.red("✗"),
        Some(Severity::Warning) => st.yellow("!"),
        _ if r.outcome == Outcome::Error => st.red("✗"),
        _ => st.green("✓"),
    };
    let _ = writeln!(
        out,
        "{mark} {}  {}  {}",
        st.bold(&visible(&r.domain)),
        r.outcome.as_str(),
        st.dim(&format!(
            "({}; resolver {}, {:.1} ms)",
            outcome_sentence(r),
            r.resolver,
            r.elapsed_ms
        ))
    );
    if !r.mx.is_empty() {
        let ex_w =
            r.mx.iter()
                .map(|h| visible(&h.exchange).chars().count())
                .chain(r.mx.iter().flat_map(|h| {
                    h.addresses
                        .iter()
                        .map(|a| a.ip.to_string().chars().count() + 2)
                }))
                .max()
                .unwrap_or(8)
                .max("exchange / address".len());
        let _ = writeln!(
            out,
            "    {}",
            st.dim(&format!(
                "{}  {}  {}  {}",
                pad("pref", 5),
                pad("exchange / address", ex_w),
                pad("ttl", 6),
                "status"
            ))
        );
        let mut last_pref = None;
        for (i, h) in r.mx.iter().enumerate() {
            let tier_size = r.mx.iter().filter(|x| x.preference == h.preference).count();
            if last_pref.is_some() && last_pref != Some(h.preference) {
                let _ = writeln!(out);
            }
            let pref = if last_pref == Some(h.preference) {
                pad("", 5)
            } else {
                pad(&h.preference.to_string(), 5)
            };
            last_pref = Some(h.preference);
            let mut status = if h.is_null() {
                "null MX".to_string()
            } else {
                h.address_status.as_str().to_string()
            };
            if let Some(p) = &h.provider {
                status.push_str(&format!("  [{p}]"));
            }
            if tier_size > 1 && r.mx.iter().position(|x| x.preference == h.preference) == Some(i) {
                status.push_str(&format!("  (tier of {tier_size}: senders shuffle)"));
            }
            let _ = writeln!(
                out,
                "    {}  {}  {}  {}",
                pref,
                pad(&visible(&h.exchange), ex_w),
                pad(&h.ttl.to_string(), 6),
                status
            );
            for c in &h.cname {
                let _ = writeln!(
                    out,
                    "    {}  {}",
                    pad("", 5),
                    st.dim(&format!("  → CNAME {}", visible(c)))
                );
            }
            for a in &h.addresses {
                let family = match a.family {
                    crate::mx::Family::Ipv4 => "ipv4",
                    crate::mx::Family::Ipv6 => "ipv6",
                };
                let detail = match &a.ptr {
                    Some(p) => format!("{family}  {}", p.describe(|n| visible(n).into_owned())),
                    None => family.to_string(),
                };
                let _ = writeln!(
                    out,
                    "    {}  {}  {}  {}",
                    pad("", 5),
                    pad(&format!("  {}", a.ip), ex_w),
                    pad(&a.ttl.to_string(), 6),
                    st.dim(&detail)
                );
            }
        }
    }
    if let Some(a) = &r.authorities {
        out.push_str(&super::authority::render(a, st));
    }
    for (label, line) in crate::text::security::lines(r) {
        let _ = writeln!(out, "    {}  {}", st.dim(&pad(label, 8)), line);
    }
    if !r.findings.is_empty() {
        let code_w = r.findings.iter().map(|f| f.code.len()).max().unwrap_or(0);
        let _ = writeln!(out, "    {}", st.dim("findings"));
        for f in &r.findings {
            let sev = pad(f.severity.as_str(), 7);
            let sev = match f.severity {
                Severity::Error => st.red(&sev),
                Severity::Warning => st.yellow(&sev),
                Severity::Info => st.cyan(&sev),
            };
            let _ = writeln!(
                out,
                "    {sev}  {}  {} {}",
                pad(&f.code, code_w),
                visible(&f.message),
                st.dim(&format!("({})", f.reference))
            );
        }
    }
    out.push('\n');
    out
}
/// The outcome in a few words (`mx`, `null mx`, `timeout`, …), for lists.
pub fn outcome_words(r: &MxReport) -> String {
    match r.outcome {
        Outcome::Mx => "mx".into(),
        Outcome::Implicit => "implicit".into(),
        Outcome::NullMx => "null mx".into(),
        Outcome::NoMail => "no route".into(),
        Outcome::Nxdomain => "nxdomain".into(),
        // The mark says it failed; the word says how.
        Outcome::Error => r.error_word().into(),
    }
}
