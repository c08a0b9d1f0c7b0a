//! Change classification as a table: before/after report pairs and the
//! exact change list `mxlens diff` reports for them.

use mxlens::mx::changes::{Change, Options, classify};
use mxlens::mx::{Address, Finding, LookupError, MxHost, MxReport, Outcome, Severity};

/// One host: `(pref, exchange, ttl, [ips], provider)`.
type Host<'a> = (u16, &'a str, u32, &'a [&'a str], Option<&'a str>);

/// A report from a compact description.
fn r(hosts: &[Host]) -> MxReport {
    let mut r = MxReport::new("d.test.", "lab");
    r.outcome = Outcome::Mx;
    for (p, e, ttl, ips, prov) in hosts {
        let mut h = MxHost::new(*p, *e, *ttl);
        h.addresses = ips
            .iter()
            .map(|ip| Address::new(ip.parse().unwrap(), 60))
            .collect();
        h.provider = prov.map(String::from);
        r.mx.push(h);
    }
    r.sort_mx();
    r
}

fn finding(code: &str, subject: &str) -> Finding {
    Finding {
        code: code.into(),
        severity: Severity::Warning,
        subject: subject.into(),
        message: "m".into(),
        reference: "r".into(),
    }
}

fn base() -> MxReport {
    r(&[
        (10, "mx1.d.test.", 300, &["192.0.2.1"], None),
        (20, "mx2.d.test.", 300, &["192.0.2.2", "2001:db8::2"], None),
    ])
}

#[test]
fn every_kind_of_change_is_classified_exactly() {
    let with = |f: &dyn Fn(&mut MxReport)| {
        let mut x = base();
        f(&mut x);
        x.sort_mx();
        x
    };
    let cases: Vec<(&str, MxReport, MxReport, Vec<&str>)> = vec![
        ("identical", base(), base(), vec![]),
        (
            "exchange added and removed",
            base(),
            with(&|x| {
                x.mx[1].exchange = "mx3.d.test.".into();
            }),
            vec![
                "exchange removed: MX 20 mx2.d.test.",
                "exchange added: MX 20 mx3.d.test.",
                "address removed: mx2.d.test. 192.0.2.2",
                "address removed: mx2.d.test. 2001:db8::2",
                "address added: mx3.d.test. 192.0.2.2",
                "address added: mx3.d.test. 2001:db8::2",
            ],
        ),
        (
            "preference changed",
            base(),
            with(&|x| x.mx[1].preference = 5),
            vec!["preference of mx2.d.test.: 20 → 5"],
        ),
        (
            "a second record for the same exchange is an added record",
            base(),
            with(&|x| {
                let mut h = x.mx[0].clone();
                h.preference = 30;
                x.mx.push(h);
            }),
            vec!["exchange added: MX 30 mx1.d.test."],
        ),
        (
            "address added and removed",
            base(),
            with(&|x| x.mx[0].addresses = vec![Address::new("192.0.2.9".parse().unwrap(), 60)]),
            vec![
                "address removed: mx1.d.test. 192.0.2.1",
                "address added: mx1.d.test. 192.0.2.9",
            ],
        ),
        (
            "MX and AAAA TTL changed",
            base(),
            with(&|x| {
                x.mx[0].ttl = 60;
                x.mx[1].addresses[1].ttl = 5;
            }),
            vec![
                "TTL of mx1.d.test. MX: 300 → 60",
                "TTL of mx2.d.test. AAAA: 60 → 5",
            ],
        ),
        (
            "provider changed",
            base(),
            with(&|x| {
                x.mx[0].provider = Some("New Mail".into());
                x.mx[1].provider = Some("New Mail".into());
            }),
            vec!["provider none recognised → New Mail"],
        ),
        (
            "finding added and resolved",
            with(&|x| x.findings.push(finding("single-mx", "d.test."))),
            with(&|x| x.findings.push(finding("no-ipv6", "d.test."))),
            vec![
                "finding resolved: warning single-mx (d.test.)",
                "finding added: warning no-ipv6 (d.test.)",
            ],
        ),
        (
            "outcome changed to null MX",
            base(),
            {
                let mut x = r(&[(0, ".", 300, &[], None)]);
                x.outcome = Outcome::NullMx;
                x
            },
            vec![
                "outcome mx → null_mx",
                "exchange removed: MX 10 mx1.d.test.",
                "exchange removed: MX 20 mx2.d.test.",
                "exchange added: MX 0 .",
                "address removed: mx1.d.test. 192.0.2.1",
                "address removed: mx2.d.test. 192.0.2.2",
                "address removed: mx2.d.test. 2001:db8::2",
            ],
        ),
        (
            "an earlier failure that now answers",
            {
                let mut x = MxReport::new("d.test.", "lab");
                x.outcome = Outcome::Error;
                x.error = Some(LookupError::Servfail);
                x
            },
            r(&[(10, "mx1.d.test.", 300, &[], None)]),
            vec![
                "outcome error → mx",
                "error servfail → none",
                "exchange added: MX 10 mx1.d.test.",
            ],
        ),
    ];
    for (name, before, after, want) in cases {
        let got: Vec<String> = classify(&before, &after, Options::default())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(got, want, "case: {name}");
    }
}

#[test]
fn ttls_can_be_ignored_and_kinds_serialise_to_the_contract() {
    let mut after = base();
    after.mx[0].ttl = 1;
    after.mx[1].preference = 30;
    assert_eq!(classify(&base(), &after, Options { ttls: false }).len(), 1);
    let changes = classify(&base(), &after, Options::default());
    let kinds: Vec<&str> = changes.iter().map(Change::kind).collect();
    assert_eq!(kinds, ["preference_changed", "ttl_changed"]);
    let v = serde_json::to_value(&changes).unwrap();
    assert_eq!(
        v,
        serde_json::json!([
            {"kind": "preference_changed", "exchange": "mx2.d.test.", "before": 20, "after": 30},
            {"kind": "ttl_changed", "exchange": "mx1.d.test.", "record": "MX", "before": 300, "after": 1}
        ])
    );
}

#[test]
fn hostile_strings_from_a_file_are_escaped() {
    let mut before = base();
    before.findings.push(finding("x\u{1b}[2J", "s\u{7}"));
    let line = classify(&before, &base(), Options::default())[0].to_string();
    assert_eq!(line, "finding resolved: warning x\\027[2J (s\\007)");
}
