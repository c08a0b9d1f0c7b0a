//! Sender profiles: how a sending MTA walks an MX list and retries.
//!
//! Every parameter carries its source. `rfc` is the letter of RFC 5321;
//! `postfix` is Postfix's shipped defaults (postconf(5)). A profile can be
//! overridden field by field ([`Profile::with_overrides`]).
//!
//! Not modelled (both profiles follow the RFC 5321 §5.1 order: hosts of
//! equal preference shuffled, each host's addresses in order): Postfix's
//! `smtp_randomize_addresses` (default yes, shuffles equal-preference
//! *addresses* rather than hosts), `smtp_balance_inet_protocols` and
//! `smtp_address_preference` (mixing of IPv4 and IPv6 within the limit), and
//! `smtp_mx_session_limit` (which counts sessions that connect, not dead
//! addresses).

use serde::Serialize;
use thiserror::Error;

/// How a sender connects and retries. Times are in seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// `rfc` or `postfix`.
    pub name: String,
    /// Most addresses tried in one delivery attempt, across all hosts and
    /// tiers; `None` tries every address.
    pub address_limit: Option<u32>,
    /// How long one connection attempt to a dead address takes to fail.
    pub connect_timeout_s: f64,
    /// Shortest wait between two delivery attempts of a deferred message.
    pub min_backoff_s: f64,
    /// Longest wait between two delivery attempts of a deferred message.
    pub max_backoff_s: f64,
    /// Age at which a message that still fails is returned to its sender.
    pub queue_lifetime_s: f64,
    /// Period of the queue scan that picks up deferred mail (0: none, a
    /// retry happens as soon as its backoff has passed).
    pub queue_run_delay_s: f64,
}

/// RFC 5321 §4.5.4.1: "In general, the retry interval SHOULD be at least 30 minutes".
const RFC_RETRY_S: f64 = 30.0 * 60.0;
/// RFC 5321 §4.5.4.1: "the give-up time generally needs to be at least 4-5 days"
/// (the upper end is taken).
const RFC_GIVE_UP_S: f64 = 5.0 * 86_400.0;
/// RFC 5321 §4.5.3.2 gives no connect timeout; 30 s matches Postfix's
/// `smtp_connect_timeout` so the two profiles differ only where the RFC and
/// Postfix do.
const RFC_CONNECT_TIMEOUT_S: f64 = 30.0;

/// postconf(5) `smtp_mx_address_limit` (default 5, since Postfix 2.3):
/// "The maximal number of MX (mail exchanger) IP addresses that can result
/// from Postfix SMTP client mail exchanger lookups, or zero (no limit)."
const POSTFIX_MX_ADDRESS_LIMIT: u32 = 5;
/// postconf(5) `smtp_connect_timeout` (default 30s).
const POSTFIX_CONNECT_TIMEOUT_S: f64 = 30.0;
/// postconf(5) `minimal_backoff_time` (default 300s since Postfix 2.4).
const POSTFIX_MIN_BACKOFF_S: f64 = 300.0;
/// postconf(5) `maximal_backoff_time` (default 4000s).
const POSTFIX_MAX_BACKOFF_S: f64 = 4000.0;
/// postconf(5) `maximal_queue_lifetime` (default 5d).
const POSTFIX_QUEUE_LIFETIME_S: f64 = 5.0 * 86_400.0;
/// postconf(5) `queue_run_delay` (default 300s): how often the queue
/// manager scans the deferred queue.
const POSTFIX_QUEUE_RUN_DELAY_S: f64 = 300.0;

/// A profile override that makes no sense.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ProfileError {
    #[error("\"{value}\" is not a valid {what}; {hint}")]
    Invalid {
        what: &'static str,
        value: String,
        hint: &'static str,
    },
}

impl Profile {
    /// RFC 5321 to the letter: every address of every host (§5.1), retry
    /// every 30 minutes, give up after 5 days (§4.5.4.1).
    pub fn rfc() -> Self {
        Self {
            name: "rfc".to_string(),
            address_limit: None,
            connect_timeout_s: RFC_CONNECT_TIMEOUT_S,
            min_backoff_s: RFC_RETRY_S,
            max_backoff_s: RFC_RETRY_S,
            queue_lifetime_s: RFC_GIVE_UP_S,
            queue_run_delay_s: 0.0,
        }
    }

