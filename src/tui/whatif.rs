//! The failover what-if's text: what senders do with the selected
//! domain's mail while the marked hosts and addresses are down. Built and
//! wrapped here, from the state, so the transition function can clamp its
//! scrolling and the layout can give the pane the rows it needs;
//! `ui::failover` draws it.
//!
//! ```text
//! ✓ DELIVERED · 50 % deferred first  down: mx1.a.test.
//! mx2.a.test.  ████████████████ 100.0 %
//! Mail is delivered to mx2.a.test., after 2 failed connection attempts …
//! tier    10 DOWN    mx1.a.test.
//! tier    20 up      mx2.a.test.
//! Why: …
//! expected failed attempts 2 (1 min at 30 s per attempt)
//! (deferred: the retry timeline)
//! ```

use ratatui::text::{Line, Span};

use super::security::SecurityState;
use super::state::App;
use super::theme::Theme;
use super::wrap::wrap;
use crate::mx::Outcome;
use crate::mx::dns_outage::DnsOutage;
use crate::mx::escape::visible as esc;
use crate::mx::failover::{SimOutcome, Simulation, TierState};
use crate::text::simulation::{duration, outcome_sentence};

/// Widest share bar.
const BAR: usize = 16;

fn bar(share: f64, width: usize) -> String {
    let filled = ((share * width as f64).round() as usize).min(width);
    format!("{}{}", "█".repeat(filled), "·".repeat(width - filled))
}

