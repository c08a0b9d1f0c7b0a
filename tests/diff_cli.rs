//! `mxlens diff` and snapshots end to end: the real binary against the
//! in-process DNS lab on loopback.

mod support;

use std::path::Path;

use support::{TestDns, mxlens, output as run};

const V1: &str = "@ IN MX 10 mx1\n@ IN MX 20 mx2\nmx1 IN A 192.0.2.1\nmx2 IN A 192.0.2.2\nmx2 IN AAAA 2001:db8::2";
/// V1 with: mx2 gone, mx3 added, mx1 moved to 5 and renumbered, mx1's MX TTL changed.
const V2: &str = "@ 600 IN MX 5 mx1\n@ 600 IN MX 30 mx3\nmx1 IN A 192.0.2.9\nmx3 IN A 192.0.2.3";

/// Writes a snapshot of `domains` taken from `server`.
async fn snapshot(server: &TestDns, domains: &[&str], path: &Path) {
    let mut c = mxlens();
    c.args([
        "check",
        "--format",
        "json",
        "--resolver",
        &server.addr().to_string(),
    ])
    .args(domains);
    let out = run(c).await;
    assert!(
        !out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(path, &out.stdout).unwrap();
}

#[tokio::test]
async fn diff_against_live_lists_exactly_the_changes() {
    let old = TestDns::start(&[("d.test.", V1), ("same.test.", V1)]).await;
    let new = TestDns::start(&[("d.test.", V2), ("same.test.", V1)]).await;
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("before.jsonl");
    snapshot(&old, &["d.test", "same.test"], &snap).await;

    let mut c = mxlens();
    c.arg("diff")
        .arg(&snap)
        .args(["--resolver", &new.addr().to_string(), "--format", "json"]);
    let out = run(c).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["schema"], "mxlens/diff/v1");
    assert_eq!(lines[0]["domain"], "d.test.");
    assert_eq!(lines[0]["status"], "changed");
    assert_eq!(lines[0]["after"]["source"], "live");
    assert_eq!(lines[0]["after"]["resolver"], new.addr().to_string());
    let changes: Vec<String> = lines[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let f = |k: &str| {
                c.get(k)
                    .map(|v| v.to_string().replace('"', ""))
                    .unwrap_or_default()
            };
            format!(
                "{} {} {} {} {} {} {} {}",
                f("kind"),
                f("code"),
                f("exchange"),
                f("ip"),
                f("preference"),
                f("before"),
                f("after"),
                f("subject")
            )
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
        })
        .collect();
    assert_eq!(
        changes,
        [
            "exchange_removed mx2.d.test. 20",
            "exchange_added mx3.d.test. 30",
            "preference_changed mx1.d.test. 10 5",
            "ttl_changed mx1.d.test. 300 600",
            "address_removed mx1.d.test. 192.0.2.1",
            "address_removed mx2.d.test. 192.0.2.2",
            "address_removed mx2.d.test. 2001:db8::2",
            "address_added mx1.d.test. 192.0.2.9",
            "address_added mx3.d.test. 192.0.2.3",
            // mx2 had the only AAAA.
            "finding_added no-ipv6 d.test.",
        ]
    );
    assert_eq!(lines[1]["domain"], "same.test.");
    assert_eq!(lines[1]["status"], "same");
    assert_eq!(lines[1]["changes"], serde_json::json!([]));

    // Text: a sign column and a closing count.
    let mut c = mxlens();
    c.arg("diff")
        .arg(&snap)
        .args(["--resolver", &new.addr().to_string()]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("± d.test.  10 changes"), "{text}");
    for l in [
        "    - exchange removed: MX 20 mx2.d.test.\n",
        "    ~ preference of mx1.d.test.: 10 → 5\n",
        "    + address added: mx3.d.test. 192.0.2.3\n",
        "= same.test.  same\n",
        "\n1 of 2 changed\n",
    ] {
        assert!(text.contains(l), "{l:?} missing:\n{text}");
    }
}

#[tokio::test]
async fn snapshot_round_trip_is_equal_and_exits_zero() {
    let lab = TestDns::start(&[("d.test.", V1)]).await;
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.jsonl");
    snapshot(&lab, &["d.test"], &snap).await;
    let mut c = mxlens();
    c.arg("diff").arg(&snap).arg(&snap);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "= d.test.  same\n\n0 of 1 changed\n"
    );
    // Against the live answers of the same server: also equal.
    let mut c = mxlens();
    c.arg("diff")
        .arg(&snap)
        .args(["--resolver", &lab.addr().to_string()]);
    assert_eq!(run(c).await.status.code(), Some(0));
    // The same with check --baseline.
    let mut c = mxlens();
    c.args(["check", "--resolver", &lab.addr().to_string(), "--baseline"])
        .arg(&snap)
        .arg("d.test");
    assert_eq!(run(c).await.status.code(), Some(0));
}

