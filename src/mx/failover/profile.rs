//! Sender profiles: how a sending MTA orders an MX list's addresses, how
//! many it tries, and how it retries.
//!
//! Every parameter carries its source. A profile can be overridden field by
//! field ([`Profile::with_overrides`]), and every profile can be run for a
//! dual-stack, IPv4-only or IPv6-only sender ([`SenderFamily`]).
//!
//! - `rfc`, the letter of RFC 5321: hosts of a preference shuffled (§5.1
//!   "MUST randomize"), each host's addresses tried "in the order presented":
//!   as written in a what-if, and for addresses from DNS, which have no order
//!   (RFC 2181 §5; resolvers rotate them), every order equally likely. No
//!   address limit; retry every 30 min, give up after 5 days (§4.5.4.1).
//! - `postfix`, Postfix's shipped defaults (postconf(5); `src/smtp/smtp_addr.c`
//!   `smtp_domain_addr()`, `smtp_balance_inet_proto()`; `src/smtp/smtp_connect.c`).
//!   Modelled: the MX hosts are resolved into one address list, which
//!   `smtp_randomize_addresses = yes` shuffles and then sorts by preference, so
//!   all addresses of one preference come in one uniformly random order,
//!   across hosts (`dns_rr_shuffle`, then `dns_rr_sort`); with
//!   `smtp_address_preference = any` (default since 2.8) no family is sorted
//!   first; `smtp_mx_address_limit = 5` cuts the list after five addresses;
//!   and with `smtp_balance_inet_protocols = yes` (default since 3.3), when
//!   the list holds both families and more addresses than the limit, the list
//!   keeps (in its order) only the first ⌈5/2⌉ = 3 addresses of one family and
//!   the first 2 of the other, fewer of one when it has fewer, so both
//!   families are tried. Approximated: an address listed under two hosts
//!   counts once (Postfix would list it twice); the family given the odd
//!   slot is IPv6 here (Postfix's choice follows its address preference);
//!   `smtp_mx_session_limit` (sessions that connect) is not modelled: a dead
//!   address never makes a session.
//! - `exim`, Exim's defaults (Exim specification, chapter "The smtp
//!   transport": `hosts_max_try`, `hosts_max_try_hardlimit`,
//!   `hosts_randomize`, `connect_timeout`; chapter "Retry configuration" for
//!   the default retry rule). Modelled: hosts of one MX preference in random
//!   order (the dnslookup router randomises equal preferences;
//!   `hosts_randomize = false` concerns host lists given to the transport or
//!   a manualroute router, not MX records); each host's IPv6 addresses before
//!   its IPv4 ones (Exim looks up AAAA before A unless `ipv4_prefer` is set),
//!   each family in the order presented; `hosts_max_try = 5` addresses, a
//!   limit checked only when the next address has a different MX preference
//!   from the last one tried, and `hosts_max_try_hardlimit = 50` always
//!   ("How the limits for the number of hosts to try are used"). Approximated:
//!   retry data that would skip a host is not modelled (every dead address is
//!   tried), and the queue runner's interval is taken as 0.

use std::net::IpAddr;

use serde::Serialize;
use thiserror::Error;

/// Which address families the sending host can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SenderFamily {
    /// Both IPv4 and IPv6.
    #[default]
    Dual,
    /// IPv4 only (still most senders): IPv6 addresses are unusable.
    Ipv4,
    /// IPv6 only: IPv4 addresses are unusable.
    Ipv6,
}

impl SenderFamily {
    /// How a sender of this family is described to people.
    pub fn describe(self) -> &'static str {
        match self {
            SenderFamily::Dual => "dual-stack sender",
            SenderFamily::Ipv4 => "IPv4-only sender",
            SenderFamily::Ipv6 => "IPv6-only sender",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SenderFamily::Dual => "dual",
            SenderFamily::Ipv4 => "ipv4",
            SenderFamily::Ipv6 => "ipv6",
        }
    }

    /// Whether the sender can connect to `ip`.
    pub fn allows(self, ip: &IpAddr) -> bool {
        match self {
            SenderFamily::Dual => true,
            SenderFamily::Ipv4 => ip.is_ipv4(),
            SenderFamily::Ipv6 => ip.is_ipv6(),
        }
    }

    /// dual → ipv4 → ipv6 → dual, for the TUI.
    pub fn next(self) -> Self {
        match self {
            SenderFamily::Dual => SenderFamily::Ipv4,
            SenderFamily::Ipv4 => SenderFamily::Ipv6,
            SenderFamily::Ipv6 => SenderFamily::Dual,
        }
    }
}