    /// Postfix defaults (postconf(5)).
    pub fn postfix() -> Self {
        Self {
            name: "postfix".to_string(),
            address_limit: Some(POSTFIX_MX_ADDRESS_LIMIT),
            connect_timeout_s: POSTFIX_CONNECT_TIMEOUT_S,
            min_backoff_s: POSTFIX_MIN_BACKOFF_S,
            max_backoff_s: POSTFIX_MAX_BACKOFF_S,
            queue_lifetime_s: POSTFIX_QUEUE_LIFETIME_S,
            queue_run_delay_s: POSTFIX_QUEUE_RUN_DELAY_S,
        }
    }

    /// `rfc` or `postfix` (any letter case).
    pub fn by_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "rfc" => Some(Self::rfc()),
            "postfix" => Some(Self::postfix()),
            _ => None,
        }
    }

    /// The next built-in profile (rfc → postfix → rfc), for the TUI's `p` key.
    pub fn next(&self) -> Self {
        if self.name == "rfc" {
            Self::postfix()
        } else {
            Self::rfc()
        }
    }

    /// This profile with some parameters replaced. `address_limit` 0 means
    /// no limit (as in Postfix). Errors name the offending value.
    pub fn with_overrides(
        mut self,
        address_limit: Option<u32>,
        connect_timeout_s: Option<f64>,
        min_backoff_s: Option<f64>,
        max_backoff_s: Option<f64>,
        queue_lifetime_s: Option<f64>,
    ) -> Result<Self, ProfileError> {
        if let Some(n) = address_limit {
            self.address_limit = (n > 0).then_some(n);
        }
        let seconds = |what, v: Option<f64>, current: f64| match v {
            None => Ok(current),
            Some(x) if x.is_finite() && x > 0.0 && x <= 1e9 => Ok(x),
            Some(x) => Err(ProfileError::Invalid {
                what,
                value: x.to_string(),
                hint: "give a positive number of seconds, e.g. 30",
            }),
        };
        self.connect_timeout_s =
            seconds("connect timeout", connect_timeout_s, self.connect_timeout_s)?;
        self.min_backoff_s = seconds("minimal backoff", min_backoff_s, self.min_backoff_s)?;
        self.max_backoff_s = seconds("maximal backoff", max_backoff_s, self.max_backoff_s)?;
        self.queue_lifetime_s = seconds("queue lifetime", queue_lifetime_s, self.queue_lifetime_s)?;
        if self.min_backoff_s > self.max_backoff_s {
            // Only an explicit override can cause this; name the one given.
            let (what, value) = match (min_backoff_s, max_backoff_s) {
                (_, Some(max)) => ("maximal backoff", max),
                (Some(min), None) => ("minimal backoff", min),
                (None, None) => ("maximal backoff", self.max_backoff_s),
            };
            return Err(ProfileError::Invalid {
                what,
                value: value.to_string(),
                hint: "the minimal backoff must not exceed the maximal backoff",
            });
        }
        Ok(self)
    }

    /// When a message that every delivery attempt defers is tried, and when
    /// it bounces.
    ///
    /// Model (attempt durations ignored): the first attempt is at 0. After a
    /// failed attempt at age `t` the next is due at `t + clamp(t, min_backoff,
    /// max_backoff)` — Postfix's queue manager doubles the message's age,
    /// bounded by `minimal_backoff_time` and `maximal_backoff_time`; with the
    /// `rfc` profile both bounds are 30 minutes, a fixed interval. With a queue
    /// scan period the attempt happens at the first scan (a multiple of
    /// `queue_run_delay` after arrival) at or after that. The first attempt
    /// at an age of at least `queue_lifetime` is the last one: when it fails
    /// the message bounces (postconf(5) `maximal_queue_lifetime`: "when
    /// delivery fails with a temporary error, and the time in the queue has
    /// reached the maximal_queue_lifetime limit").
    pub fn retry_timeline(&self) -> RetryTimeline {
        let mut attempts_s = vec![0.0];
        let mut attempts: u64 = 1;
        let mut t: f64 = 0.0;
        while t < self.queue_lifetime_s {
            let next = self.next_attempt(t);
            if t >= self.max_backoff_s && attempts_s.len() >= MAX_LISTED_ATTEMPTS {
                // The backoff is at its cap, so every later step is the same
                // length: count the rest instead of listing them.
                let step = next - t;
                // The relative slack absorbs the rounding of the division
                // (432000 s / 0.01 s is 43200000.000000004 in floating point).
                let rest = ((self.queue_lifetime_s - t) / step * (1.0 - 1e-12))
                    .ceil()
                    .max(1.0);
                t += rest * step;
                attempts = attempts.saturating_add(rest as u64);
                break;
            }
            t = next;
            attempts += 1;
            if attempts_s.len() < MAX_LISTED_ATTEMPTS {
                attempts_s.push(t);
            }
        }
        RetryTimeline {
            bounce_at_s: t,
            attempts,
            attempts_s,
        }
    }

    /// When the attempt after a failed one at age `t` happens.
    fn next_attempt(&self, t: f64) -> f64 {
        let next = t + t.clamp(self.min_backoff_s, self.max_backoff_s);
        if self.queue_run_delay_s > 0.0 {
            (next / self.queue_run_delay_s).ceil() * self.queue_run_delay_s
        } else {
            next
        }
    }
}

