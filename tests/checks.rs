//! Every finding code: one zone that triggers it, one that must not.

mod support;

use mxlens::dns::mx_report;
use mxlens::mx::checks::CODES;
use support::{RcodeServer, TestDns, codes};

/// (code, zone that triggers it, zone that must not). Zones are served as
/// `t.test.` and `n.test.`; the checked domain is the zone apex.
const CASES: &[(&str, &str, &str)] = &[
    ("null-mx", "@ IN MX 0 .", "@ IN MX 10 mx\nmx IN A 192.0.2.1"),
    (
        "null-mx-mixed",
        "@ IN MX 0 .\n@ IN MX 10 mx\nmx IN A 192.0.2.1",
        "@ IN MX 0 .",
    ),
    ("null-mx-nonzero-preference", "@ IN MX 10 .", "@ IN MX 0 ."),
    (
        "implicit-mx",
        "@ IN A 192.0.2.1",
        "@ IN MX 10 mx\nmx IN A 192.0.2.1\n@ IN A 192.0.2.1",
    ),
    ("no-mail-route", "@ IN TXT \"nothing\"", "@ IN A 192.0.2.1"),
    (
        "mx-target-cname",
        "@ IN MX 10 alias\nalias IN CNAME real\nreal IN A 192.0.2.1",
        "@ IN MX 10 real\nreal IN A 192.0.2.1",
    ),
    (
        "mx-target-ip-literal",
        "@ IN MX 10 192.0.2.1.",
        "@ IN MX 10 mx192-0-2-1\nmx192-0-2-1 IN A 192.0.2.1",
    ),
    (
        "mx-target-nxdomain",
        "@ IN MX 10 missing",
        "@ IN MX 10 mx\nmx IN A 192.0.2.1",
    ),
    (
        "mx-target-no-address",
        "@ IN MX 10 mx\nmx IN TXT \"no address\"",
        "@ IN MX 10 mx\nmx IN AAAA 2001:db8::1",
    ),
    (
        "mx-target-lookup-failed",
        "@ IN MX 10 mx.unserved.example.",
        "@ IN MX 10 mx\nmx IN A 192.0.2.1",
    ),
    (
        "mx-target-invalid-hostname",
        "@ IN MX 10 mx_1\nmx_1 IN A 192.0.2.1",
        "@ IN MX 10 mx-1\nmx-1 IN A 192.0.2.1",
    ),
    (
        "mx-target-non-routable-address",
        "@ IN MX 10 mx\nmx IN A 10.0.0.25",
        "@ IN MX 10 mx\nmx IN A 192.0.2.25",
    ),
    (
        "mx-duplicate-exchange",
        "@ IN MX 10 mx\n@ IN MX 20 MX\nmx IN A 192.0.2.1",
        "@ IN MX 10 mx\n@ IN MX 20 mx2\nmx IN A 192.0.2.1\nmx2 IN A 192.0.2.2",
    ),
    (
        "mx-shared-address",
        "@ IN MX 10 a\n@ IN MX 20 b\na IN A 192.0.2.1\nb IN A 192.0.2.1",
        "@ IN MX 10 a\n@ IN MX 20 b\na IN A 192.0.2.1\nb IN A 192.0.2.2",
    ),
    (
        "single-mx",
        "@ IN MX 10 mx\nmx IN A 192.0.2.1",
        "@ IN MX 10 a\n@ IN MX 20 b\na IN A 192.0.2.1\nb IN A 192.0.2.2",
    ),
    (
        "no-ipv6",
        "@ IN MX 10 mx\nmx IN A 192.0.2.1",
        "@ IN MX 10 mx\nmx IN A 192.0.2.1\nmx IN AAAA 2001:db8::1",
    ),
    (
        "no-ipv4",
        "@ IN MX 10 mx\nmx IN AAAA 2001:db8::1",
        "@ IN MX 10 mx\nmx IN A 192.0.2.1\nmx IN AAAA 2001:db8::1",
    ),
    (
        "mx-all-non-routable",
        "@ IN MX 10 a\n@ IN MX 20 b\na IN A 10.0.0.1\nb IN AAAA fd00::1\nb IN A 127.0.0.1",
        // One exchange with a documentation address: routable, as for
        // mx-target-non-routable-address.
        "@ IN MX 10 a\n@ IN MX 20 b\na IN A 10.0.0.1\nb IN A 192.0.2.1",
    ),
];

