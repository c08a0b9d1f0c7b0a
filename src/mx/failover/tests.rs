//! Hand-computed cases for the engine.

use super::*;
use crate::mx::report::{Address, AddressStatus, LookupError, MxHost};
use crate::mx::report::{MxReport, Outcome};

fn rep(spec: &[(u16, &str, &[&str])]) -> MxReport {
    let mut r = MxReport::new("example.test.", "test");
    r.outcome = Outcome::Mx;
    for (pref, name, ips) in spec {
        let mut h = MxHost::new(*pref, *name, 300);
        for ip in *ips {
            h.addresses.push(Address::new(ip.parse().unwrap(), 60));
        }
        if ips.is_empty() {
            h.address_status = AddressStatus::Nodata;
        }
        r.mx.push(h);
    }
    r
}

/// The same report with every host's addresses in the order written.
fn written(r: &MxReport) -> MxReport {
    let mut r = r.clone();
    for h in &mut r.mx {
        h.addresses_as_written = true;
    }
    r
}

fn down(r: &MxReport, args: &[&str]) -> Outages {
    let mut o = Outages::default();
    for a in args {
        o.add_arg(r, a).unwrap();
    }
    o
}

fn shares(s: &Simulation) -> Vec<(&str, f64)> {
    s.receivers
        .iter()
        .map(|r| (r.exchange.as_str(), r.share))
        .collect()
}

#[test]
fn one_down_in_a_tier_of_three() {
    let r = rep(&[
        (10, "a.example.test.", &["192.0.2.1"]),
        (10, "b.example.test.", &["192.0.2.2"]),
        (10, "c.example.test.", &["192.0.2.3"]),
    ]);
    let s = simulate(&r, &down(&r, &["b.example.test"]), &Profile::rfc());
    assert_eq!(s.outcome, SimOutcome::Delivered);
    assert_eq!(
        shares(&s),
        [("a.example.test.", 0.5), ("c.example.test.", 0.5)]
    );
    assert!((s.expected_failed_attempts - 1.0 / 3.0).abs() < 1e-15);
    assert!((s.expected_delay_s - 10.0).abs() < 1e-12);
    assert_eq!(s.tiers[0].state, TierState::Partial);
    assert_eq!(s.deferral_probability, 0.0);
    assert!(s.retry.is_none());
}

#[test]
fn the_contract_example() {
    let r = rep(&[
        (10, "mx1.example.test.", &["192.0.2.10", "2001:db8::10"]),
        (20, "mx2.example.test.", &["192.0.2.20"]),
    ]);
    let s = simulate(&r, &down(&r, &["mx1.example.test."]), &Profile::rfc());
    let json = serde_json::to_string(&s).unwrap();
    let head = r#"{"schema":"mxlens/simulation/v1","domain":"example.test.","profile":"rfc","down":["mx1.example.test."],"outcome":"delivered","receivers":[{"exchange":"mx2.example.test.","share":1.0}],"expected_failed_attempts":2.0,"expected_delay_s":60.0,"tiers":[{"preference":10,"exchanges":["mx1.example.test."],"state":"down"},{"preference":20,"exchanges":["mx2.example.test."],"state":"up"}],"reason":"#;
    assert!(json.starts_with(head), "{json}");
    assert!(!json.contains("\"walk\""));
}

#[test]
fn a_host_with_one_of_two_addresses_down_still_receives() {
    let r = rep(&[
        (10, "a.example.test.", &["192.0.2.1", "192.0.2.2"]),
        (10, "b.example.test.", &["192.0.2.3"]),
    ]);
    let s = simulate(&r, &down(&r, &["192.0.2.1"]), &Profile::rfc());
    assert_eq!(
        shares(&s),
        [("a.example.test.", 0.5), ("b.example.test.", 0.5)]
    );
    // From DNS, a's two addresses come in either order: a first (1/2) and
    // its dead address first (1/2): 1/4 failed attempt on average.
    assert_eq!(s.expected_failed_attempts, 0.25);
    // Written in this order, a's dead address always comes first: 1/2.
    let w = simulate(&written(&r), &down(&r, &["192.0.2.1"]), &Profile::rfc());
    assert_eq!(shares(&w), shares(&s));
    assert_eq!(w.expected_failed_attempts, 0.5);
    assert_eq!(s.hosts[0].state, HostState::Partial);
    // Every host of the tier is still reachable.
    assert_eq!(s.tiers[0].state, TierState::Up);
}

