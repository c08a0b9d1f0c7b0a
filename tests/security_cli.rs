//! `mxlens check --security` as a user runs it: the real binary, the DNS lab
//! and an HTTPS policy server on loopback, the test CA passed with --ca-file.

mod support;

use mxlens::dns::mx_report;
use mxlens::dns::security::rdns;
use mxlens::export::{ExportFormat, render_many};
use serde_json::Value;
use support::https::{HttpsServer, Reply, TestCa};
use support::{TestDns, mxlens, output};

/// The policy host of cli.test (mode enforce, only mx1 covered) and its
/// CA in a PEM file, for --ca-file: (server, the file's directory, file).
async fn policy_host() -> (HttpsServer, tempfile::TempDir, std::path::PathBuf) {
    let ca = TestCa::new("cli test CA");
    let https = HttpsServer::start(
        &ca,
        &["mta-sts.cli.test"],
        Reply::Policy("version: STSv1\nmode: enforce\nmx: mx1.cli.test\nmax_age: 86400\n".into()),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    (https, dir, ca_file)
}

const ZONE: &str = "
@ IN MX 10 mx1
@ IN MX 20 backup
mx1 IN A 192.0.2.1
backup IN A 192.0.2.2
_mta-sts IN TXT \"v=STSv1; id=42\"
mta-sts IN A 127.0.0.1
_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tls@cli.test\"
";

#[tokio::test]
async fn security_findings_json_and_exit_code() {
    let dns = TestDns::start(&[
        ("cli.test.", ZONE),
        ("2.0.192.in-addr.arpa.", "1 IN PTR mx1.cli.test.\n"),
    ])
    .await;
    let (https, dir, ca_file) = policy_host().await;

    let mut c = mxlens();
    c.args(["check", "--security", "--format", "json", "--resolver"])
        .arg(dns.addr().to_string())
        .arg("--ca-file")
        .arg(&ca_file)
        .arg("cli.test")
        .env("MXLENS_MTA_STS_PORT", https.port().to_string());
    let out = output(c).await;
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(v["mta_sts"]["status"], "ok");
    assert_eq!(v["mta_sts"]["id"], "42");
    assert_eq!(v["mta_sts"]["policy"]["mode"], "enforce");
    assert_eq!(v["tls_rpt"]["rua"][0], "mailto:tls@cli.test");
    assert_eq!(
        v["mx"][0]["addresses"][0]["ptr"]["names"][0],
        "mx1.cli.test."
    );
    assert_eq!(v["mx"][0]["addresses"][0]["ptr"]["confirmed"], true);
    assert_eq!(v["mx"][1]["addresses"][0]["ptr"]["status"], "nxdomain");
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"mta-sts-mx-not-covered"), "{codes:?}");
    assert!(codes.contains(&"address-no-ptr"), "{codes:?}");

    // Without --security: no security lookups, no new keys, no new findings.
    let mut c = mxlens();
    c.args(["check", "--format", "json", "--resolver"])
        .arg(dns.addr().to_string())
        .arg("cli.test")
        .env("MXLENS_MTA_STS_PORT", https.port().to_string());
    let out = output(c).await;
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v.get("mta_sts").is_none() && v.get("tls_rpt").is_none(),
        "{v}"
    );
    assert!(v["mx"][0]["addresses"][0].get("ptr").is_none(), "{v}");
    assert_eq!(
        https.requests(),
        1,
        "the policy was fetched without --security"
    );

    // The configuration can turn the lookups on, with the CA file named
    // relative to it; --no-security turns them off for one run.
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[security]\ncheck = true\nca_file = \"ca.pem\"\n").unwrap();
    let run = |extra: &[&str]| {
        let mut c = mxlens();
        c.args(["check", "--format", "json", "--config"])
            .arg(&config)
            .args(extra)
            .arg("--resolver")
            .arg(dns.addr().to_string())
            .arg("cli.test")
            .env("MXLENS_MTA_STS_PORT", https.port().to_string());
        c
    };
    let out = output(run(&[])).await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["mta_sts"]["status"], "ok", "{v}");
    assert_eq!(https.requests(), 2);
    let out = output(run(&["--no-security"])).await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("mta_sts").is_none(), "{v}");
    assert_eq!(https.requests(), 2, "--no-security fetched the policy");
}

