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
    // a first (1/2): one dead address before its live one; b first: none.
    assert_eq!(s.expected_failed_attempts, 0.5);
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