/// How the addresses of one preference are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressOrder {
    /// Hosts shuffled; each host's addresses as presented (RFC 5321 §5.1).
    PerHost,
    /// Every address of the preference shuffled together, across hosts
    /// (Postfix `smtp_randomize_addresses`).
    ShuffledPerPreference,
    /// Hosts shuffled; each host's IPv6 addresses before its IPv4 ones, each
    /// family as presented (Exim).
    Ipv6First,
}

/// One rule of an Exim-style retry schedule, applied until `until_s` after
/// the first attempt.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RetryRule {
    pub until_s: f64,
    pub interval_s: f64,
    /// 1 for a fixed interval (`F`), above 1 for a geometric one (`G`).
    pub factor: f64,
}

/// How a sender connects and retries. Times are in seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// `rfc`, `postfix` or `exim`.
    pub name: String,
    /// Most addresses tried in one delivery attempt, across all hosts and
    /// tiers; `None` tries every address. With `address_limit_hard` (Exim)
    /// it is checked only before an address of another preference than the
    /// last one tried.
    pub address_limit: Option<u32>,
    /// Exim's `hosts_max_try_hardlimit`: most addresses tried in any case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_limit_hard: Option<u32>,
    /// How the addresses of one preference are ordered.
    pub address_order: AddressOrder,
    /// Postfix's `smtp_balance_inet_protocols`: both families kept within
    /// the address limit.
    pub balance_families: bool,
    /// Which families the sender can connect to.
    pub sender_family: SenderFamily,
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
    /// Exim's retry rules; when present they replace the backoff bounds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retry_rules: Vec<RetryRule>,
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

/// Exim smtp transport `hosts_max_try` (default 5).
const EXIM_HOSTS_MAX_TRY: u32 = 5;
/// Exim smtp transport `hosts_max_try_hardlimit` (default 50).
const EXIM_HOSTS_MAX_TRY_HARDLIMIT: u32 = 50;
/// Exim smtp transport `connect_timeout` (default 5m).
const EXIM_CONNECT_TIMEOUT_S: f64 = 300.0;
/// The retry rule of Exim's default configuration, `* * F,2h,15m;
/// G,16h,1h,1.5; F,4d,6h`: every 15 min for 2 h, then from 1 h growing by
/// 1.5 until 16 h, then every 6 h until 4 days (chapter "Retry configuration").
const EXIM_RETRY_RULES: [RetryRule; 3] = [
    RetryRule {
        until_s: 2.0 * 3600.0,
        interval_s: 15.0 * 60.0,
        factor: 1.0,
    },
    RetryRule {
        until_s: 16.0 * 3600.0,
        interval_s: 3600.0,
        factor: 1.5,
    },
    RetryRule {
        until_s: 4.0 * 86_400.0,
        interval_s: 6.0 * 3600.0,
        factor: 1.0,
    },
];

/// A profile override that makes no sense.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ProfileError {
    #[error("\"{value}\" is not a valid {what}; {hint}")]
    Invalid {
        what: &'static str,
        value: String,
        hint: &'static str,
    },
    #[error(
        "--{flag} does not apply to exim, which retries by its retry rules; give --queue-lifetime to move the give-up time"
    )]
    NotForExim { flag: &'static str },
}