fn number(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A probability as a percentage for people: `50`, `12.5`, `< 0.1`,
/// never `3.08e-33`.
pub fn percent(p: f64) -> String {
    let x = p * 100.0;
    if x > 0.0 && x < 0.05 {
        return "< 0.1".into();
    }
    if x < 100.0 && x > 99.95 {
        return "> 99.9".into();
    }
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

/// The headline: the outcome, and when it holds only for part of the
/// attempts, what happens to the rest (`✓ DELIVERED · 50 % deferred
/// first`), in the warning style.
fn headline(sim: &Simulation, t: &Theme) -> (String, ratatui::style::Style) {
    match sim.outcome {
        SimOutcome::Delivered => {
            // Below 0.05 % a share is noise of the arithmetic (1e-33), not
            // something a sender will ever see.
            const SEEN: f64 = 0.0005;
            let mut rest = Vec::new();
            if sim.deferral_probability >= SEEN {
                rest.push(format!(
                    "{} % deferred first",
                    percent(sim.deferral_probability)
                ));
            }
            if sim.bounce_probability >= SEEN {
                rest.push(format!("{} % bounced", percent(sim.bounce_probability)));
            }
            if rest.is_empty() {
                ("✓ DELIVERED".into(), t.ok)
            } else {
                (format!("✓ DELIVERED · {}", rest.join(" · ")), t.warning)
            }
        }
        SimOutcome::Deferred => ("↻ DEFERRED".into(), t.warning),
        SimOutcome::Bounced => ("✗ BOUNCED".into(), t.error),
    }
}

/// The pane's text for one simulation, unwrapped, for a pane `width` cells
/// wide inside; `implicit` when the domain has no MX and mail goes to its
/// own address (the simulation's tier 0).
pub fn lines(
    sim: &Simulation,
    t: &Theme,
    width: usize,
    implicit: bool,
    mark: &str,
) -> Vec<Line<'static>> {
    let (badge, style) = headline(sim, t);
    let down = if sim.down.is_empty() {
        format!("nothing down ({mark} marks a host)")
    } else {
        format!(
            "down: {}",
            sim.down
                .iter()
                .map(|d| esc(d))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut out = vec![Line::from(vec![
        Span::styled(badge, style.patch(t.title)),
        Span::raw("  "),
        Span::styled(down, t.dim),
    ])];
    if !sim.receivers.is_empty() {
        let name_w = sim
            .receivers
            .iter()
            .map(|r| esc(&r.exchange).chars().count())
            .max()
            .unwrap_or(0);
        // name, space, bar, " 100.0 %": the bar takes what is left.
        let bar_w = width.saturating_sub(name_w + 9).clamp(4, BAR);
        for r in &sim.receivers {
            out.push(Line::from(vec![
                Span::raw(format!("{:<name_w$} ", esc(&r.exchange))),
                Span::styled(bar(r.share, bar_w), t.ok),
                Span::raw(format!(" {:>5.1} %", r.share * 100.0)),
            ]));
        }
    }
    out.push(Line::from(esc(&outcome_sentence(sim)).into_owned()));
    for tier in &sim.tiers {
        let (word, st) = match tier.state {
            TierState::Up => ("up", t.ok),
            TierState::Partial => ("partial", t.warning),
            TierState::Down => ("DOWN", t.down),
        };
        let names: Vec<String> = tier.exchanges.iter().map(|e| esc(e).into_owned()).collect();
        let shuffle = if tier.exchanges.len() > 1 {
            " (random order)"
        } else {
            ""
        };
        let label = if implicit {
            "implicit MX ".to_string()
        } else {
            format!("tier {:>5} ", tier.preference)
        };
        out.push(Line::from(vec![
            Span::styled(label, t.dim),
            Span::styled(format!("{word:<8}"), st),
            Span::raw(names.join(", ")),
            Span::styled(shuffle, t.dim),
        ]));
    }
    let reason = if implicit {
        "delivered to the domain's own address (no MX: implicit MX, RFC 5321 §5.1)".to_string()
    } else {
        esc(&sim.reason).into_owned()
    };
    out.push(Line::styled(format!("Why: {reason}"), t.dim));
    if sim.outcome != SimOutcome::Bounced {
        let per = if sim.outcome == SimOutcome::Deferred {
            "failed attempts per try"
        } else {
            "expected failed attempts"
        };
        out.push(Line::from(vec![
            Span::styled(format!("{per} "), t.dim),
            Span::raw(number(sim.expected_failed_attempts)),
            Span::styled(
                format!(
                    " ({} at {} per attempt)",
                    duration(sim.expected_delay_s),
                    duration(sim.settings.connect_timeout_s)
                ),
                t.dim,
            ),
        ]));
    }
    if sim.outcome == SimOutcome::Delivered && sim.deferral_probability > 0.0 {
        out.push(Line::styled(
            format!(
                "{} % of delivery attempts end deferred (address limit)",
                percent(sim.deferral_probability)
            ),
            t.warning,
        ));
    }
    if let Some(r) = &sim.retry
        && sim.outcome == SimOutcome::Deferred
    {
        let shown: Vec<String> = r.attempts_s.iter().take(6).map(|s| duration(*s)).collect();
        let more = if r.attempts > shown.len() as u64 {
            ", …"
        } else {
            ""
        };
        out.push(Line::from(""));
        out.push(Line::styled("retry timeline (message age)", t.header));
        out.push(Line::from(format!(
            "{}{more} ({} attempts)",
            shown.join(", "),
            r.attempts
        )));
        out.push(Line::styled(
            format!(
                "bounces at {} if the last attempt fails too",
                duration(r.bounce_at_s)
            ),
            t.error,
        ));
    }
    for n in &sim.notes {
        out.push(Line::styled(format!("note: {}", esc(n)), t.dim));
    }
    out
}

/// What the enforcing sender refuses, above the simulation: each refused
/// exchange with why (the simulation counts it as down), or why it refuses
/// nothing; while the security lookups run, that they do.
fn enforce_lines(app: &App, sim: &Simulation) -> Vec<Line<'static>> {
    let t = &app.theme;
    let Some(e) = &sim.enforce else {
        return Vec::new();
    };
    let head = format!("sender enforces {}: ", e.policy);
    let line = |rest: String, style| {
        Line::from(vec![
            Span::styled(head.clone(), t.header),
            Span::styled(rest, style),
        ])
    };
    match app.security_state() {
        SecurityState::LookingUp => {
            return vec![line(
                "security lookups running: nothing refused yet".into(),
                t.pending,
            )];
        }
        SecurityState::Off => {
            return vec![line(
                "security lookups are off: nothing to enforce".into(),
                t.warning,
            )];
        }
        SecurityState::NotApplicable | SecurityState::Done => {}
    }
    if e.refused.is_empty() {
        let why = e.note.as_deref().map_or_else(
            || "every exchange passes".to_string(),
            |n| esc(n).into_owned(),
        );
        return vec![line(why, t.dim)];
    }
    let mut out = vec![line("refuses (counted as down)".into(), t.warning)];
    for r in &e.refused {
        out.push(Line::from(vec![
            Span::styled(format!("  {}", esc(&r.exchange)), t.down),
            Span::styled(format!(": {}", esc(&r.reason)), t.dim),
        ]));
    }
    if let Some(n) = &e.note {
        out.push(Line::styled(format!("  {}", esc(n)), t.dim));
    }
    out
}

/// The DNS-outage timeline (`D`): above the simulation, one sentence with
/// how long cached senders deliver, when all defer and when mail bounces;
/// below it, where those figures come from and what long TTLs buy and cost.
pub fn dns_down_lines(o: &DnsOutage, t: &Theme) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let head = Span::styled("DNS down: ", t.down);
    if o.all_defer_after_s == 0 {
        let top = vec![
            Line::from(vec![
                head,
                Span::styled(
                    "no exchange has an address to cache: every delivery defers at once",
                    t.error,
                ),
            ]),
            Line::from(""),
        ];
        return (top, Vec::new());
    }
    let top = vec![
        Line::from(vec![
            head,
            Span::raw("cached senders deliver for "),
            Span::styled(duration(f64::from(o.cached_min_s)), t.ok),
            Span::raw(" more; all senders defer after "),
            Span::styled(duration(f64::from(o.all_defer_after_s)), t.warning),
            Span::raw("; mail bounces if DNS is down "),
            Span::styled(duration(o.bounce_after_s), t.error),
        ]),
        Line::from(""),
    ];
    let bottom = vec![
        Line::from(""),
        Line::styled(
            "DNS down: the domain's authoritative servers are unreachable. A sender that cached the MX and an exchange's address keeps delivering while both last (the MX TTL, and the longest-lived A/AAAA of the exchange; a provider's exchange outside the domain, the MX TTL alone); once the longest such path has run out, no sender has a usable cache and every delivery defers until DNS returns; an outage longer than the queue lifetime bounces the mail.",
            t.dim,
        ),
        Line::styled(
            format!(
                "Long TTLs buy time in a DNS outage and cost time in a migration: a changed record reaches every sender only {} after the change.",
                duration(f64::from(o.all_defer_after_s))
            ),
            t.header,
        ),
    ];
    (top, bottom)
}

/// The failover pane's text for the selected domain, wrapped to `width`
/// cells; empty while there is no simulation.
///
/// Layout, scrolling and drawing all ask for it, several times a frame:
/// it is made once per simulation and width.
pub fn text(app: &App, width: usize) -> Vec<Line<'static>> {
    let Some(sim) = &app.simulation else {
        return Vec::new();
    };
    // The enforcement lines say whether the security lookups are still
    // running or off: a change there changes the text, not the simulation.
    let key = (app.simulation_runs, width, app.security_state());
    if let Some((k, text)) = &*app.whatif_text.borrow()
        && *k == key
    {
        return text.clone();
    }
    let implicit = app
        .selected_report()
        .is_some_and(|r| r.outcome == Outcome::Implicit);
    let mark = app.keymap.first_key(super::keymap::Action::ToggleDown);
    // What the sender enforces and the DNS outage come first: they are
    // what the keys just changed, and a short pane shows its top.
    let (top, bottom) = match &sim.dns_outage {
        Some(o) => dns_down_lines(o, &app.theme),
        None => (Vec::new(), Vec::new()),
    };
    let mut all = enforce_lines(app, sim);
    all.extend(top);
    all.extend(lines(sim, &app.theme, width, implicit, &mark));
    all.extend(bottom);
    let text = wrap(&all, width);
    *app.whatif_text.borrow_mut() = Some((key, text.clone()));
    text
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percentages_read_as_people_write_them() {
        assert_eq!(percent(0.5), "50");
        assert_eq!(percent(0.125), "12.5");
        assert_eq!(percent(3.08e-35), "< 0.1");
        assert_eq!(percent(1.0 - 1e-9), "> 99.9");
        assert_eq!(percent(1.0), "100");
    }
}
