//! `mxlens simulate --format text`: tiers, receivers with share bars, the
//! cost of dead addresses, the outcome in one sentence and, when mail can be
//! deferred, the retry timeline. Colour only when [`Style`] says so.

use std::fmt::Write;

use super::{Style, pad};
use crate::mx::escape::visible;
use crate::mx::failover::RetryTimeline;
use crate::mx::failover::{HostState, SimOutcome, Simulation, TierState};
use crate::mx::failover::{StepResult, Walk};

const BAR: usize = 24;

/// `90 s`, `30 min`, `1 h 6 min 40 s`, `5 d 0 h 20 min`.
pub fn duration(s: f64) -> String {
    if s < 60.0 {
        let r = (s * 10.0).round() / 10.0;
        return if r.fract() == 0.0 {
            format!("{r:.0} s")
        } else {
            format!("{r:.1} s")
        };
    }
    let total = s.round() as u64;
    let (d, h, m, sec) = (
        total / 86_400,
        total / 3600 % 24,
        total / 60 % 60,
        total % 60,
    );
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d} d"));
    }
    if h > 0 || (d > 0 && (m > 0 || sec > 0)) {
        parts.push(format!("{h} h"));
    }
    if m > 0 || (!parts.is_empty() && sec > 0) {
        parts.push(format!("{m} min"));
    }
    if sec > 0 {
        parts.push(format!("{sec} s"));
    }
    parts.join(" ")
}

fn bar(share: f64) -> String {
    let filled = ((share * BAR as f64).round() as usize).min(BAR);
    format!("{}{}", "█".repeat(filled), "·".repeat(BAR - filled))
}