impl Profile {
    /// RFC 5321 to the letter: every address of every host (§5.1), retry
    /// every 30 minutes, give up after 5 days (§4.5.4.1).
    pub fn rfc() -> Self {
        Self {
            name: "rfc".to_string(),
            address_limit: None,
            address_limit_hard: None,
            address_order: AddressOrder::PerHost,
            balance_families: false,
            sender_family: SenderFamily::Dual,
            connect_timeout_s: RFC_CONNECT_TIMEOUT_S,
            min_backoff_s: RFC_RETRY_S,
            max_backoff_s: RFC_RETRY_S,
            queue_lifetime_s: RFC_GIVE_UP_S,
            queue_run_delay_s: 0.0,
            retry_rules: Vec::new(),
        }
    }

    /// Postfix defaults (postconf(5)).
    pub fn postfix() -> Self {
        Self {
            name: "postfix".to_string(),
            address_limit: Some(POSTFIX_MX_ADDRESS_LIMIT),
            address_limit_hard: None,
            address_order: AddressOrder::ShuffledPerPreference,
            balance_families: true,
            sender_family: SenderFamily::Dual,
            connect_timeout_s: POSTFIX_CONNECT_TIMEOUT_S,
            min_backoff_s: POSTFIX_MIN_BACKOFF_S,
            max_backoff_s: POSTFIX_MAX_BACKOFF_S,
            queue_lifetime_s: POSTFIX_QUEUE_LIFETIME_S,
            queue_run_delay_s: POSTFIX_QUEUE_RUN_DELAY_S,
            retry_rules: Vec::new(),
        }
    }

    /// Exim defaults (the Exim specification; see the module notes).
    pub fn exim() -> Self {
        let last = EXIM_RETRY_RULES[EXIM_RETRY_RULES.len() - 1];
        Self {
            name: "exim".to_string(),
            address_limit: Some(EXIM_HOSTS_MAX_TRY),
            address_limit_hard: Some(EXIM_HOSTS_MAX_TRY_HARDLIMIT),
            address_order: AddressOrder::Ipv6First,
            balance_families: false,
            sender_family: SenderFamily::Dual,
            connect_timeout_s: EXIM_CONNECT_TIMEOUT_S,
            min_backoff_s: EXIM_RETRY_RULES[0].interval_s,
            max_backoff_s: last.interval_s,
            queue_lifetime_s: last.until_s,
            queue_run_delay_s: 0.0,
            retry_rules: EXIM_RETRY_RULES.to_vec(),
        }
    }

