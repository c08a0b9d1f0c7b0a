//! `mxlens simulate --format text`: tiers, receivers with share bars, the
//! cost of dead addresses, the outcome in one sentence and, when mail can be
//! deferred, the retry timeline. Colour only when [`Style`] says so.

use std::fmt::Write;

use super::{Style, pad};
use crate::mx::escape::visible;
use crate::mx::failover::RetryTimeline;
use crate::mx::failover::profile::SenderFamily;
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

/// A probability for people: `50.0 %`, `0.37 %`, `about 1 in 4,200`,
/// `less than 1 in a billion`, never `3.08e-33`.
pub fn chance(p: f64) -> String {
    if p <= 0.0 {
        return "none".to_string();
    }
    if p >= 0.001 {
        let pct = p * 100.0;
        return if pct >= 1.0 || pct == pct.round() {
            format!("{pct:.1} %")
        } else {
            format!("{pct:.2} %")
        };
    }
    if p < 1e-9 {
        return "less than 1 in a billion".to_string();
    }
    // Two significant digits of 1/p, with thousands separators.
    let n = 1.0 / p;
    let magnitude = 10f64.powi(n.log10().floor() as i32 - 1);
    let rounded = ((n / magnitude).round() * magnitude) as u64;
    let digits = rounded.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("about 1 in {grouped}")
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
                format!(
                    ", after {} failed connection {} on average ({} lost on dead addresses)",
                    number(s.expected_failed_attempts),
                    if number(s.expected_failed_attempts) == "1" {
                        "attempt"
                    } else {
                        "attempts"
                    },
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
        st.dim(&format!(
            "(profile {}{}; {down})",
            s.profile,
            match s.settings.sender_family {
                SenderFamily::Dual => "",
                SenderFamily::Ipv4 => ", IPv4-only sender",
                SenderFamily::Ipv6 => ", IPv6-only sender",
            }
        ))
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
                "  deferred tries  {} of delivery attempts; bounce chance after every retry {}",
                chance(s.deferral_probability),
                chance(s.bounce_probability)
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
    // Each rule is quoted the first time it governs a step, not again.
    let mut quoted: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for t in &w.tiers {
        let order: Vec<String> = t.order.iter().map(|n| visible(n).into_owned()).collect();
        let _ = writeln!(out, "    tier {}: order {}", t.preference, order.join(", "));
        if quoted.insert(t.rule) {
            let _ = writeln!(out, "      {}", st.dim(t.rule));
        }
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
        if quoted.insert(step.rule) {
            let _ = writeln!(out, "        {}", st.dim(step.rule));
        }
    }
    let end = match (&w.outcome, &w.receiver) {
        (SimOutcome::Delivered, Some(r)) => format!("delivered to {}", visible(r)),
        (o, _) => o.as_str().to_string(),
    };
    if quoted.contains(w.rule.as_str()) {
        let _ = writeln!(out, "    => {end}");
    } else {
        let _ = writeln!(out, "    => {end}  {}", st.dim(&visible(&w.rule)));
    }
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
    fn chances_read_naturally() {
        assert_eq!(chance(0.5), "50.0 %");
        assert_eq!(chance(1.0 / 6.0), "16.7 %");
        assert_eq!(chance(0.0037), "0.37 %");
        assert_eq!(chance(0.01), "1.0 %");
        assert_eq!(chance(1.0 / 4_237.0), "about 1 in 4,200");
        assert_eq!(chance(2e-7), "about 1 in 5,000,000");
        assert_eq!(chance(3.08e-33), "less than 1 in a billion");
        assert_eq!(chance(0.0), "none");
    }

    #[test]
    fn bars_scale() {
        assert_eq!(bar(1.0).chars().filter(|&c| c == '█').count(), BAR);
        assert_eq!(bar(0.5).chars().filter(|&c| c == '█').count(), BAR / 2);
        assert_eq!(bar(0.0).chars().filter(|&c| c == '█').count(), 0);
    }
}