fn number(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The outcome in one sentence.
pub fn outcome_sentence(s: &Simulation) -> String {
    match s.outcome {
        SimOutcome::Delivered => {
            let who = match s.receivers.as_slice() {
                [one] => visible(&one.exchange).into_owned(),
                many => format!("{} hosts, shared as shown", many.len()),
            };
            let cost = if s.expected_failed_attempts > 0.0 {
                let n = number(s.expected_failed_attempts);
                let plural = if n == "1" { "" } else { "s" };
                format!(
                    ", after {n} failed connection attempt{plural} on average ({} lost on dead addresses)",
                    duration(s.expected_delay_s)
                )
            } else {
                ", with no failed connection attempt".to_string()
            };
            format!("Mail is delivered to {who}{cost}.")
        }
        SimOutcome::Deferred => match &s.retry {
            Some(t) => format!(
                "Mail is deferred: senders keep it queued, retry {} times over {}, then bounce it.",
                t.attempts - 1,
                duration(t.bounce_at_s)
            ),
            None => "Mail is deferred.".to_string(),
        },
        SimOutcome::Bounced => "Mail bounces: the sender returns it at once.".to_string(),
    }
}

/// Renders a simulation as an aligned block, ending with a blank line.
pub fn render(s: &Simulation, st: Style) -> String {
    let mut out = String::new();
    let outcome = match s.outcome {
        SimOutcome::Delivered => st.green("delivered"),
        SimOutcome::Deferred => st.yellow("deferred"),
        SimOutcome::Bounced => st.red("bounced"),
    };
    let down = if s.down.is_empty() {
        "nothing down".to_string()
    } else {
        format!(
            "down: {}",
            s.down
                .iter()
                .map(|d| visible(d).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let _ = writeln!(
        out,
        "{}  {outcome}  {}",
        st.bold(&visible(&s.domain)),
        st.dim(&format!("(profile {}; {down})", s.profile))
    );
    let _ = writeln!(out, "  {}", outcome_sentence(s));
    let _ = writeln!(
        out,
        "  {}",
        st.dim(&format!("Why: {}.", visible(&s.reason)))
    );
    if !s.tiers.is_empty() {
        let _ = writeln!(out);
        let w = s
            .hosts
            .iter()
            .map(|h| visible(&h.exchange).chars().count())
            .max()
            .unwrap_or(0);
        for t in &s.tiers {
            let state = match t.state {
                TierState::Up => st.green("up"),
                TierState::Partial => st.yellow("partial"),
                TierState::Down => st.red("down"),
            };
            let _ = writeln!(out, "  tier {:<5} {state}", t.preference);
            for h in s.hosts.iter().filter(|h| h.preference == t.preference) {
                let name = pad(&visible(&h.exchange), w);
                let hs = match h.state {
                    HostState::Up => st.green(&pad("up", 10)),
                    HostState::Partial => st.yellow(&pad("partial", 10)),
                    HostState::Down => st.red(&pad("down", 10)),
                    HostState::NoAddress => st.red(&pad("no address", 10)),
                };
                let share = if h.share > 0.0 {
                    format!("{} {:>5.1} %", bar(h.share), h.share * 100.0)
                } else {
                    format!("{} {:>5} %", bar(0.0), "0")
                };
                let cut = if h.cut_by_limit {
                    st.yellow("  cut by the address limit")
                } else {
                    String::new()
                };
                let _ = writeln!(out, "    {name}  {share}  {hs}{cut}");
                let addrs: Vec<String> = h
                    .addresses
                    .iter()
                    .map(|a| {
                        if a.down {
                            st.red(&format!("{} (down)", a.ip))
                        } else {
                            a.ip.to_string()
                        }
                    })
                    .collect();
                if !addrs.is_empty() {
                    let _ = writeln!(out, "    {}  {}", pad("", w), st.dim(&addrs.join(", ")));
                }
            }
        }
    }
    // Nothing to connect to (the lookup failed): no attempt figures to show.
    if s.outcome != SimOutcome::Bounced && !s.hosts.is_empty() {
        let _ = writeln!(out);
        let label = if s.outcome == SimOutcome::Deferred {
            "failed attempts per try"
        } else {
            "expected failed attempts"
        };
        let _ = writeln!(
            out,
            "  {label}  {}  ({} at {} per attempt)",
            number(s.expected_failed_attempts),
            duration(s.expected_delay_s),
            duration(s.settings.connect_timeout_s)
        );
        if s.outcome == SimOutcome::Delivered && s.deferral_probability > 0.0 {
            let _ = writeln!(
                out,
                "  deferred tries  {:.1} % of delivery attempts; bounce chance after every retry {:.2e}",
                s.deferral_probability * 100.0,
                s.bounce_probability
            );
        }
    }
    if !s.exact {
        let _ = writeln!(
            out,
            "  {}",
            st.yellow(&format!(
                "estimated: each share within ±{:.4}",
                s.error_bound
            ))
        );
    }
    if let Some(t) = &s.retry {
        render_timeline(&mut out, t, st);
    }
    if !s.notes.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "  notes");
        for n in &s.notes {
            let _ = writeln!(out, "    - {}", visible(n));
        }
    }
    if let Some(w) = &s.walk {
        render_walk(&mut out, w, st);
    }
    let _ = writeln!(out);
    // Padding leaves trailing blanks on some lines; drop them.
    out.lines()
        .map(str::trim_end)
        .fold(String::new(), |mut acc, l| {
            acc.push_str(l);
            acc.push('\n');
            acc
        })
}

fn render_timeline(out: &mut String, t: &RetryTimeline, st: Style) {
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  retry timeline (message age at each delivery attempt)"
    );
    let shown: Vec<String> = t.attempts_s.iter().take(8).map(|&x| duration(x)).collect();
    let more = if t.attempts > 8 {
        format!(", … ({} attempts in all)", t.attempts)
    } else {
        String::new()
    };
    let _ = writeln!(out, "    {}{more}", shown.join(", "));
    let _ = writeln!(
        out,
        "    {}",
        st.red(&format!(
            "bounces at {} if the last attempt fails too",
            duration(t.bounce_at_s)
        ))
    );
}

fn render_walk(out: &mut String, w: &Walk, st: Style) {
    let _ = writeln!(out);
    let _ = writeln!(out, "  example walk (seed {})", w.seed);
    for t in &w.tiers {
        let order: Vec<String> = t.order.iter().map(|n| visible(n).into_owned()).collect();
        let _ = writeln!(out, "    tier {}: order {}", t.preference, order.join(", "));
        let _ = writeln!(out, "      {}", st.dim(t.rule));
    }
    for (i, step) in w.steps.iter().enumerate() {
        let what = match step.result {
            StepResult::Connected => st.green("connected"),
            StepResult::Failed => st.red("timed out"),
            StepResult::Skipped => st.dim("skipped, already tried"),
            StepResult::NoAddress => st.red("no address"),
            StepResult::LimitReached => st.yellow("not tried: address limit reached"),
        };
        let addr = step
            .address
            .map_or_else(|| "-".to_string(), |a| a.to_string());
        let _ = writeln!(
            out,
            "    {:>2}. {} {}  {what}  {}",
            i + 1,
            visible(&step.exchange),
            addr,
            st.dim(&format!("t+{}", duration(step.elapsed_s)))
        );
        let _ = writeln!(out, "        {}", st.dim(step.rule));
    }
    let end = match (&w.outcome, &w.receiver) {
        (SimOutcome::Delivered, Some(r)) => format!("delivered to {}", visible(r)),
        (o, _) => o.as_str().to_string(),
    };
    let _ = writeln!(out, "    => {end}  {}", st.dim(&visible(&w.rule)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0.0), "0 s");
        assert_eq!(duration(10.0), "10 s");
        assert_eq!(duration(1.0 / 3.0 * 30.0), "10 s");
        assert_eq!(duration(90.0), "1 min 30 s");
        assert_eq!(duration(1800.0), "30 min");
        assert_eq!(duration(4000.0), "1 h 6 min 40 s");
        assert_eq!(duration(432_000.0), "5 d");
        assert_eq!(duration(433_200.0), "5 d 0 h 20 min");
    }

    #[test]
    fn bars_scale() {
        assert_eq!(bar(1.0).chars().filter(|&c| c == '█').count(), BAR);
        assert_eq!(bar(0.5).chars().filter(|&c| c == '█').count(), BAR / 2);
        assert_eq!(bar(0.0).chars().filter(|&c| c == '█').count(), 0);
    }
}
