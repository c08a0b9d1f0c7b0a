//! `mxlens check` as a user runs it: the real binary, real servers on loopback.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{SilentServer, TestDns, mxlens, output};

/// Checks one JSON report against the `mxlens/report/v1` contract.
fn validate(v: &Value) {
    let obj = v.as_object().expect("report is an object");
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut want = [
        "schema",
        "domain",
        "resolver",
        "outcome",
        "error",
        "elapsed_ms",
        "mx",
        "findings",
    ];
    want.sort();
    let mut got = keys.clone();
    got.sort();
    assert_eq!(got, want, "{v}");
    assert_eq!(v["schema"], "mxlens/report/v1");
    let domain = v["domain"].as_str().unwrap();
    assert!(
        domain.ends_with('.') && domain == domain.to_ascii_lowercase(),
        "{domain}"
    );
    let outcome = v["outcome"].as_str().unwrap();
    assert!(["mx", "implicit", "null_mx", "no_mail", "nxdomain", "error"].contains(&outcome));
    if outcome == "error" {
        assert!(v["error"].is_string());
    } else {
        assert!(v["error"].is_null());
    }
    assert!(v["elapsed_ms"].as_f64().unwrap() >= 0.0);
    let mx = v["mx"].as_array().unwrap();
    let mut last = (0u64, String::new());
    for h in mx {
        let mut hk: Vec<&str> = h.as_object().unwrap().keys().map(String::as_str).collect();
        hk.sort();
        assert_eq!(
            hk,
            [
                "address_status",
                "addresses",
                "cname",
                "exchange",
                "preference",
                "provider",
                "ttl"
            ]
        );
        let key = (
            h["preference"].as_u64().unwrap(),
            h["exchange"].as_str().unwrap().to_string(),
        );
        assert!(key >= last, "mx not sorted: {v}");
        last = key;
        assert!(h["ttl"].is_u64() && h["cname"].is_array());
        assert!(h["provider"].is_null() || h["provider"].is_string());
        let st = h["address_status"].as_str().unwrap();
        assert!(
            [
                "ok", "nxdomain", "nodata", "timeout", "servfail", "refused", "error"
            ]
            .contains(&st)
        );
        for a in h["addresses"].as_array().unwrap() {
            let ip: std::net::IpAddr = a["ip"].as_str().unwrap().parse().unwrap();
            let fam = if ip.is_ipv4() { "ipv4" } else { "ipv6" };
            assert_eq!(a["family"], fam);
            assert!(a["ttl"].is_u64());
            assert_eq!(a.as_object().unwrap().len(), 3);
        }
    }
    if outcome == "implicit" {
        assert_eq!(mx.len(), 1);
        assert_eq!(mx[0]["preference"], 0);
        assert_eq!(mx[0]["exchange"], v["domain"]);
    }
    for f in v["findings"].as_array().unwrap() {
        let mut fk: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        fk.sort();
        assert_eq!(fk, ["code", "message", "reference", "severity", "subject"]);
        assert!(["info", "warning", "error"].contains(&f["severity"].as_str().unwrap()));
    }
}