#[test]
fn all_down_is_deferred_with_a_timeline() {
    let r = rep(&[
        (10, "a.example.test.", &["192.0.2.1", "2001:db8::1"]),
        (20, "b.example.test.", &["192.0.2.2"]),
    ]);
    let s = simulate(
        &r,
        &down(&r, &["a.example.test", "b.example.test"]),
        &Profile::rfc(),
    );
    assert_eq!(s.outcome, SimOutcome::Deferred);
    assert!(s.receivers.is_empty());
    assert_eq!(s.expected_failed_attempts, 3.0);
    assert_eq!(s.expected_delay_s, 90.0);
    let t = s.retry.as_ref().unwrap();
    assert_eq!(t.attempts_s[1], 1800.0);
    assert_eq!(t.bounce_at_s, 432_000.0);
    assert!(s.reason.contains("every address is down"), "{}", s.reason);
    assert!(s.tiers.iter().all(|t| t.state == TierState::Down));
}

#[test]
fn implicit_mx_is_the_domain_itself() {
    let mut r = rep(&[(0, "example.test.", &["192.0.2.1"])]);
    r.outcome = Outcome::Implicit;
    let s = simulate(&r, &Outages::default(), &Profile::rfc());
    assert_eq!(shares(&s), [("example.test.", 1.0)]);
    assert!(s.notes[0].contains("implicit MX"));
    let s = simulate(&r, &down(&r, &["example.test"]), &Profile::rfc());
    assert_eq!(s.outcome, SimOutcome::Deferred);
}

#[test]
fn null_mx_nomail_and_nxdomain_bounce() {
    let mut r = rep(&[(0, ".", &[])]);
    r.outcome = Outcome::NullMx;
    let s = simulate(&r, &Outages::default(), &Profile::rfc());
    assert_eq!(s.outcome, SimOutcome::Bounced);
    assert!(s.reason.contains("null MX"));
    assert!(s.retry.is_none());
    for outcome in [Outcome::NoMail, Outcome::Nxdomain] {
        let mut r = rep(&[]);
        r.outcome = outcome;
        assert_eq!(
            simulate(&r, &Outages::default(), &Profile::postfix()).outcome,
            SimOutcome::Bounced
        );
    }
}

#[test]
fn lookup_error_is_deferred_and_says_so() {
    let mut r = rep(&[]);
    r.outcome = Outcome::Error;
    r.error = Some(LookupError::Servfail);
    let s = simulate(&r, &Outages::default(), &Profile::rfc());
    assert_eq!(s.outcome, SimOutcome::Deferred);
    assert!(
        s.reason.contains("servfail") && s.reason.contains("failed"),
        "{}",
        s.reason
    );
    assert_eq!(s.expected_failed_attempts, 0.0);
}

#[test]
fn exchanges_without_addresses() {
    let r = rep(&[(10, "a.example.test.", &[]), (20, "b.example.test.", &[])]);
    let s = simulate(&r, &Outages::default(), &Profile::rfc());
    assert_eq!(s.outcome, SimOutcome::Bounced, "{}", s.reason);
    let mut r2 = r.clone();
    r2.mx[1].address_status = AddressStatus::Timeout;
    let s = simulate(&r2, &Outages::default(), &Profile::rfc());
    assert_eq!(s.outcome, SimOutcome::Deferred);
    assert!(s.reason.contains("timeout"));
    // An unresolvable primary is skipped without a failed attempt.
    let r3 = rep(&[
        (10, "a.example.test.", &[]),
        (20, "b.example.test.", &["192.0.2.2"]),
    ]);
    let s = simulate(&r3, &Outages::default(), &Profile::rfc());
    assert_eq!(shares(&s), [("b.example.test.", 1.0)]);
    assert_eq!(s.expected_failed_attempts, 0.0);
    assert_eq!(s.hosts[0].state, HostState::NoAddress);
}

#[test]
fn postfix_defers_when_only_the_sixth_address_is_up() {
    let r = rep(&[
        (10, "a.example.test.", &["192.0.2.1", "2001:db8::1"]),
        (10, "b.example.test.", &["192.0.2.2", "2001:db8::2"]),
        (10, "c.example.test.", &["192.0.2.3"]),
        (20, "d.example.test.", &["192.0.2.4"]),
    ]);
    let o = down(&r, &["a.example.test", "b.example.test", "c.example.test"]);
    let s = simulate(&r, &o, &Profile::postfix());
    assert_eq!(s.outcome, SimOutcome::Deferred);
    assert_eq!(s.expected_failed_attempts, 5.0);
    assert_eq!(s.expected_delay_s, 150.0);
    assert!(
        s.reason.contains("at most 5") && s.reason.contains("d.example.test."),
        "{}",
        s.reason
    );
    assert!(s.hosts[3].cut_by_limit);
    assert_eq!(s.retry.as_ref().unwrap().attempts_s[1], 300.0);
    let rfc = simulate(&r, &o, &Profile::rfc());
    assert_eq!(shares(&rfc), [("d.example.test.", 1.0)]);
    assert_eq!(rfc.expected_failed_attempts, 5.0);
    // A limit of 6 reaches it.
    let six = Profile::postfix()
        .with_overrides(Some(6), None, None, None, None)
        .unwrap();
    assert_eq!(simulate(&r, &o, &six).outcome, SimOutcome::Delivered);
}