#[tokio::test]
async fn snapshots_name_added_and_removed_domains() {
    let lab = TestDns::start(&[("a.test.", V1), ("b.test.", V1), ("c.test.", V1)]).await;
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.jsonl"), dir.path().join("new.jsonl"));
    snapshot(&lab, &["a.test", "b.test"], &old).await;
    snapshot(&lab, &["b.test", "c.test"], &new).await;
    let mut c = mxlens();
    c.arg("diff").arg(&old).arg(&new);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let old_s = old.display().to_string();
    let new_s = new.display().to_string();
    assert!(
        text.contains(&format!("- a.test.  only in {old_s} via")),
        "{text}"
    );
    assert!(text.contains("= b.test.  same"), "{text}");
    assert!(
        text.contains(&format!("+ c.test.  only in {new_s} via")),
        "{text}"
    );
    assert!(
        text.ends_with("0 of 3 changed, 1 added, 1 removed\n"),
        "{text}"
    );
}

#[tokio::test]
async fn bad_snapshots_exit_2_with_file_and_line_and_write_nothing() {
    let lab = TestDns::start(&[("a.test.", V1), ("b.test.", V1)]).await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.jsonl");
    snapshot(&lab, &["a.test", "b.test"], &good).await;
    let text = std::fs::read_to_string(&good).unwrap();
    let cases: [(&str, String, &str); 4] = [
        (
            "cut.jsonl",
            text[..text.len() - 30].to_string(),
            "line 2: the file ends in the middle of a report (truncated)",
        ),
        (
            "foreign.jsonl",
            "{\"schema\":\"mxlens/simulation/v1\"}\n".into(),
            "line 1: schema \"mxlens/simulation/v1\" is not mxlens/report/v1",
        ),
        (
            "garbage.jsonl",
            format!("{text}<html>\n"),
            "line 3: not JSON",
        ),
        ("empty.jsonl", String::new(), "holds no report"),
    ];
    for (name, content, want) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        for args in [vec![p.clone()], vec![good.clone(), p.clone()]] {
            let mut c = mxlens();
            c.arg("diff").args(&args);
            if args.len() == 1 {
                c.args(["--resolver", &lab.addr().to_string()]);
            }
            let out = run(c).await;
            assert_eq!(out.status.code(), Some(2), "{name}");
            assert!(out.stdout.is_empty(), "{name}: nothing on stdout");
            let err = String::from_utf8(out.stderr).unwrap();
            assert!(err.contains(&format!("{name}\" {want}")), "{name}: {err}");
        }
    }
    // A file that does not exist.
    let mut c = mxlens();
    c.arg("diff")
        .arg(dir.path().join("missing.jsonl"))
        .arg(&good);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("cannot read the snapshot")
    );
}

#[tokio::test]
async fn a_crafted_baseline_never_writes_raw_escapes() {
    let lab = TestDns::start(&[("d.test.", V1)]).await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.jsonl");
    snapshot(&lab, &["d.test"], &good).await;
    let mut v: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&good).unwrap().trim()).unwrap();
    v["findings"] = serde_json::json!([{
        "code": "\u{1b}]52;c;aGk=\u{7}", "severity": "warning",
        "subject": "\u{1b}[2J", "message": "m", "reference": "r"
    }]);
    v["mx"][0]["exchange"] = "\u{1b}[31mred.d.test.".into();
    let crafted = dir.path().join("crafted.jsonl");
    std::fs::write(&crafted, format!("{v}\n")).unwrap();
    let mut bad = v.clone();
    bad["outcome"] = "\u{1b}[2Jwiped".into();
    let bad_value = dir.path().join("bad-value.jsonl");
    std::fs::write(&bad_value, format!("{bad}\n")).unwrap();

    let addr = lab.addr().to_string();
    let mut runs = Vec::new();
    for (file, args) in [
        (
            &crafted,
            vec!["check", "--resolver", &addr, "d.test", "--baseline"],
        ),
        (&crafted, vec!["diff", "--resolver", &addr]),
        (
            &bad_value,
            vec!["check", "--resolver", &addr, "d.test", "--baseline"],
        ),
        (&bad_value, vec!["diff", "--resolver", &addr]),
    ] {
        let mut c = mxlens();
        c.args(&args).arg(file);
        runs.push(run(c).await);
    }
    for (i, out) in runs.iter().enumerate() {
        assert!(
            !out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b),
            "run {i}"
        );
        assert!(
            !out.stdout.contains(&0x07) && !out.stderr.contains(&0x07),
            "run {i}"
        );
    }
    let text = String::from_utf8_lossy(&runs[0].stdout);
    assert!(
        text.contains("finding resolved: warning \\027]52;c;aGk=\\007 (\\027[2J)"),
        "{text}"
    );
    assert!(
        text.contains("exchange removed: MX 10 \\027[31mred.d.test."),
        "{text}"
    );
    assert_eq!(runs[0].status.code(), Some(1));
    let err = String::from_utf8_lossy(&runs[3].stderr);
    assert_eq!(runs[3].status.code(), Some(2));
    assert!(
        err.contains(
            "line 1: not a valid mxlens/report/v1 report (unknown variant `\\027[2Jwiped`"
        ),
        "{err}"
    );
}
