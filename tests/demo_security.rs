//! The demo's security picture as a user sees it, offline: the real binary
//! against the built-in demo (zones signed at start, the MTA-STS policy
//! host with the demo's own CA), and `serve-demo` with the files it writes.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use mxlens::dns::demo::DemoServer;
use serde_json::Value;
use support::{mxlens, output};

fn reports(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn codes(v: &Value) -> Vec<&str> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

/// Every RRset status of a report: the MX and each exchange's A and AAAA.
fn statuses(v: &Value) -> Vec<&str> {
    let mut out = vec![v["dnssec"]["mx"].as_str().unwrap()];
    for e in v["dnssec"]["exchanges"].as_array().unwrap() {
        out.push(e["a"].as_str().unwrap());
        out.push(e["aaaa"].as_str().unwrap());
    }
    out
}

#[test]
fn check_demo_security_shows_dane_mta_sts_and_insecure_delegations() {
    let out = mxlens()
        .args(["check", "--demo", "--security", "--format", "json"])
        .args(["dane.example", "sts.example", "healthy.example"])
        .args(["workspace.example", "gone.example"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // mta-sts-mx-not-covered is an error in enforce mode.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let r = reports(&out);
    assert_eq!(r.len(), 5, "{stderr}");

    // dane.example: signed at start, DS in the signed example. zone.
    let dane = &r[0];
    assert_eq!(dane["domain"], "dane.example.");
    assert_eq!(statuses(dane), ["secure"; 5], "{dane}");
    let tlsa = dane["tlsa"].as_array().unwrap();
    assert_eq!(tlsa[0]["exchange"], "mx1.dane.example.");
    assert_eq!(tlsa[0]["lookup"], "found");
    assert_eq!(tlsa[0]["dnssec"], "secure");
    let rec = &tlsa[0]["records"][0];
    assert_eq!(
        (&rec["usage"], &rec["selector"], &rec["matching_type"]),
        (&Value::from(3), &Value::from(1), &Value::from(1))
    );
    // The backup's missing TLSA is proven (NSEC), not merely absent.
    assert_eq!(tlsa[1]["exchange"], "mx2.dane.example.");
    assert_eq!(tlsa[1]["lookup"], "none");
    assert_eq!(tlsa[1]["dnssec"], "secure");
    assert_eq!(codes(dane), ["tlsa-partial"], "{dane}");
    assert_eq!(dane["findings"][0]["subject"], "mx2.dane.example.");
    assert_eq!(dane["mta_sts"]["status"], "none");

    // sts.example: the policy came over HTTPS from the demo's policy host,
    // its certificate from the demo CA that --demo trusts.
    let sts = &r[1];
    assert_eq!(sts["mta_sts"]["status"], "ok", "{sts}");
    assert_eq!(sts["mta_sts"]["policy"]["mode"], "enforce");
    assert_eq!(
        sts["mta_sts"]["policy"]["mx"],
        serde_json::json!(["mx1.sts.example"])
    );
    assert_eq!(sts["tls_rpt"]["rua"][0], "mailto:tls-reports@sts.example");
    assert_eq!(codes(sts), ["mta-sts-mx-not-covered"], "{sts}");
    assert_eq!(sts["findings"][0]["severity"], "error");
    assert_eq!(sts["findings"][0]["subject"], "backup.sts.example.");
    // Unsigned, and provably so: the signed parent has no DS for it.
    assert_eq!(statuses(sts), ["insecure"; 5], "{sts}");

    // The older demo domains: insecure delegations, no security finding.
    for v in &r[2..4] {
        assert!(statuses(v).iter().all(|s| *s == "insecure"), "{v}");
        assert!(
            v["tlsa"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["lookup"] == "none" && t["dnssec"] == "insecure"),
            "{v}"
        );
        assert!(
            !codes(v).iter().any(|c| c.starts_with("dnssec")
                || c.starts_with("tlsa")
                || c.starts_with("mta-sts")),
            "{v}"
        );
    }
    // The demo's reverse zones: every plain exchange address forward-confirms.
    for a in r[2]["mx"][0]["addresses"].as_array().unwrap() {
        assert_eq!(a["ptr"]["names"][0], "mx1.healthy.example.", "{a}");
        assert_eq!(a["ptr"]["confirmed"], true, "{a}");
    }
    // A domain that does not exist gets no security lookups.
    assert_eq!(r[4]["outcome"], "nxdomain");
    assert!(r[4]["dnssec"].is_null(), "{}", r[4]);
}

fn simulate(domain: &str, down: &str, enforce: &str) -> Value {
    let out = mxlens()
        .args(["simulate", "--demo", domain, "--down", down])
        .args(["--enforce", enforce, "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    // Exit codes: 0 delivered, 1 deferred or bounced.
    let want = if v["outcome"] == "delivered" { 0 } else { 1 };
    assert_eq!(out.status.code(), Some(want), "{v}");
    v
}

#[test]
fn simulate_demo_enforcing_senders_defer_when_the_primary_is_down() {
    // MTA-STS: the backup is outside the policy.
    let rfc = simulate("sts.example", "mx1.sts.example", "none");
    assert_eq!(rfc["outcome"], "delivered", "{rfc}");
    assert_eq!(rfc["receivers"][0]["exchange"], "backup.sts.example.");
    let sts = simulate("sts.example", "mx1.sts.example", "mta-sts");
    assert_eq!(sts["outcome"], "deferred", "{sts}");
    assert!(sts["receivers"].as_array().unwrap().is_empty(), "{sts}");
    // With the primary up, the enforcing sender still delivers there.
    let up = simulate("sts.example", "backup.sts.example", "mta-sts");
    assert_eq!(up["outcome"], "delivered", "{up}");
    assert_eq!(up["receivers"][0]["exchange"], "mx1.sts.example.");

    // DANE: the backup has no TLSA record.
    let rfc = simulate("dane.example", "mx1.dane.example", "none");
    assert_eq!(rfc["outcome"], "delivered", "{rfc}");
    assert_eq!(rfc["receivers"][0]["exchange"], "mx2.dane.example.");
    // Mandatory DANE refuses the TLSA-less backup; an RFC 7672 sender
    // delivers to it without authentication.
    let only = simulate("dane.example", "mx1.dane.example", "dane-only");
    assert_eq!(only["outcome"], "deferred", "{only}");
    assert_eq!(
        only["enforce"]["refused"][0]["exchange"],
        "mx2.dane.example."
    );
    let dane = simulate("dane.example", "mx1.dane.example", "dane");
    assert_eq!(dane["outcome"], "delivered", "{dane}");
    assert_eq!(dane["receivers"][0]["exchange"], "mx2.dane.example.");
    // An MTA-STS-enforcing sender does not care about TLSA.
    let other = simulate("dane.example", "mx1.dane.example", "mta-sts");
    assert_eq!(other["outcome"], "delivered", "{other}");
}

/// A run without --demo, pointed at the demo's servers, trusts neither the
/// demo CA nor the demo keys unless given them.
#[tokio::test]
async fn the_demo_ca_and_anchor_are_trusted_only_when_given() {
    let demo = DemoServer::start().await.unwrap();
    let check = |extra: Vec<String>| {
        let mut c = mxlens();
        c.args(["check", "--security", "--format", "json", "--resolver"])
            .arg(demo.addr().to_string())
            .args(extra)
            .args(["sts.example", "dane.example"])
            .env("MXLENS_MTA_STS_PORT", demo.https_port().to_string());
        output(c)
    };

    let out = check(Vec::new()).await;
    let r = reports(&out);
    assert_eq!(r.len(), 2, "{}", String::from_utf8_lossy(&out.stderr));
    let sts = &r[0]["mta_sts"];
    assert_eq!(sts["status"], "unreachable", "{sts}");
    let why = sts["error"].as_str().unwrap();
    assert!(
        why.contains("certificate") && why.contains("UnknownIssuer"),
        "{why}"
    );
    assert!(codes(&r[0]).contains(&"mta-sts-policy-unreachable"));
    // Validated from the root key, which the demo's zones do not chain to.
    assert_ne!(r[1]["dnssec"]["mx"], "secure", "{}", r[1]);

    // The same run given the demo's CA and anchor files sees what --demo does.
    let dir = tempfile::tempdir().unwrap();
    let (ca, anchor) = (dir.path().join("ca.pem"), dir.path().join("anchor"));
    std::fs::write(&ca, demo.ca_pem()).unwrap();
    std::fs::write(
        &anchor,
        mxlens::dns::demo_dnssec::anchor_text(&demo.anchor()),
    )
    .unwrap();
    let out = check(vec![
        "--ca-file".into(),
        ca.display().to_string(),
        "--trust-anchor".into(),
        anchor.display().to_string(),
    ])
    .await;
    let r = reports(&out);
    assert_eq!(r[0]["mta_sts"]["status"], "ok", "{}", r[0]);
    assert_eq!(statuses(&r[1]), ["secure"; 5], "{}", r[1]);
    assert_eq!(r[1]["tlsa"][1]["dnssec"], "secure", "{}", r[1]);
}

/// Two demos generate different keys and CAs: nothing is fixed in the binary.
#[tokio::test]
async fn every_demo_start_makes_new_keys_and_a_new_ca() {
    let (a, b) = (
        DemoServer::start().await.unwrap(),
        DemoServer::start().await.unwrap(),
    );
    assert_ne!(a.ca_pem(), b.ca_pem());
    let (ka, kb) = (a.anchor(), b.anchor());
    let mut names: Vec<String> = ka.keys.iter().map(|(n, _)| n.to_string()).collect();
    names.sort();
    assert_eq!(names, ["example.", "test."]);
    assert!(ka.ds.is_empty());
    for ((_, x), (_, y)) in ka.keys.iter().zip(&kb.keys) {
        assert_ne!(x, y);
    }
}

/// A child process that a failing test does not leave running.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_demo_prints_how_to_use_its_ca_and_anchor_and_removes_them() {
    let mut server = Server(
        mxlens()
            .args(["serve-demo", "--listen", "127.0.0.1:0"])
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let child = &mut server.0;
    // Lines come through a channel, so a server that never prints cannot
    // hang the test.
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut printed = Vec::new();
    let command = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = match rx.recv_timeout(left) {
            Ok(line) => line,
            Err(e) => panic!("serve-demo printed no command ({e:?}): {printed:?}"),
        };
        printed.push(line.clone());
        if line.trim_start().starts_with("MXLENS_MTA_STS_PORT=") {
            break line;
        }
    };
    let words: Vec<&str> = command.split_whitespace().collect();
    let port = words[0].strip_prefix("MXLENS_MTA_STS_PORT=").unwrap();
    assert_eq!(words[1], "mxlens", "{command}");
    let ca = words[words.iter().position(|w| *w == "--ca-file").unwrap() + 1];
    let anchor = words[words.iter().position(|w| *w == "--trust-anchor").unwrap() + 1];
    assert!(std::path::Path::new(ca).exists() && std::path::Path::new(anchor).exists());

    let mut args: Vec<&str> = words[2..].to_vec();
    args.extend(["--format", "json"]);
    let out = mxlens()
        .args(&args)
        .env("MXLENS_MTA_STS_PORT", port)
        .output()
        .unwrap();
    let r = reports(&out);
    assert_eq!(r.len(), 2, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(r[0]["domain"], "dane.example.");
    assert_eq!(statuses(&r[0]), ["secure"; 5], "{}", r[0]);
    assert_eq!(r[1]["mta_sts"]["status"], "ok", "{}", r[1]);
    assert_eq!(codes(&r[1]), ["mta-sts-mx-not-covered"]);

    // The shell's own kill: no procps needed.
    let stopped = Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", child.id())])
        .status()
        .unwrap();
    assert!(stopped.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(!std::path::Path::new(ca).exists(), "{ca} left behind");
    assert!(
        !std::path::Path::new(anchor).exists(),
        "{anchor} left behind"
    );
}