#[test]
fn postfix_limit_inside_a_random_tier() {
    let names = ["a", "b", "c", "d", "e", "f"].map(|n| format!("{n}.example.test."));
    let ips = [
        "192.0.2.1",
        "192.0.2.2",
        "192.0.2.3",
        "192.0.2.4",
        "192.0.2.5",
        "192.0.2.6",
    ];
    let spec: Vec<(u16, &str, &[&str])> = names
        .iter()
        .zip(&ips)
        .map(|(n, ip)| (10, n.as_str(), std::slice::from_ref(ip)))
        .collect();
    let r = rep(&spec);
    let o = down(
        &r,
        &[
            "a.example.test",
            "b.example.test",
            "c.example.test",
            "d.example.test",
            "e.example.test",
        ],
    );
    let s = simulate(&r, &o, &Profile::postfix());
    // The up host is sixth in 1/6 of the orders: deferred then, retried later.
    assert_eq!(s.outcome, SimOutcome::Delivered);
    assert!((s.deferral_probability - 1.0 / 6.0).abs() < 1e-12);
    assert_eq!(shares(&s), [("f.example.test.", 1.0)]);
    // Given delivery its position is uniform in 1..=5: (0+1+2+3+4)/5 failures.
    assert!((s.expected_failed_attempts - 2.0).abs() < 1e-12);
    let t = s.retry.as_ref().unwrap();
    let want = (1.0f64 / 6.0).powi(t.attempts as i32);
    assert!(
        (s.bounce_probability / want - 1.0).abs() < 1e-9,
        "{}",
        s.bounce_probability
    );
    assert!(s.reason.contains("16.7 %"), "{}", s.reason);
}

#[test]
fn shared_addresses_fail_together_and_are_tried_once() {
    let r = rep(&[
        (10, "a.example.test.", &["192.0.2.1"]),
        (10, "b.example.test.", &["192.0.2.1"]),
        (20, "c.example.test.", &["192.0.2.3"]),
    ]);
    let s = simulate(&r, &down(&r, &["a.example.test"]), &Profile::rfc());
    assert_eq!(shares(&s), [("c.example.test.", 1.0)]);
    assert_eq!(s.expected_failed_attempts, 1.0);
    assert_eq!(s.hosts[1].state, HostState::Down);
    assert!(s.notes.iter().any(|n| n.contains("shared")));
}

#[test]
fn duplicate_exchange_counts_once() {
    let r = rep(&[
        (10, "a.example.test.", &["192.0.2.1"]),
        (10, "a.example.test.", &["192.0.2.1"]),
        (10, "b.example.test.", &["192.0.2.2"]),
    ]);
    let s = simulate(&r, &Outages::default(), &Profile::rfc());
    assert_eq!(
        shares(&s),
        [("a.example.test.", 0.5), ("b.example.test.", 0.5)]
    );
    assert_eq!(s.tiers[0].exchanges.len(), 2);
}

