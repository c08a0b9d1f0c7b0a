//! The real binary in tmux against a lab on loopback: a DNS server whose
//! domain publishes an enforced MTA-STS policy that leaves the backup out,
//! and an HTTPS policy server whose certificate comes from a test CA
//! (`--ca-file`). With the primary marked down, an ordinary sender delivers
//! to the backup; once `e` makes the sender enforce MTA-STS, it defers.

mod support;

use support::TestDns;
use support::https::{HttpsServer, Reply, TestCa};
use support::poll;
use support::tmux::Tmux;

const ZONE: &str = "
@ 3600 IN MX 10 mx1
@ 3600 IN MX 20 backup
mx1 300 IN A 192.0.2.1
backup 300 IN A 192.0.2.2
_mta-sts IN TXT \"v=STSv1; id=42\"
mta-sts IN A 127.0.0.1
_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tls@sts.test\"
";

#[test]
fn an_enforcing_sender_defers_where_an_ordinary_one_fails_over() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dns = rt.block_on(TestDns::start(&[("sts.test.", ZONE)]));
    let ca = TestCa::new("tui security test CA");
    let https = rt.block_on(HttpsServer::start(
        &ca,
        &["mta-sts.sts.test"],
        Reply::Policy("version: STSv1\nmode: enforce\nmx: mx1.sts.test\nmax_age: 86400\n".into()),
    ));
    let Some(t) = Tmux::start("security", 100, 30, &[]) else {
        return;
    };
    // A CA file that cannot be read stops the UI before the screen changes.
    t.run(&format!(
        "--resolver {} --ca-file {} sts.test",
        dns.addr(),
        t.path("missing.pem").display()
    ));
    let s = t.wait_for("the CA file error", |s| {
        s.contains("cannot read the CA file")
    });
    assert!(s.contains("missing.pem"), "{s}");
    t.assert_terminal_sane();
    let ca_file = t.path("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    t.run_env(
        &format!("MXLENS_MTA_STS_PORT={}", https.port()),
        &format!(
            "--resolver {} --ca-file {} sts.test",
            dns.addr(),
            ca_file.display()
        ),
    );
    // The selected domain's security lookups run by themselves: the
    // finding about the uncovered backup shows, and the hosts pane marks it.
    let s = t.wait_for("the security findings", |s| {
        s.contains("mta-sts-mx-not-covered") && !s.contains("security: looking up")
    });
    assert!(s.contains(" sec "), "{s}");
    let backup = s.lines().find(|l| l.contains("backup.sts.test.")).unwrap();
    assert!(backup.contains('x'), "not covered: {backup}");
    assert_eq!(https.requests(), 1, "one policy fetch for the report");

    // Primary down: an ordinary sender delivers to the backup.
    t.keys(&["Enter"]);
    t.wait_for("focus on the hosts", |s| s.contains("┏ MX hosts"));
    t.keys(&["Space"]);
    let s = t.wait_for("the failover to the backup", |s| {
        s.contains("mx1.sts.test. marked down") && s.contains("✓ DELIVERED")
    });
    assert!(!s.contains("enforces"), "{s}");

    // An MTA-STS sender refuses the backup: the mail is deferred.
    t.keys(&["e"]);
    let s = t.wait_for("the enforcing sender", |s| {
        s.contains("enforces mta-sts") && s.contains("↻ DEFERRED")
    });
    assert!(s.contains("refuses (counted as down)"), "{s}");
    assert!(
        s.contains("backup.sts.test.: not covered by the MTA-STS policy"),
        "{s}"
    );

    // A DNS outage on top: the timeline from the TTLs (MX 3600, A 300).
    t.keys(&["D"]);
    let s = t.wait_for("the DNS outage", |s| s.contains("DNS down"));
    assert!(s.contains("cached senders deliver for 5 min more"), "{s}");

    // The security view names the policy and the uncovered backup.
    t.keys(&["i"]);
    let s = t.wait_for("the security view", |s| s.contains("Security · sts.test."));
    assert!(s.contains("enforce · max_age 1 d"), "{s}");
    assert!(s.contains("MTA-STS NOT covered"), "{s}");
    // `r` looks again: a new report, whose lookups fetch the policy again.
    t.keys(&["r"]);
    poll(
        "a second policy fetch after r",
        || (https.requests() == 2).then_some(()),
        || t.screen(),
    );
    t.keys(&["Escape"]);
    t.wait_for("the view closed", |s| !s.contains("Security · sts.test."));
    t.keys(&["q"]);
    t.assert_terminal_sane();
    drop(rt);
}