#[tokio::test]
async fn each_code_has_a_trigger_and_a_clean_zone() {
    for (code, trigger, clean) in CASES {
        let lab = TestDns::start(&[("t.test.", trigger), ("n.test.", clean)]).await;
        let up = lab.upstream();
        let t = mx_report(&up, "t.test.").await;
        assert!(
            codes(&t).contains(&code.to_string()),
            "{code}: trigger zone gave {:?}",
            codes(&t)
        );
        let f = t.findings.iter().find(|f| f.code == *code).unwrap();
        let severity = CODES.iter().find(|(c, _)| c == code).unwrap().1;
        assert_eq!(f.severity, severity, "{code}");
        assert!(f.reference.starts_with("RFC "), "{code}: {}", f.reference);
        assert!(f.message.len() > 30, "{code}: {}", f.message);
        let n = mx_report(&up, "n.test.").await;
        assert!(
            !codes(&n).contains(&code.to_string()),
            "{code}: clean zone gave {:?}",
            codes(&n)
        );
    }
}

#[tokio::test]
async fn nxdomain_and_lookup_failed() {
    let lab = TestDns::start(&[("n.test.", "@ IN MX 10 mx\nmx IN A 192.0.2.1")]).await;
    let up = lab.upstream();
    assert_eq!(codes(&mx_report(&up, "gone.n.test.").await), ["nxdomain"]);
    assert!(!codes(&mx_report(&up, "n.test.").await).contains(&"nxdomain".to_string()));
    let servfail = RcodeServer::start(2).await;
    assert_eq!(
        codes(&mx_report(&servfail.upstream(), "n.test.").await),
        ["lookup-failed"]
    );
    assert!(!codes(&mx_report(&up, "n.test.").await).contains(&"lookup-failed".to_string()));
}

#[test]
fn every_code_of_the_design_is_covered() {
    for (code, _) in CODES {
        let tested = CASES.iter().any(|(c, _, _)| c == code)
            || ["nxdomain", "lookup-failed", "mx-too-many-exchanges"].contains(code);
        assert!(tested, "{code} has no test");
    }
}

#[tokio::test]
async fn healthy_domain_has_no_findings_and_findings_are_ordered() {
    let lab = TestDns::start(&[
        ("ok.test.", "@ IN MX 10 a\n@ IN MX 20 b\na IN A 192.0.2.1\na IN AAAA 2001:db8::1\nb IN A 192.0.2.2\nb IN AAAA 2001:db8::2"),
        ("bad.test.", "@ IN MX 10 mx\nmx IN A 192.0.2.1\n@ IN MX 20 missing"),
    ])
    .await;
    let ok = mx_report(&lab.upstream(), "ok.test.").await;
    assert!(ok.findings.is_empty(), "{:?}", ok.findings);
    let bad = mx_report(&lab.upstream(), "bad.test.").await;
    let sev: Vec<_> = bad.findings.iter().map(|f| f.severity).collect();
    let mut sorted = sev.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(sev, sorted);
}

#[tokio::test]
async fn a_root_exchange_at_another_preference_makes_a_null_mx_mixed() {
    let lab = TestDns::start(&[("t.test.", "@ IN MX 0 .\n@ IN MX 10 .")]).await;
    let r = mx_report(&lab.upstream(), "t.test.").await;
    assert!(
        codes(&r).contains(&"null-mx-mixed".to_string()),
        "{:?}",
        codes(&r)
    );
    assert!(
        !codes(&r).contains(&"null-mx".to_string()),
        "{:?}",
        codes(&r)
    );
}

#[tokio::test]
async fn more_exchanges_than_a_report_resolves_are_named_and_skipped() {
    let limit = mxlens::mx::checks::MAX_EXCHANGES;
    let zone = |n: usize| {
        (0..n)
            .map(|i| format!("@ IN MX 10 mx{i}\nmx{i} IN A 192.0.2.{}\n", i % 250 + 1))
            .collect::<String>()
    };
    let (over, at) = (zone(limit + 5), zone(limit));
    let lab = TestDns::start(&[("t.test.", &over), ("n.test.", &at)]).await;
    let t = mx_report(&lab.upstream(), "t.test.").await;
    let f = t
        .findings
        .iter()
        .find(|f| f.code == "mx-too-many-exchanges")
        .expect("finding");
    assert_eq!(f.severity, mxlens::mx::Severity::Warning);
    assert!(
        f.message.contains(&format!("first {limit}")),
        "{}",
        f.message
    );
    let skipped =
        t.mx.iter()
            .filter(|h| h.address_status == mxlens::mx::AddressStatus::Skipped)
            .count();
    assert_eq!(skipped, 5);
    // The hosts resolved are the first in MX order.
    assert!(t.mx[..limit].iter().all(|h| !h.addresses.is_empty()));
    let n = mx_report(&lab.upstream(), "n.test.").await;
    assert!(!codes(&n).contains(&"mx-too-many-exchanges".to_string()));
    assert!(n.mx.iter().all(|h| !h.addresses.is_empty()));
}
