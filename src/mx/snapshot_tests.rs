use super::*;
use crate::mx::{Address, MxHost};

fn to_jsonl(reports: &[MxReport]) -> String {
    reports
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect()
}

fn report(domain: &str, resolver: &str, ip: &str) -> MxReport {
    let mut r = MxReport::new(domain, resolver);
    r.outcome = Outcome::Mx;
    let mut h = MxHost::new(10, format!("mx.{domain}"), 300);
    h.addresses.push(Address::new(ip.parse().unwrap(), 60));
    r.mx.push(h);
    r
}

#[test]
fn round_trip_is_the_same_and_exits_zero() {
    let reports = vec![
        report("a.test.", "lab", "192.0.2.1"),
        report("b.test.", "lab", "192.0.2.2"),
    ];
    let text = to_jsonl(&reports);
    let snap = Snapshot::parse(text.as_bytes()).unwrap();
    assert_eq!(snap.reports, reports);
    let d = diff_reports(&snap.reports, &reports, ("old", "new"), Options::default());
    assert_eq!(d.len(), 2);
    assert!(
        d.iter()
            .all(|d| d.status == Status::Same && d.changes.is_empty())
    );
    assert_eq!(exit_status(&d), 0);
}

#[test]
fn errors_name_the_line() {
    let good = to_jsonl(&[report("a.test.", "lab", "192.0.2.1")]);
    let cut = &good[..good.len() - 10];
    let e = Snapshot::parse(format!("{good}{cut}").as_bytes()).unwrap_err();
    assert_eq!(e.line, Some(2));
    assert!(e.problem.contains("truncated"), "{e}");

    let e =
        Snapshot::parse(format!("\n{good}{{\"schema\":\"other/v1\"}}\n").as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 3: schema \"other/v1\" is not mxlens/report/v1: not a snapshot"
    );

    let e = Snapshot::parse(b"domain,ok\n").unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(e.problem.starts_with("not JSON"), "{e}");

    let e = Snapshot::parse(b"{\"a\":1}\n").unwrap_err();
    assert!(e.problem.contains("without \"schema\""), "{e}");

    let e = Snapshot::parse(format!("{good}{good}").as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 2: repeats a.test. from resolver lab (first on line 1)"
    );

    let e = Snapshot::parse(b"\n \n").unwrap_err();
    assert_eq!(
        (e.line, e.to_string().as_str()),
        (None, "holds no report (an empty snapshot)")
    );

    let mut bad = report("a.test.", "lab", "192.0.2.1");
    bad.domain = "\u{1b}[2J".into();
    let e = Snapshot::parse(to_jsonl(&[bad]).as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 1: \"\\027[2J\" is not a domain name as reports write them (lower case, trailing dot)"
    );

    let e = Snapshot::parse(b"\xff\xfe{}\n").unwrap_err();
    assert_eq!(e.line, Some(1));
}

#[test]
fn hostile_values_are_escaped_in_errors() {
    let e = Snapshot::parse(b"{\"schema\":\"x\\u001b[2J\"}\n").unwrap_err();
    assert!(!e.to_string().contains('\x1b'), "{e}");
    assert!(e.to_string().contains("x\\027[2J"), "{e}");
    // serde echoes an unknown enum value: that must come out escaped too.
    let mut v = serde_json::to_value(report("a.test.", "lab", "192.0.2.1")).unwrap();
    v["outcome"] = "\u{1b}]52;c;aGk=\u{7}".into();
    let e = Snapshot::parse(format!("{v}\n").as_bytes()).unwrap_err();
    assert!(!e.to_string().chars().any(|c| c.is_control()), "{e}");
    assert!(e.problem.contains("\\027]52"), "{e}");
}

#[test]
fn pairing_added_removed_and_unknown() {
    let before = vec![
        report("a.test.", "lab", "192.0.2.1"),
        report("gone.test.", "lab", "192.0.2.2"),
        report("c.test.", "lab", "192.0.2.3"),
    ];
    let mut failed = MxReport::new("c.test.", "live");
    failed.outcome = Outcome::Error;
    failed.error = Some(crate::mx::LookupError::Timeout);
    let after = vec![
        report("new.test.", "lab", "192.0.2.4"),
        // Another label, one report each side: still paired.
        report("a.test.", "127.0.0.1:53", "192.0.2.9"),
        failed,
    ];
    let d = diff_reports(&before, &after, ("old.jsonl", "live"), Options::default());
    let st: Vec<(&str, Status)> = d.iter().map(|d| (d.domain.as_str(), d.status)).collect();
    assert_eq!(
        st,
        [
            ("a.test.", Status::Changed),
            ("gone.test.", Status::Removed),
            ("c.test.", Status::Unknown),
            ("new.test.", Status::Added),
        ]
    );
    assert_eq!(d[2].error.as_deref(), Some("timeout"));
    assert!(d[2].changes.is_empty(), "a failed lookup lists no removals");
    assert_eq!(exit_status(&d), 2);
    // The same failure recorded on both sides is no change.
    let same_failure = diff_reports(&after[2..], &after[2..], ("a", "b"), Options::default());
    assert_eq!(same_failure[0].status, Status::Same);
    assert_eq!(exit_status(&same_failure), 0);
    assert_eq!(exit_status(&d[..2]), 1);
    let v = serde_json::to_value(&d[0]).unwrap();
    assert_eq!(v["schema"], "mxlens/diff/v1");
    assert_eq!(v["after"]["source"], "live");
    assert_eq!(v["after"]["resolver"], "127.0.0.1:53");
    assert_eq!(v["changes"][0]["kind"], "address_removed");
    assert_eq!(v["changes"][0]["ip"], "192.0.2.1");
}

#[test]
fn several_resolvers_pair_by_label() {
    let before = vec![
        report("a.test.", "r1", "192.0.2.1"),
        report("a.test.", "r2", "192.0.2.1"),
    ];
    let after = vec![
        report("a.test.", "r2", "192.0.2.1"),
        report("a.test.", "r3", "192.0.2.1"),
    ];
    let d = diff_reports(&before, &after, ("x", "y"), Options::default());
    let st: Vec<(String, Status)> = d
        .iter()
        .map(|d| {
            let side = d.before.as_ref().or(d.after.as_ref()).unwrap();
            (side.resolver.clone(), d.status)
        })
        .collect();
    assert_eq!(
        st,
        [
            ("r1".to_string(), Status::Removed),
            ("r2".to_string(), Status::Same),
            ("r3".to_string(), Status::Added),
        ]
    );
}