#[test]
fn demo_lists_every_domain_with_outcomes() {
    let out = mxlens().args(["check", "--demo"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "unserved.test. is refused: exit 2\n{text}"
    );
    for d in mxlens::dns::demo::DEMO_DOMAINS {
        assert!(text.contains(d), "{d} missing\n{text}");
    }
    for word in [
        "null_mx",
        "implicit",
        "no_mail",
        "nxdomain",
        "error",
        "mx-target-cname",
        "mx-shared-address",
    ] {
        assert!(text.contains(word), "{word} missing");
    }
    assert!(!text.contains('\u{1b}'), "raw escape in text output");
    assert!(text.contains("\\027"));
}

#[test]
fn demo_json_follows_the_contract() {
    let out = mxlens()
        .args(["check", "--demo", "--format", "json"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), mxlens::dns::demo::DEMO_DOMAINS.len());
    let mut outcomes = std::collections::BTreeSet::new();
    for (line, want) in lines.iter().zip(mxlens::dns::demo::DEMO_DOMAINS) {
        let v: Value = serde_json::from_str(line).unwrap();
        validate(&v);
        assert_eq!(v["domain"], *want, "input order");
        outcomes.insert(v["outcome"].as_str().unwrap().to_string());
    }
    assert_eq!(
        outcomes.len(),
        6,
        "every outcome is in the demo: {outcomes:?}"
    );
}

#[tokio::test]
async fn exit_codes_and_bad_input() {
    let lab = TestDns::start(&[
        (
            "ok.test.",
            "@ IN MX 10 a\n@ IN MX 20 b\na IN A 192.0.2.1\na IN AAAA 2001:db8::1\nb IN A 192.0.2.2",
        ),
        ("bad.test.", "@ IN MX 10 missing"),
    ])
    .await;
    let addr = lab.addr().to_string();
    let run = |args: &[&str]| {
        let mut c = mxlens();
        c.args(["check", "--resolver", &addr]).args(args);
        tokio::task::spawn_blocking(move || c.output().unwrap())
    };
    let ok = run(&["OK.test"]).await.unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let bad = run(&["bad.test"]).await.unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let gone = run(&["gone.ok.test"]).await.unwrap();
    assert_eq!(gone.status.code(), Some(1));
    let both = run(&["--format", "json", "ok.test", "192.0.2.1", "user@bad.test"])
        .await
        .unwrap();
    assert_eq!(
        both.status.code(),
        Some(2),
        "an invalid argument is a usage error"
    );
    let err = String::from_utf8(both.stderr).unwrap();
    assert!(err.contains("\"192.0.2.1\" is an IP address"), "{err}");
    let reports: Vec<Value> = String::from_utf8(both.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 2, "the valid domains still run");
    assert_eq!(reports[1]["domain"], "bad.test.");
}

#[tokio::test]
async fn file_input_skips_comments_and_reports_bad_lines() {
    let lab = TestDns::start(&[("ok.test.", "@ IN MX 10 a\na IN A 192.0.2.1")]).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("domains.txt");
    std::fs::write(
        &path,
        "# my domains\n\nok.test\nbad name.test   # a space\nmailto:someone@OK.test\n\n",
    )
    .unwrap();
    let mut c = mxlens();
    c.args([
        "check",
        "--format",
        "json",
        "--resolver",
        &lab.addr().to_string(),
        "--file",
    ])
    .arg(&path);
    let out = output(c).await;
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("line 4"), "{err}");
    assert!(err.contains("bad name.test"), "{err}");
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdin_streams_reports_before_input_ends() {
    let lab = TestDns::start(&[("ok.test.", "@ IN MX 10 a\na IN A 192.0.2.1")]).await;
    let mut child = mxlens()
        .args([
            "check",
            "--format",
            "json",
            "--resolver",
            &lab.addr().to_string(),
            "--file",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    writeln!(stdin, "ok.test").unwrap();
    stdin.flush().unwrap();
    // The first report arrives while stdin is still open.
    let first = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("first report streams");
    assert!(first.contains("\"domain\":\"ok.test.\""), "{first}");
    writeln!(stdin, "b.ok.test").unwrap();
    drop(stdin);
    let second = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(second.contains("\"outcome\":\"nxdomain\""), "{second}");
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

#[test]
fn unreachable_resolver_is_exit_2_within_the_timeout() {
    let silent = SilentServer::start();
    let started = Instant::now();
    let out = mxlens()
        .args([
            "check",
            "--timeout",
            "0.5",
            "--format",
            "json",
            "--resolver",
        ])
        .arg(silent.addr().to_string())
        .arg("example.test")
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&v);
    assert_eq!(v["error"], "timeout");
    // 0.5 s × 2 tries, plus a margin for process start.
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn usage_errors_name_the_value() {
    let out = mxlens()
        .args(["check", "--resolver", "dns.example", "x.test"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("\"dns.example\""), "{err}");
    let out = mxlens().args(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--demo"));
}

#[tokio::test]
async fn resolvers_are_compared_and_snapshots_diffed() {
    let a = TestDns::start(&[("d.test.", "@ IN MX 10 mx\nmx IN A 192.0.2.1")]).await;
    let b = TestDns::start(&[(
        "d.test.",
        "@ IN MX 10 mx\n@ IN MX 20 mx2\nmx IN A 192.0.2.9\nmx2 IN A 192.0.2.2",
    )])
    .await;
    let (aa, ba) = (a.addr().to_string(), b.addr().to_string());
    let mut c = mxlens();
    c.args(["check", "--resolver", &aa, "--resolver", &ba, "d.test"]);
    let out = output(c).await;
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("≠ d.test.: {ba} differs from {aa}")),
        "{text}"
    );
    for line in [
        "+ MX 20 mx2.d.test.",
        "- mx.d.test. 192.0.2.1",
        "+ mx.d.test. 192.0.2.9",
    ] {
        assert!(text.contains(line), "{line} missing:\n{text}");
    }

    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.jsonl");
    let mut c = mxlens();
    c.args(["check", "--format", "json", "--resolver", &aa, "d.test"]);
    let out = output(c).await;
    std::fs::write(&snap, &out.stdout).unwrap();
    let mut c = mxlens();
    c.args(["check", "--resolver", &ba, "--baseline"])
        .arg(&snap)
        .arg("d.test");
    let out = output(c).await;
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("± d.test.: changed since the baseline"),
        "{text}"
    );
    assert!(
        text.contains("+ exchange added: MX 20 mx2.d.test."),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1), "a change exits 1, like diff(1)");
    let mut c = mxlens();
    c.args(["check", "--resolver", &aa, "--baseline"])
        .arg(&snap)
        .arg("d.test");
    let out = output(c).await;
    assert_eq!(out.status.code(), Some(0), "no change exits 0");
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("= d.test.: unchanged since the baseline")
    );

    std::fs::write(&snap, "not json\n").unwrap();
    let out = mxlens()
        .args(["check", "--resolver", &aa, "--baseline"])
        .arg(&snap)
        .arg("d.test")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing written");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("snap.jsonl\" line 1: not JSON"), "{err}");
}