/// Attempts listed one by one in a [`RetryTimeline`]; a longer timeline lists
/// its first attempts and counts the rest (the last is `bounce_at_s`).
pub const MAX_LISTED_ATTEMPTS: usize = 1000;

/// The delivery attempts a deferred message gets before it bounces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetryTimeline {
    /// Number of delivery attempts, the first (at 0) included.
    pub attempts: u64,
    /// Age of the message at each delivery attempt, in seconds; the first is
    /// 0. At most [`MAX_LISTED_ATTEMPTS`]: a longer timeline lists its first
    /// attempts only (its last is `bounce_at_s`, its count `attempts`).
    pub attempts_s: Vec<f64>,
    /// Age at which the message bounces: the last attempt, when it fails too.
    pub bounce_at_s: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_retries_every_half_hour_for_five_days() {
        let t = Profile::rfc().retry_timeline();
        assert_eq!(&t.attempts_s[..3], &[0.0, 1800.0, 3600.0]);
        assert_eq!(t.bounce_at_s, 432_000.0);
        assert_eq!(t.attempts, 241);
    }

    #[test]
    fn postfix_backoff_doubles_the_age_then_caps() {
        let t = Profile::postfix().retry_timeline();
        // Due at 4800 + 4000 = 8800, picked up by the 300 s queue scan at 9000;
        // from then on every 4000 s rounds up to 4200 s.
        assert_eq!(
            &t.attempts_s[..8],
            &[0.0, 300.0, 600.0, 1200.0, 2400.0, 4800.0, 9000.0, 13200.0]
        );
        // 4800 + 4200·k ≥ 432000 first at k = 102.
        assert_eq!(t.bounce_at_s, 433_200.0);
        assert_eq!(t.attempts, 6 + 102);
    }

    #[test]
    fn long_timelines_are_counted_not_listed() {
        // 1e9 s at a fixed 0.01 s: 1e11 attempts, computed without listing them.
        let p = Profile::rfc()
            .with_overrides(None, None, Some(0.01), Some(0.01), Some(1e9))
            .unwrap();
        let t = p.retry_timeline();
        assert_eq!(t.attempts_s.len(), MAX_LISTED_ATTEMPTS);
        assert_eq!(t.attempts, 100_000_000_001);
        assert!((t.bounce_at_s - 1e9).abs() < 1e-3, "{}", t.bounce_at_s);
        // Backoff doubling from 1e-9 s up to the 30 min cap, then 1e9 s of it.
        let p = Profile::postfix()
            .with_overrides(None, None, Some(1e-9), None, Some(1e9))
            .unwrap();
        let t = p.retry_timeline();
        assert_eq!(t.attempts_s.len(), MAX_LISTED_ATTEMPTS);
        assert!(t.bounce_at_s >= 1e9 && t.bounce_at_s < 1e9 + 4200.0);
        // Every listed attempt is later than the one before; the count goes on.
        assert!(t.attempts_s.windows(2).all(|w| w[0] < w[1]));
        assert!(t.attempts > 200_000, "{}", t.attempts);
        // Timelines under the cap are listed whole, as before.
        assert_eq!(Profile::postfix().retry_timeline().attempts_s.len(), 108);
    }

    #[test]
    fn cycles_and_names() {
        assert_eq!(Profile::rfc().next().name, "postfix");
        assert_eq!(Profile::postfix().next().name, "rfc");
        assert_eq!(Profile::by_name("Postfix").unwrap().address_limit, Some(5));
        assert!(Profile::by_name("exim").is_none());
    }

    #[test]
    fn overrides_are_checked() {
        let p = Profile::postfix()
            .with_overrides(Some(0), Some(10.0), None, None, None)
            .unwrap();
        assert_eq!(p.address_limit, None);
        assert_eq!(p.connect_timeout_s, 10.0);
        let e = Profile::rfc()
            .with_overrides(None, Some(-1.0), None, None, None)
            .unwrap_err();
        assert!(e.to_string().contains("\"-1\""), "{e}");
        let e = Profile::postfix()
            .with_overrides(None, None, Some(5000.0), None, None)
            .unwrap_err();
        assert!(e.to_string().contains("\"5000\""), "{e}");
    }
}