    /// `rfc`, `postfix` or `exim` (any letter case).
    pub fn by_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "rfc" => Some(Self::rfc()),
            "postfix" => Some(Self::postfix()),
            "exim" => Some(Self::exim()),
            _ => None,
        }
    }

    /// The next built-in profile (rfc → postfix → exim → rfc), for the TUI's
    /// `p` key; the sender family is kept.
    pub fn next(&self) -> Self {
        let next = match self.name.as_str() {
            "rfc" => Self::postfix(),
            "postfix" => Self::exim(),
            _ => Self::rfc(),
        };
        next.with_sender_family(self.sender_family)
    }

    /// This profile for a sender that can use only `family`.
    pub fn with_sender_family(mut self, family: SenderFamily) -> Self {
        self.sender_family = family;
        self
    }

    /// The address limits in words, e.g. "at most 5 addresses
    /// (smtp_mx_address_limit)"; `None` when there is no limit.
    pub fn limit_words(&self) -> Option<String> {
        let soft = self.address_limit?;
        Some(match (self.name.as_str(), self.address_limit_hard) {
            (_, Some(hard)) => format!(
                "at most {soft} addresses before another preference, {hard} in all{}",
                if self.name == "exim" {
                    " (hosts_max_try, hosts_max_try_hardlimit)"
                } else {
                    ""
                }
            ),
            ("postfix", None) => format!(
                "at most {soft} addresses (smtp_mx_address_limit){}",
                if self.balance_families {
                    ", both families kept (smtp_balance_inet_protocols)"
                } else {
                    ""
                }
            ),
            _ => format!("at most {soft} addresses"),
        })
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
            if n == 0 {
                self.address_limit_hard = None;
            }
        }
        if !self.retry_rules.is_empty() {
            if min_backoff_s.is_some() {
                return Err(ProfileError::NotForExim {
                    flag: "min-backoff",
                });
            }
            if max_backoff_s.is_some() {
                return Err(ProfileError::NotForExim {
                    flag: "max-backoff",
                });
            }
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
            if self.steady(t) && attempts_s.len() >= MAX_LISTED_ATTEMPTS {
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
        let next = if self.retry_rules.is_empty() {
            t + t.clamp(self.min_backoff_s, self.max_backoff_s)
        } else {
            t + self.rule_interval(t)
        };
        if self.queue_run_delay_s > 0.0 {
            (next / self.queue_run_delay_s).ceil() * self.queue_run_delay_s
        } else {
            next
        }
    }

    /// Exim: the interval of the rule that covers age `t` (the last rule
    /// goes on past its end). A geometric rule's interval grows by its factor
    /// at each retry since the rule began.
    fn rule_interval(&self, t: f64) -> f64 {
        let mut start = 0.0;
        for (i, r) in self.retry_rules.iter().enumerate() {
            if t < r.until_s || i + 1 == self.retry_rules.len() {
                if r.factor <= 1.0 {
                    return r.interval_s;
                }
                // Replay the rule from its start to find the current interval.
                let (mut at, mut step) = (start, r.interval_s);
                while at + step <= t {
                    at += step;
                    step *= r.factor;
                }
                return step;
            }
            start = r.until_s;
        }
        self.max_backoff_s
    }

    /// From age `t` on, every retry interval is the same.
    fn steady(&self, t: f64) -> bool {
        match self.retry_rules.last() {
            None => t >= self.max_backoff_s,
            Some(last) => {
                let before = self.retry_rules.len().checked_sub(2);
                last.factor <= 1.0 && before.is_none_or(|i| t >= self.retry_rules[i].until_s)
            }
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

    /// The default rule `F,2h,15m; G,16h,1h,1.5; F,4d,6h`, attempt by attempt.
    #[test]
    fn exim_retries_by_its_default_rule() {
        let t = Profile::exim().retry_timeline();
        let h = |x: f64| x * 3600.0;
        // Every 15 min to 2 h: 0, 0.25 h … 2 h (9 attempts).
        assert_eq!(t.attempts_s[8], h(2.0));
        // Then 1 h, 1.5 h, 2.25 h, 3.375 h, 5.0625 h: 3, 4.5, 6.75, 10.125, 15.1875 h,
        // then 7.59375 h reaches 22.78125 h, past 16 h.
        assert_eq!(
            &t.attempts_s[9..14],
            &[h(3.0), h(4.5), h(6.75), h(10.125), h(15.1875)]
        );
        assert_eq!(t.attempts_s[14], h(22.78125));
        // Then every 6 h until 4 days (96 h): 22.78 + 6k ≥ 96 first at k = 13.
        assert_eq!(t.bounce_at_s, h(22.78125 + 6.0 * 13.0));
        assert_eq!(t.attempts, 15 + 13);
        assert!(matches!(
            Profile::exim().with_overrides(None, None, Some(60.0), None, None),
            Err(ProfileError::NotForExim { .. })
        ));
    }

    #[test]
    fn cycles_and_names() {
        assert_eq!(Profile::rfc().next().name, "postfix");
        assert_eq!(Profile::postfix().next().name, "exim");
        assert_eq!(Profile::exim().next().name, "rfc");
        let v4 = Profile::rfc().with_sender_family(SenderFamily::Ipv4);
        assert_eq!(v4.next().next().sender_family, SenderFamily::Ipv4);
        assert_eq!(Profile::by_name("Postfix").unwrap().address_limit, Some(5));
        let exim = Profile::by_name("EXIM").unwrap();
        assert_eq!(
            (exim.address_limit, exim.address_limit_hard),
            (Some(5), Some(50))
        );
        assert!(Profile::by_name("sendmail").is_none());
        assert_eq!(SenderFamily::Ipv6.next(), SenderFamily::Dual);
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