#[test]
fn walk_is_stable_for_a_seed() {
    let r = rep(&[
        (10, "a.example.test.", &["192.0.2.1"]),
        (10, "b.example.test.", &["192.0.2.2"]),
        (10, "c.example.test.", &["192.0.2.3"]),
    ]);
    let o = down(&r, &["b.example.test"]);
    let w1 = walk(&r, &o, &Profile::rfc(), 42);
    let w2 = walk(&r, &o, &Profile::rfc(), 42);
    assert_eq!(w1, w2);
    assert_eq!(w1.outcome, SimOutcome::Delivered);
    assert!(w1.steps.iter().all(|s| !s.rule.is_empty()));
    let last = w1.steps.last().unwrap();
    assert_eq!(last.result, super::walk::StepResult::Connected);
    assert_eq!(w1.failed_attempts as usize, w1.steps.len() - 1);
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// Postfix shuffles the addresses of a preference together and cuts the
/// list after five (one family here, so no balancing). Exactly five
/// addresses: the limit never binds, and the one live address is at a
/// uniform position (mean 2 dead before it). Six: it is sixth with chance
/// 1/6, and then deferred.
#[test]
fn postfix_limit_at_exactly_five_and_six_addresses() {
    let five = rep(&[
        (
            10,
            "a.example.test.",
            &["192.0.2.1", "192.0.2.2", "192.0.2.3"],
        ),
        (10, "b.example.test.", &["192.0.2.4", "192.0.2.5"]),
    ]);
    let dead = [
        "192.0.2.1",
        "192.0.2.2",
        "192.0.2.3",
        "192.0.2.4",
        "192.0.2.6",
    ];
    let live_last = |r: &MxReport| {
        let d: Vec<&str> = dead
            .iter()
            .copied()
            .filter(|ip| {
                r.mx.iter()
                    .any(|h| h.addresses.iter().any(|a| a.ip.to_string() == *ip))
            })
            .collect();
        down(r, &d)
    };
    let s = simulate(&five, &live_last(&five), &Profile::postfix());
    assert_eq!(s.outcome, SimOutcome::Delivered);
    assert_eq!(s.deferral_probability, 0.0);
    assert!(close(s.expected_failed_attempts, 2.0), "{s:?}");
    let mut six = five.clone();
    let mut c = MxHost::new(10, "c.example.test.", 300);
    c.addresses
        .push(Address::new("192.0.2.6".parse().unwrap(), 60));
    six.mx.push(c);
    let s = simulate(&six, &live_last(&six), &Profile::postfix());
    assert_eq!(s.outcome, SimOutcome::Delivered);
    assert!(close(s.deferral_probability, 1.0 / 6.0), "{s:?}");
    // Given delivery the live address is at positions 1–5 alike.
    assert!(close(s.expected_failed_attempts, 2.0), "{s:?}");
    assert!(s.reason.contains("smtp_mx_address_limit"), "{}", s.reason);
    // The rfc sender has no limit: six addresses deliver every time.
    let s = simulate(&six, &live_last(&six), &Profile::rfc());
    assert_eq!(s.deferral_probability, 0.0);
}

/// smtp_balance_inet_protocols: five dead IPv6 addresses at preference 10
/// would fill the limit, but the list keeps 4 IPv6 and the one IPv4
/// address (IPv4 has fewer than its half), so the backup is reached.
#[test]
fn postfix_balance_keeps_both_families() {
    let r = rep(&[
        (
            10,
            "a.example.test.",
            &[
                "2001:db8::1",
                "2001:db8::2",
                "2001:db8::3",
                "2001:db8::4",
                "2001:db8::5",
            ],
        ),
        (20, "b.example.test.", &["192.0.2.9"]),
    ]);
    let o = down(&r, &["a.example.test"]);
    let s = simulate(&r, &o, &Profile::postfix());
    assert_eq!(shares(&s), [("b.example.test.", 1.0)]);
    assert_eq!(s.expected_failed_attempts, 4.0);
    // Without balancing the five IPv6 addresses use up the limit.
    let mut plain = Profile::postfix();
    plain.balance_families = false;
    let s = simulate(&r, &o, &plain);
    assert_eq!(s.outcome, SimOutcome::Deferred);
    // 4 IPv6 dead, 2 IPv4 (one live) in one shuffled tier: 3 IPv6 and both
    // IPv4 kept. Failed = min(IPv6 before the live one, 3) + the dead IPv4
    // when before it: (2 − P(all four IPv6 first) = 1/5) + 1/2 = 2.3.
    let r = rep(&[
        (
            10,
            "a.example.test.",
            &["2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8::4"],
        ),
        (10, "b.example.test.", &["192.0.2.1", "192.0.2.2"]),
    ]);
    let s = simulate(
        &r,
        &down(&r, &["a.example.test", "192.0.2.1"]),
        &Profile::postfix(),
    );
    assert_eq!(s.deferral_probability, 0.0);
    assert!(close(s.expected_failed_attempts, 2.3), "{s:?}");
}

/// The written order does not bind Postfix, which shuffles: a live IPv6
/// address written before five dead IPv4 ones is at a uniform place among
/// six; the list keeps it and the first 4 IPv4, so it always delivers,
/// after min(IPv4 before it, 4) failures: (0+1+2+3+4+4)/6.
#[test]
fn postfix_shuffles_what_was_written() {
    let r = written(&rep(&[(
        10,
        "a.example.test.",
        &[
            "2001:db8::1",
            "192.0.2.1",
            "192.0.2.2",
            "192.0.2.3",
            "192.0.2.4",
            "192.0.2.5",
        ],
    )]));
    let o = down(
        &r,
        &[
            "192.0.2.1",
            "192.0.2.2",
            "192.0.2.3",
            "192.0.2.4",
            "192.0.2.5",
        ],
    );
    let s = simulate(&r, &o, &Profile::postfix());
    assert_eq!(s.outcome, SimOutcome::Delivered);
    assert_eq!(s.deferral_probability, 0.0);
    assert!(close(s.expected_failed_attempts, 14.0 / 6.0), "{s:?}");
    // The rfc sender tries them as written: at once.
    let s = simulate(&r, &o, &Profile::rfc());
    assert_eq!(s.expected_failed_attempts, 0.0);
}

/// Exim: hosts_max_try = 5 is checked only before an address of another
/// preference. Four dead addresses at 10: the backup at 20 is tried. Five
/// or six: the limit is reached when the preference changes: deferred.
#[test]
fn exim_limit_applies_when_the_preference_changes() {
    for (n, delivered) in [(4, true), (5, false), (6, false)] {
        let ips: Vec<String> = (1..=n).map(|i| format!("192.0.2.{i}")).collect();
        let ips: Vec<&str> = ips.iter().map(String::as_str).collect();
        let r = rep(&[
            (10, "a.example.test.", &ips),
            (20, "b.example.test.", &["192.0.2.99"]),
        ]);
        let s = simulate(&r, &down(&r, &["a.example.test"]), &Profile::exim());
        assert_eq!(s.outcome == SimOutcome::Delivered, delivered, "{n}: {s:?}");
        assert_eq!(s.expected_failed_attempts, n as f64, "{n}");
        if !delivered {
            assert!(s.reason.contains("hosts_max_try"), "{}", s.reason);
            assert!(s.hosts[1].cut_by_limit);
        }
    }
    // Within one preference Exim goes on past five, up to the hard limit.
    let ips: Vec<String> = (1..=7).map(|i| format!("192.0.2.{i}")).collect();
    let mut spec: Vec<&str> = ips.iter().map(String::as_str).collect();
    spec.push("192.0.2.50");
    let r = written(&rep(&[(10, "a.example.test.", &spec)]));
    let s = simulate(
        &r,
        &down(&r, &ips.iter().map(String::as_str).collect::<Vec<_>>()),
        &Profile::exim(),
    );
    assert_eq!(s.outcome, SimOutcome::Delivered);
    assert_eq!(s.expected_failed_attempts, 7.0);
}

/// Exim tries a host's IPv6 addresses before its IPv4 ones; the rfc sender
/// takes DNS addresses in any order.
#[test]
fn exim_prefers_ipv6_within_a_host() {
    let r = rep(&[(10, "a.example.test.", &["192.0.2.1", "2001:db8::1"])]);
    let o = down(&r, &["2001:db8::1"]);
    assert_eq!(
        simulate(&r, &o, &Profile::exim()).expected_failed_attempts,
        1.0
    );
    assert_eq!(
        simulate(&r, &o, &Profile::rfc()).expected_failed_attempts,
        0.5
    );
    let o = down(&r, &["192.0.2.1"]);
    assert_eq!(
        simulate(&r, &o, &Profile::exim()).expected_failed_attempts,
        0.0
    );
}

/// An IPv4-only sender cannot use an AAAA-only exchange: for it that
/// backup is unreachable, and a domain reachable only over IPv6 bounces.
#[test]
fn ipv4_only_senders_lose_ipv6_only_exchanges() {
    use super::profile::SenderFamily;
    let r = rep(&[
        (10, "a.example.test.", &["192.0.2.1"]),
        (20, "v6.example.test.", &["2001:db8::6"]),
    ]);
    let o = down(&r, &["a.example.test"]);
    let dual = simulate(&r, &o, &Profile::rfc());
    assert_eq!(shares(&dual), [("v6.example.test.", 1.0)]);
    let v4 = Profile::rfc().with_sender_family(SenderFamily::Ipv4);
    let s = simulate(&r, &o, &v4);
    assert_eq!(s.outcome, SimOutcome::Deferred);
    assert_eq!(s.hosts[1].state, HostState::NoAddress);
    assert!(
        s.notes.iter().any(|n| n.contains("IPv4-only")),
        "{:?}",
        s.notes
    );
    let only6 = rep(&[(10, "v6.example.test.", &["2001:db8::6"])]);
    let s = simulate(&only6, &Outages::default(), &v4);
    assert_eq!(s.outcome, SimOutcome::Bounced);
    assert!(s.reason.contains("family"), "{}", s.reason);
    let v6 = Profile::exim().with_sender_family(SenderFamily::Ipv6);
    assert_eq!(
        simulate(&only6, &Outages::default(), &v6).outcome,
        SimOutcome::Delivered
    );
}