/// A name carrying DEL, a C1 control (U+009B, CSI) and a bidi override
/// (U+202E) as raw octets never reaches `check`'s output raw: JSON goes
/// through the one sealed writer, text escapes every control visibly.
#[tokio::test]
async fn control_and_bidi_octets_never_reach_output_raw() {
    let lab = TestDns::start(&[(
        "ctl.test.",
        "@ IN MX 10 mx\\127\\194\\155x\\226\\128\\174y\n\
         mx\\127\\194\\155x\\226\\128\\174y IN A 192.0.2.7",
    )])
    .await;
    let addr = lab.addr().to_string();
    for format in ["json", "text"] {
        let mut c = mxlens();
        c.args(["check", "--resolver", &addr, "--format", format, "ctl.test"]);
        let out = output(c).await;
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8(out.stdout).expect("output is UTF-8");
        for bad in ['\u{7f}', '\u{9b}', '\u{202e}', '\u{1b}'] {
            assert!(
                !text.contains(bad),
                "{format}: raw U+{:04X} in {text:?}",
                bad as u32
            );
        }
        if format == "json" {
            let v: Value = serde_json::from_str(text.trim_end()).unwrap();
            validate(&v);
            // The value is unchanged: DEL as received, octets above 127 as \DDD.
            assert_eq!(
                v["mx"][0]["exchange"],
                "mx\u{7f}\\194\\155x\\226\\128\\174y.ctl.test."
            );
            assert!(text.contains("\\u007f"), "{text}");
        } else {
            assert!(text.contains("mx\\127"), "{text}");
        }
    }
}

/// A bad line in `--file` is reported (its bytes escaped, never raw, never
/// more than a short excerpt) and the rest of the file still runs; a file
/// with no line end at all (`/dev/zero`) stops after a bounded read.
#[test]
fn file_lines_that_cannot_be_used_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.txt");
    let mut body = b"healthy.example\nm\xfcller.example\n".to_vec();
    body.extend_from_slice(format!("\u{1b}]0;x{}\n", "a".repeat(300_000)).as_bytes());
    body.extend_from_slice("a\u{202e}b.example\nequal.example\n".as_bytes());
    std::fs::write(&path, body).unwrap();
    let out = mxlens()
        .args(["check", "--demo", "--format", "json", "--file"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "bad lines are usage errors");
    let reports: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let domains: Vec<&str> = reports
        .iter()
        .map(|r| r["domain"].as_str().unwrap())
        .collect();
    assert_eq!(domains, ["healthy.example.", "equal.example."]);
    let err = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(
        err.contains("line 2: not UTF-8 (\"m\\252ller.example\")"),
        "{err}"
    );
    assert!(err.contains("line 3: longer than 4096 octets"), "{err}");
    assert!(
        err.contains("line 4:") && err.contains("\\u{202e}"),
        "{err}"
    );
    for bad in ['\u{1b}', '\u{202e}'] {
        assert!(
            !err.contains(bad),
            "raw U+{:04X} on stderr: {err:?}",
            bad as u32
        );
    }
    assert!(
        err.len() < 1000,
        "stderr quotes excerpts only: {} bytes",
        err.len()
    );

    let zero = mxlens()
        .args(["check", "--demo", "--file", "/dev/zero"])
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2));
    let err = String::from_utf8(zero.stderr).unwrap();
    assert!(
        err.contains("/dev/zero line 1: no line end within 1 MiB"),
        "{err}"
    );
    assert!(err.len() < 400, "{err}");
}

/// A mistyped subcommand is a usage error naming the subcommand, before any
/// terminal or network is touched; `serve-demo --listen` takes an address
/// without a port.
#[test]
fn a_mistyped_subcommand_is_not_looked_up() {
    let out = mxlens()
        .args(["--demo", "chekc", "healthy.example"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("did you mean `mxlens check`?"), "{err}");
    let out = mxlens()
        .args(["check", "--demo", "localhost", "healthy.example"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("\"localhost\" has no dot"), "{err}");
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("healthy.example.")
    );
    let bad = mxlens()
        .args(["serve-demo", "--listen", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8(bad.stderr)
            .unwrap()
            .contains("ADDR or ADDR:PORT")
    );
}