#[tokio::test]
async fn a_ca_file_that_is_not_pem_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "not a certificate\n").unwrap();
    let mut c = mxlens();
    c.args(["check", "--security", "--demo", "--ca-file"])
        .arg(&bad);
    let out = output(c).await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.pem") && err.contains("PEM"), "{err}");
}

#[tokio::test]
async fn every_export_format_writes_the_reverse_dns() {
    let dns = TestDns::start(&[
        ("cli.test.", ZONE),
        ("2.0.192.in-addr.arpa.", "1 IN PTR mx1.cli.test.\n"),
    ])
    .await;
    let up = dns.upstream();
    let plain = mx_report(&up, "cli.test.").await;
    let mut r = plain.clone();
    rdns::fill(&up, &mut r).await;
    let reports = [r];
    let csv = render_many(&reports, ExportFormat::Csv);
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .ends_with(",provider,ptr,ptr_status,ptr_confirmed"),
        "{csv}"
    );
    assert!(
        lines.next().unwrap().ends_with(",mx1.cli.test.,ok,true"),
        "{csv}"
    );
    assert!(lines.next().unwrap().ends_with(",,nxdomain,false"), "{csv}");
    let zone = render_many(&reports, ExportFormat::Zone);
    assert!(
        zone.contains("; 192.0.2.1 ptr mx1.cli.test. (confirmed)"),
        "{zone}"
    );
    assert!(zone.contains("; 192.0.2.2 no ptr (nxdomain)"), "{zone}");
    let dig = render_many(&reports, ExportFormat::Dig);
    assert!(dig.contains("dig +noall +answer -x 192.0.2.1 "), "{dig}");
    let md = render_many(&reports, ExportFormat::Markdown);
    assert!(
        md.contains("192.0.2.1 (ptr mx1.cli.test. (confirmed))"),
        "{md}"
    );
    let text = render_many(&reports, ExportFormat::Text);
    assert!(text.contains("ptr mx1.cli.test. (confirmed)"), "{text}");
    let json = render_many(&reports, ExportFormat::Json);
    assert!(json.contains("\"ptr\":{"), "{json}");

    // The same report without reverse DNS renders as before: no new columns.
    let before = [plain];
    let csv = render_many(&before, ExportFormat::Csv);
    assert!(csv.lines().next().unwrap().ends_with(",provider"), "{csv}");
    assert!(!render_many(&before, ExportFormat::Dig).contains(" -x "));
    assert!(!render_many(&before, ExportFormat::Json).contains("\"ptr\""));
}

