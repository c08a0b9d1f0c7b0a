//! `mxlens simulate` as a user runs it: the real binary against the built-in
//! demo and the test lab (real DNS servers on loopback).

mod support;

use std::process::Output;

use serde_json::Value;
use support::{TestDns, mxlens};

fn run(args: &[&str]) -> Output {
    mxlens().args(args).output().unwrap()
}

async fn run_async(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || mxlens().args(&args).output().unwrap())
        .await
        .unwrap()
}

fn json(out: &Output) -> Value {
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(text.lines().count(), 1, "one JSON object per line: {text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    validate(&v);
    // The contract's fields come first, in the contract's order.
    let positions: Vec<usize> = CONTRACT
        .iter()
        .map(|k| text.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.starts_with("{\"schema\":"), "{text}");
    v
}

const CONTRACT: [&str; 9] = [
    "schema",
    "domain",
    "profile",
    "down",
    "outcome",
    "receivers",
    "expected_failed_attempts",
    "expected_delay_s",
    "tiers",
];

/// The DESIGN §6 contract: the first fields, in order, with their types.
fn validate(v: &Value) {
    let obj = v.as_object().unwrap();
    for k in CONTRACT {
        assert!(obj.contains_key(k), "missing {k}: {v}");
    }
    assert_eq!(v["schema"], "mxlens/simulation/v1");
    let outcome = v["outcome"].as_str().unwrap();
    assert!(["delivered", "deferred", "bounced"].contains(&outcome));
    let shares: f64 = v["receivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["share"].as_f64().unwrap())
        .sum();
    if outcome == "delivered" {
        assert!((shares - 1.0).abs() < 1e-9, "{v}");
    } else {
        assert_eq!(v["receivers"].as_array().unwrap().len(), 0);
    }
    for t in v["tiers"].as_array().unwrap() {
        assert!(["up", "partial", "down"].contains(&t["state"].as_str().unwrap()));
    }
}

fn receivers(v: &Value) -> Vec<(String, f64)> {
    v["receivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["exchange"].as_str().unwrap().to_string(),
                r["share"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn equal_tier_survivors_share_exactly() {
    let out = run(&[
        "simulate",
        "--demo",
        "equal.example",
        "--down",
        "mx-b.equal.example",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(
        receivers(&v),
        [
            ("mx-a.equal.example.".to_string(), 0.5),
            ("mx-c.equal.example.".to_string(), 0.5)
        ]
    );
    // mx-b (two dead addresses) comes first in 1/3 of the orders.
    assert!((v["expected_failed_attempts"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(v["down"], serde_json::json!(["mx-b.equal.example."]));
    assert_eq!(v["tiers"][0]["state"], "partial");
    assert_eq!(v["tiers"][1]["state"], "up");
    // Any letter case, trailing dot or not: the same answer.
    let again = json(&run(&[
        "simulate",
        "--demo",
        "equal.example",
        "--down",
        "MX-B.Equal.Example.",
        "--format",
        "json",
    ]));
    assert_eq!(again, v);
}

#[test]
fn healthy_primary_down_falls_back() {
    let v = json(&run(&[
        "simulate",
        "--demo",
        "healthy.example",
        "--down",
        "mx1.healthy.example",
        "--format",
        "json",
    ]));
    assert_eq!(receivers(&v), [("mx2.healthy.example.".to_string(), 1.0)]);
    assert_eq!(v["expected_failed_attempts"], 2.0);
    assert_eq!(v["expected_delay_s"], 60.0);
    assert_eq!(v["tiers"][0]["state"], "down");
    assert_eq!(v["tiers"][1]["state"], "up");
}

#[test]
fn unknown_down_values_are_usage_errors() {
    for bad in ["mx9.healthy.example", "192.0.2.250", "2001:db8::dead"] {
        let out = run(&["simulate", "--demo", "healthy.example", "--down", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("\"{bad}\"")), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn routing_outcomes_from_the_demo() {
    let cases = [
        ("nullmx.example", "bounced", 1),
        ("nomail.example", "bounced", 1),
        ("gone.example", "bounced", 1),
        ("unserved.test", "deferred", 2),
    ];
    for (domain, outcome, code) in cases {
        let out = run(&["simulate", "--demo", domain, "--format", "json"]);
        assert_eq!(out.status.code(), Some(code), "{domain}");
        let v = json(&out);
        assert_eq!(v["outcome"], outcome, "{domain}: {v}");
    }
    let v = json(&run(&[
        "simulate",
        "--demo",
        "implicit.example",
        "--format",
        "json",
    ]));
    assert_eq!(receivers(&v), [("implicit.example.".to_string(), 1.0)]);
}

#[test]
fn shared_backup_addresses_fail_together() {
    // backup1 and backup2 share 198.51.100.121; with mx down, taking that
    // address down leaves nothing.
    let v = json(&run(&[
        "simulate",
        "--demo",
        "shared.example",
        "--down",
        "mx.shared.example",
        "--down",
        "198.51.100.121",
        "--format",
        "json",
    ]));
    assert_eq!(v["outcome"], "deferred");
    // mx's two addresses, then the shared one once.
    assert_eq!(v["expected_failed_attempts"], 3.0);
    assert!(v["retry"]["attempts_s"][1].as_f64().unwrap() >= 1800.0);
}

#[test]
fn text_output_shows_bars_and_sentence() {
    let out = run(&[
        "simulate",
        "--demo",
        "equal.example",
        "--down",
        "mx-b.equal.example",
        "--seed",
        "7",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Mail is delivered to 2 hosts"), "{text}");
    assert!(text.contains("50.0 %") && text.contains('█'), "{text}");
    assert!(text.contains("example walk (seed 7)"), "{text}");
    assert!(text.contains("RFC 5321 §5.1"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour unless asked: {text}");
}

#[test]
fn hostile_names_are_escaped() {
    let out = run(&["simulate", "--demo", "hostile.example"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(text.contains("\\027"), "{text}");
}

/// The simulator keeps names as data; what reaches the terminal is escaped,
/// in errors as in output.
#[test]
fn hostile_values_in_errors_are_escaped() {
    for args in [
        vec![
            "simulate",
            "--demo",
            "healthy.example",
            "--down",
            "\u{1b}[31mred",
        ],
        vec![
            "simulate",
            "example.test",
            "--mx",
            "10 a.example.test=\u{1b}[2J",
        ],
        vec![
            "simulate",
            "example.test",
            "--mx",
            "ten\u{9b}31m a.example.test",
        ],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{9b}'),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("\\027") || err.contains("\\155"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn seeded_walk_is_reproducible() {
    let args = [
        "simulate",
        "--demo",
        "equal.example",
        "--seed",
        "12345",
        "--format",
        "json",
    ];
    let a = json(&run(&args));
    let b = json(&run(&args));
    assert_eq!(a["walk"], b["walk"]);
    assert_eq!(a["walk"]["seed"], 12345);
    assert_eq!(a["walk"]["outcome"], "delivered");
    // The tier's order cites RFC 5321's randomisation, the first address
    // RFC 2181's unordered addresses: each rule where it applies.
    assert!(
        a["walk"]["tiers"][0]["rule"]
            .as_str()
            .unwrap()
            .contains("RFC 5321 §5.1")
    );
    assert!(
        a["walk"]["steps"][0]["rule"]
            .as_str()
            .unwrap()
            .contains("RFC 2181 §5")
    );
}

#[test]
fn what_if_with_inline_addresses_needs_no_dns() {
    // No --demo, no --resolver: every address is inline, nothing is looked up.
    let v = json(&run(&[
        "simulate",
        "example.test",
        "--mx",
        "10 a.example.test=192.0.2.1/2001:db8::1, 20 b.example.test=192.0.2.2",
        "--down",
        "2001:db8::1",
        "--format",
        "json",
    ]));
    assert_eq!(receivers(&v), [("a.example.test.".to_string(), 1.0)]);
    assert_eq!(v["tiers"][0]["state"], "up");
    assert_eq!(v["hosts"][0]["state"], "partial");
    assert_eq!(v["expected_failed_attempts"], 0.0);
    let out = run(&[
        "simulate",
        "example.test",
        "--mx",
        "10 a.example.test=not-an-ip",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"not-an-ip\""));
}

const LAB: &str = "@ IN MX 10 a\n@ IN MX 10 b\n@ IN MX 10 c\n@ IN MX 20 d\n\
a IN A 192.0.2.1\na IN AAAA 2001:db8::1\nb IN A 192.0.2.2\nb IN AAAA 2001:db8::2\n\
c IN AAAA 2001:db8::3\nd IN A 192.0.2.4\nv6only IN AAAA 2001:db8::6\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postfix_limit_defers_while_the_sixth_address_is_up() {
    let lab = TestDns::start(&[("lab.test.", LAB)]).await;
    let resolver = lab.addr().to_string();
    let args = |profile: &str| {
        [
            "simulate",
            "lab.test",
            "--resolver",
            &resolver,
            "--profile",
            profile,
            "--down",
            "a.lab.test",
            "--down",
            "b.lab.test",
            "--down",
            "2001:db8::3",
            "--format",
            "json",
        ]
        .map(str::to_string)
        .to_vec()
    };
    let out = run_async(args("postfix")).await;
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["outcome"], "deferred");
    assert_eq!(v["expected_failed_attempts"], 5.0);
    let reason = v["reason"].as_str().unwrap();
    assert!(
        reason.contains("at most 5") && reason.contains("d.lab.test."),
        "{reason}"
    );
    assert_eq!(v["retry"]["attempts_s"][1], 300.0);
    let out = run_async(args("rfc")).await;
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(receivers(&v), [("d.lab.test.".to_string(), 1.0)]);
    // The text says why.
    let mut text_args = args("postfix");
    text_args.truncate(text_args.len() - 2);
    let out = run_async(text_args).await;
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("cut by the address limit"), "{text}");
    assert!(text.contains("bounces at"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_if_looks_up_what_is_not_inline() {
    let lab = TestDns::start(&[("lab.test.", LAB)]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("proposal.zone");
    std::fs::write(
        &file,
        "@ MX 10 v6only\n@ MX 20 backup\nbackup A 192.0.2.99\n",
    )
    .unwrap();
    let out = run_async(
        [
            "simulate",
            "lab.test",
            "--resolver",
            &lab.addr().to_string(),
            "--mx-file",
            file.to_str().unwrap(),
            "--down",
            "2001:db8::6",
            "--format",
            "json",
        ]
        .map(str::to_string)
        .to_vec(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    // v6only was looked up live (one AAAA, down); backup came inline.
    assert_eq!(receivers(&v), [("backup.lab.test.".to_string(), 1.0)]);
    assert_eq!(v["expected_failed_attempts"], 1.0);
    assert_eq!(v["hosts"][0]["addresses"][0]["ip"], "2001:db8::6");
}

/// Flags cannot make a simulation allocate or run without bound: the address
/// limit is clamped to the addresses there are, and a retry timeline of any
/// length is counted, with its first attempts listed.
#[test]
fn parameters_are_clamped_to_what_they_mean() {
    let base = [
        "simulate",
        "--demo",
        "equal.example",
        "--down",
        "mx-a.equal.example",
        "--format",
        "json",
    ];
    let plain = json(&run(&base));
    let mut huge = base.to_vec();
    huge.extend(["--address-limit", "4294967295"]);
    let v = json(&run(&huge));
    assert_eq!(receivers(&v), receivers(&plain));
    assert_eq!(v["settings"]["address_limit"], 4_294_967_295u64);
    assert_eq!(v["exact"], true);

    let deferred = [
        "simulate",
        "example.test",
        "--mx",
        "10 a.example.test=192.0.2.1",
        "--down",
        "192.0.2.1",
        "--format",
        "json",
    ];
    let mut long = deferred.to_vec();
    long.extend(["--queue-lifetime", "1e9", "--min-backoff", "1e-9"]);
    let out = run(&long);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let listed = v["retry"]["attempts_s"].as_array().unwrap().len();
    assert_eq!(listed, 1000, "the first attempts are listed");
    assert!(v["retry"]["attempts"].as_u64().unwrap() > 500_000);
    assert!(v["retry"]["bounce_at_s"].as_f64().unwrap() >= 1e9);

    let mut dense = deferred.to_vec();
    dense.extend(["--min-backoff", "0.01", "--max-backoff", "0.01"]);
    let out = run(&dense);
    assert!(out.stdout.len() < 64 * 1024, "{} bytes", out.stdout.len());
    let v = json(&out);
    // 5 days every 10 ms: 43,200,000 retries after the first attempt.
    assert_eq!(v["retry"]["attempts"], 43_200_001u64);
    // Text: the count, not a list of 43 million ages.
    let text_args: Vec<&str> = dense
        .iter()
        .copied()
        .filter(|a| *a != "--format" && *a != "json")
        .collect();
    let out = run(&text_args);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("43200001 attempts in all"), "{text}");
}

/// A 10,000-host tier with an address limit far above its addresses: the
/// limit cannot bind, so the tier is solved in closed form (exact, linear).
#[test]
fn ten_thousand_hosts_with_a_huge_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.zone");
    let mut zone = String::new();
    for i in 0..10_000u32 {
        zone.push_str(&format!(
            "@ MX 10 mx{i}\nmx{i} A 10.{}.{}.{}\n",
            i >> 16,
            (i >> 8) & 255,
            i & 255
        ));
    }
    std::fs::write(&path, zone).unwrap();
    let out = run(&[
        "simulate",
        "example.test",
        "--mx-file",
        path.to_str().unwrap(),
        "--profile",
        "postfix",
        "--address-limit",
        "100000",
        "--down",
        "10.0.0.0",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["exact"], true);
    assert_eq!(v["receivers"].as_array().unwrap().len(), 9_999);
    assert_eq!(v["deferral_probability"], 0.0);
    // One dead host among 10,000: it comes before all 9,999 live ones once
    // in 10,000 orders.
    let f = v["expected_failed_attempts"].as_f64().unwrap();
    assert!((f - 1e-4).abs() < 1e-12, "{f}");
}

/// What-if addresses are tried in the order written: the dead IPv6 address
/// written first costs one attempt (it used to be sorted after the IPv4).
/// A name written twice keeps both records' addresses.
#[test]
fn what_if_order_is_as_written_and_names_union() {
    let v = json(&run(&[
        "simulate",
        "example.test",
        "--mx",
        "10 a.v6.example=2001:db8::1/192.0.2.1",
        "--down",
        "2001:db8::1",
        "--format",
        "json",
    ]));
    assert_eq!(v["expected_failed_attempts"], 1.0);
    assert_eq!(v["hosts"][0]["addresses"][0]["ip"], "2001:db8::1");
    let v = json(&run(&[
        "simulate",
        "example.test",
        "--mx",
        "10 a.example.test=192.0.2.1, 20 a.example.test=192.0.2.9, 30 b.example.test=192.0.2.2",
        "--down",
        "192.0.2.9",
        "--format",
        "json",
    ]));
    assert_eq!(receivers(&v), [("a.example.test.".to_string(), 1.0)]);
    let ips: Vec<&str> = v["hosts"][0]["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["ip"].as_str().unwrap())
        .collect();
    assert_eq!(ips, ["192.0.2.1", "192.0.2.9"]);
    let help = String::from_utf8(run(&["simulate", "--help"]).stdout).unwrap();
    assert!(
        help.contains("a name given twice has the addresses of both"),
        "{help}"
    );
}

/// The profiles and sender families on the command line, and the JSON
/// additions that describe them.
#[test]
fn exim_profile_and_sender_family() {
    // mx-a … of equal.example: the exim sender, IPv4 only.
    let v = json(&run(&[
        "simulate",
        "--demo",
        "equal.example",
        "--profile",
        "exim",
        "--sender-family",
        "ipv4",
        "--format",
        "json",
    ]));
    assert_eq!(v["profile"], "exim");
    assert_eq!(v["settings"]["sender_family"], "ipv4");
    assert_eq!(v["settings"]["address_order"], "ipv6_first");
    assert_eq!(v["settings"]["address_limit"], 5);
    assert_eq!(v["settings"]["address_limit_hard"], 50);
    assert_eq!(v["settings"]["connect_timeout_s"], 300.0);
    assert_eq!(v["retry"], Value::Null);
    let out = run(&[
        "simulate",
        "--demo",
        "equal.example",
        "--profile",
        "exim",
        "--min-backoff",
        "60",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("retry rules"));
    let v = json(&run(&[
        "simulate",
        "--demo",
        "equal.example",
        "--profile",
        "postfix",
        "--format",
        "json",
    ]));
    assert_eq!(v["settings"]["address_order"], "shuffled_per_preference");
    assert_eq!(v["settings"]["balance_families"], true);
    assert_eq!(v["settings"]["sender_family"], "dual");
    let text = String::from_utf8(
        run(&[
            "simulate",
            "--demo",
            "equal.example",
            "--sender-family",
            "ipv6",
        ])
        .stdout,
    )
    .unwrap();
    assert!(text.contains("IPv6-only sender"), "{text}");
}

/// A proposed exchange that does not resolve is unreachable: the outcome
/// and the exit code follow from the others (bounced alone, delivered with
/// a live backup), and a note names it.
#[test]
fn unresolved_proposed_exchange_is_named() {
    let out = run(&[
        "simulate",
        "--demo",
        "healthy.example",
        "--mx",
        "10 nothere.healthy.example, 20 mx1.healthy.example",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert!(
        v["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .contains("nothere.healthy.example. did not resolve (nxdomain)")),
        "{v}"
    );
    let out = run(&[
        "simulate",
        "--demo",
        "healthy.example",
        "--mx",
        "10 nothere.healthy.example",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("bounced") && text.contains("did not resolve"),
        "{text}"
    );
}

/// The example walk quotes each rule once, however many steps it governs.
#[test]
fn walk_quotes_each_rule_once() {
    let out = run(&[
        "simulate",
        "example.test",
        "--mx",
        "10 a.example.test=192.0.2.1/192.0.2.2/192.0.2.3",
        "--down",
        "192.0.2.1",
        "--down",
        "192.0.2.2",
        "--seed",
        "1",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("in this list in order").count(), 1, "{text}");
    assert!(text.contains("2 failed connection attempts"), "{text}");
}