#[tokio::test]
async fn an_enforcing_sender_defers_when_the_primary_fails_over_to_an_uncovered_backup() {
    let dns = TestDns::start(&[("cli.test.", ZONE)]).await;
    let (https, _dir, ca_file) = policy_host().await;
    let run = |enforce: &str, format: &str| {
        let mut c = mxlens();
        c.args([
            "simulate",
            "cli.test",
            "--down",
            "mx1.cli.test",
            "--format",
            format,
        ])
        .args(["--enforce", enforce, "--resolver"])
        .arg(dns.addr().to_string())
        .arg("--ca-file")
        .arg(&ca_file)
        .env("MXLENS_MTA_STS_PORT", https.port().to_string());
        c
    };
    // An ordinary sender fails over to the backup.
    let out = output(run("none", "json")).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "delivered");
    assert_eq!(v["receivers"][0]["exchange"], "backup.cli.test.");
    assert_eq!(https.requests(), 0, "no security lookups without --enforce");

    // An MTA-STS sender refuses the backup: the mail waits in its queue.
    let out = output(run("mta-sts", "json")).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "deferred");
    assert_eq!(v["enforce"]["policy"], "mta-sts");
    assert_eq!(v["enforce"]["refused"][0]["exchange"], "backup.cli.test.");
    assert_eq!(
        v["enforce"]["refused"][0]["reason"],
        "not covered by the MTA-STS policy"
    );
    assert_eq!(v["enforce"]["refused"].as_array().unwrap().len(), 1);
    assert!(v["down"].to_string().contains("backup.cli.test."), "{v}");
    let text = output(run("mta-sts", "text")).await;
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("sender enforces mta-sts: refuses")
            && text.contains("backup.cli.test.: not covered by the MTA-STS policy"),
        "{text}"
    );

    // DANE: the domain publishes no TLSA, so there is nothing to enforce.
    let out = output(run("dane", "text")).await;
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("does not use DANE"), "{text}");

    // A proposal with every address inline: the policy is still the
    // domain's, so an enforcing sender looks it up and refuses the
    // proposed exchange it does not cover.
    let before = https.requests();
    let mut c = mxlens();
    c.args([
        "simulate",
        "cli.test",
        "--mx",
        "10 mx1.cli.test=192.0.2.10, 20 new-backup.cli.test=192.0.2.11",
        "--down",
        "mx1.cli.test",
        "--enforce",
        "mta-sts",
        "--format",
        "json",
        "--resolver",
    ])
    .arg(dns.addr().to_string())
    .arg("--ca-file")
    .arg(&ca_file)
    .env("MXLENS_MTA_STS_PORT", https.port().to_string());
    let out = output(c).await;
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "deferred", "{v}");
    assert_eq!(
        v["enforce"]["refused"][0]["exchange"],
        "new-backup.cli.test."
    );
    assert!(https.requests() > before, "the policy was fetched");
}

#[tokio::test]
async fn a_dns_outage_timeline_follows_the_ttls() {
    let dns = TestDns::start(&[(
        "ttl.test.",
        "@ 3600 IN MX 10 mx1\n@ 3600 IN MX 20 mx2\nmx1 300 IN A 192.0.2.1\nmx2 7200 IN A 192.0.2.2\n",
    )])
    .await;
    let mut c = mxlens();
    c.args([
        "simulate",
        "ttl.test",
        "--dns-down",
        "--profile",
        "postfix",
        "--resolver",
    ])
    .arg(dns.addr().to_string());
    let out = output(c).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // mx1's path is cut by its A TTL (300 s), mx2's by the MX TTL (3600 s).
    assert!(text.contains("deliver for 5 min more"), "{text}");
    assert!(text.contains("all senders defer after 1 h"), "{text}");
    assert!(text.contains("Long TTLs buy time"), "{text}");

    // The same timeline in the simulation JSON; without --dns-down no
    // `dns_outage` (and no `enforce` without --enforce).
    let json = |dns_down: bool| {
        let mut c = mxlens();
        c.args(["simulate", "ttl.test", "--format", "json", "--resolver"])
            .arg(dns.addr().to_string());
        if dns_down {
            c.arg("--dns-down");
        }
        c
    };
    let v: Value = serde_json::from_slice(&output(json(true)).await.stdout).unwrap();
    assert_eq!(v["dns_outage"]["cached_min_s"], 300);
    assert_eq!(v["dns_outage"]["all_defer_after_s"], 3600);
    assert_eq!(v["dns_outage"]["bounce_after_s"], 432000.0);
    let v: Value = serde_json::from_slice(&output(json(false)).await.stdout).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert!(
        v.get("dns_outage").is_none() && v.get("enforce").is_none(),
        "{keys:?}"
    );
}

#[tokio::test]
async fn enforcing_without_security_lookups_is_a_usage_error() {
    let mut c = mxlens();
    c.args([
        "simulate",
        "--demo",
        "sts.example",
        "--enforce",
        "mta-sts",
        "--no-security",
    ]);
    let out = output(c).await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--no-security") && err.contains("--enforce mta-sts"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
