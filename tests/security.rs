//! Transport security against real servers on loopback: reverse DNS from
//! reverse zones in the DNS lab, MTA-STS policies from a real HTTPS server
//! with a certificate from a CA made in the test, TLS-RPT records.

mod support;

use std::time::{Duration, Instant};

use mxlens::dns::mx_report;
use mxlens::dns::security::{SecurityOptions, add_security, rdns};
use mxlens::mx::sts::{StsMode, StsStatus};
use mxlens::mx::{AddressStatus, MxReport, Severity};
use support::TestDns;
use support::https::{HttpsServer, Reply, TestCa};

const MAIL: &str = "
@    300 IN MX 10 mx1
@    300 IN MX 20 mx2
@    300 IN MX 30 mx3
mx1   60 IN A    192.0.2.10
mx1   60 IN AAAA 2001:db8::10
mx2   60 IN A    192.0.2.20
mx3   60 IN A    192.0.2.30
other 60 IN A    192.0.2.99
";

/// 192.0.2.10 and 2001:db8::10 confirmed, 192.0.2.20 points at a name with
/// another address, 192.0.2.30 has no PTR.
const REV4: &str = "
10 300 IN PTR mx1.rd.test.
20 300 IN PTR other.rd.test.
";
const REV6: &str = "
0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 300 IN PTR mx1.rd.test.
";

async fn rdns_lab() -> TestDns {
    TestDns::start(&[
        ("rd.test.", MAIL),
        ("2.0.192.in-addr.arpa.", REV4),
        ("8.b.d.0.1.0.0.2.ip6.arpa.", REV6),
    ])
    .await
}

fn codes_for<'a>(r: &'a MxReport, code: &str) -> Vec<&'a str> {
    r.findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.subject.as_str())
        .collect()
}

#[tokio::test]
async fn reverse_dns_confirmed_mismatched_and_missing() {
    let lab = rdns_lab().await;
    let up = lab.upstream();
    let mut r = mx_report(&up, "rd.test.").await;
    assert!(
        r.mx.iter()
            .flat_map(|h| &h.addresses)
            .all(|a| a.ptr.is_none()),
        "no reverse DNS without the security lookups"
    );
    rdns::fill(&up, &mut r).await;
    let ptr = |ip: &str| {
        r.mx.iter()
            .flat_map(|h| &h.addresses)
            .find(|a| a.ip.to_string() == ip)
            .and_then(|a| a.ptr.clone())
            .unwrap()
    };
    let v4 = ptr("192.0.2.10");
    assert_eq!(v4.status, AddressStatus::Ok);
    assert_eq!(v4.names, ["mx1.rd.test."]);
    assert!(v4.confirmed);
    let v6 = ptr("2001:db8::10");
    assert!(v6.confirmed, "{v6:?}");
    let mismatch = ptr("192.0.2.20");
    assert_eq!(mismatch.names, ["other.rd.test."]);
    assert!(!mismatch.confirmed);
    let none = ptr("192.0.2.30");
    assert_eq!(none.status, AddressStatus::Nxdomain);
    assert!(none.names.is_empty() && !none.confirmed);

    r.findings = mxlens::mx::checks::run(&r);
    assert_eq!(codes_for(&r, "address-no-ptr"), ["192.0.2.30"]);
    assert_eq!(codes_for(&r, "address-ptr-mismatch"), ["192.0.2.20"]);
    for f in r.findings.iter().filter(|f| f.code.starts_with("address-")) {
        assert_eq!(f.severity, Severity::Info);
        assert!(f.message.contains("rarely need"), "{}", f.message);
    }
}

#[tokio::test]
async fn one_of_several_ptr_names_resolving_back_is_enough() {
    let lab = TestDns::start(&[
        (
            "m.test.",
            "@ IN MX 10 mx\nmx IN A 192.0.2.10\nalias IN A 192.0.2.77",
        ),
        (
            "2.0.192.in-addr.arpa.",
            "10 IN PTR alias.m.test.\n10 IN PTR mx.m.test.\n",
        ),
    ])
    .await;
    let up = lab.upstream();
    let p = rdns::reverse(&up, "192.0.2.10".parse().unwrap()).await;
    assert_eq!(p.names, ["alias.m.test.", "mx.m.test."]);
    assert!(p.confirmed);
}

#[tokio::test]
async fn classless_reverse_delegation_through_a_cname_is_followed() {
    // RFC 2317: the /24 zone aliases each address into the customer's zone.
    let lab = TestDns::start(&[
        ("c.test.", "@ IN MX 10 mx\nmx IN A 192.0.2.5"),
        (
            "2.0.192.in-addr.arpa.",
            "5 IN CNAME 5.0-63.2.0.192.in-addr.arpa.\n5.0-63 IN PTR mx.c.test.\n",
        ),
    ])
    .await;
    let p = rdns::reverse(&lab.upstream(), "192.0.2.5".parse().unwrap()).await;
    assert_eq!(p.names, ["mx.c.test."]);
    assert!(p.confirmed);
}

#[tokio::test]
async fn a_failed_ptr_query_is_not_reported_as_missing() {
    let silent = support::SilentServer::start();
    let p = rdns::reverse(&silent.upstream(), "192.0.2.1".parse().unwrap()).await;
    assert_eq!(p.status, AddressStatus::Timeout);
    let mut r = MxReport::new("x.test.", "test");
    r.outcome = mxlens::mx::Outcome::Mx;
    let mut h = mxlens::mx::MxHost::new(10, "mx.x.test.", 60);
    let mut a = mxlens::mx::Address::new("192.0.2.1".parse().unwrap(), 60);
    a.ptr = Some(p);
    h.addresses.push(a);
    r.mx.push(h);
    let codes: Vec<_> = mxlens::mx::checks::run(&r)
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert!(
        !codes.iter().any(|c| c.starts_with("address-")),
        "{codes:?}"
    );
}

// ---- MTA-STS and TLS-RPT -------------------------------------------------

/// A domain with MX mx1 (10) and a backup in another zone (20), its
/// `_mta-sts` record `txt`, `mta-sts` at 127.0.0.1 and a TLS-RPT record.
fn sts_zone(txt: &str, tls_rpt: bool) -> String {
    format!(
        "@ IN MX 10 mx1\n@ IN MX 20 backup.other.test.\nmx1 IN A 192.0.2.1\n_mta-sts IN TXT \"{txt}\"\nmta-sts IN A 127.0.0.1\n{}",
        if tls_rpt {
            "_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@sts.test\"\n"
        } else {
            ""
        }
    )
}

struct StsLab {
    dns: TestDns,
    ca: TestCa,
}

impl StsLab {
    async fn new(txt: &str, tls_rpt: bool) -> Self {
        let dns = TestDns::start(&[
            ("sts.test.", &sts_zone(txt, tls_rpt)),
            ("other.test.", "backup IN A 192.0.2.2"),
        ])
        .await;
        Self {
            dns,
            ca: TestCa::new("mxlens test CA"),
        }
    }

    async fn serve(&self, reply: Reply) -> HttpsServer {
        HttpsServer::start(&self.ca, &["mta-sts.sts.test"], reply).await
    }

    fn options(&self, port: u16) -> SecurityOptions {
        let mut o = SecurityOptions::with_roots(self.ca.roots()).unwrap();
        o.https_port = port;
        o.fetch_timeout = Duration::from_secs(3);
        o
    }

    async fn report(&self, port: u16) -> MxReport {
        let up = self.dns.upstream();
        let mut r = mx_report(&up, "sts.test.").await;
        add_security(&up, &mut r, &self.options(port)).await;
        r
    }
}

fn policy(mode: &str, mx: &[&str]) -> String {
    let mut p = format!("version: STSv1\r\nmode: {mode}\r\nmax_age: 604800\r\n");
    for m in mx {
        p.push_str(&format!("mx: {m}\r\n"));
    }
    p
}

fn sts_codes(r: &MxReport) -> Vec<(String, Severity, String)> {
    r.findings
        .iter()
        .filter(|f| f.code.starts_with("mta-sts") || f.code.starts_with("tls-rpt"))
        .map(|f| (f.code.clone(), f.severity, f.subject.clone()))
        .collect()
}

#[tokio::test]
async fn a_policy_covering_every_exchange_gives_no_finding() {
    let lab = StsLab::new("v=STSv1; id=20261130", true).await;
    let https = lab
        .serve(Reply::Policy(policy(
            "enforce",
            &["mx1.sts.test", "*.other.test"],
        )))
        .await;
    let r = lab.report(https.port()).await;
    let sts = r.mta_sts.as_ref().unwrap();
    assert_eq!(sts.status, StsStatus::Ok, "{sts:?}");
    assert_eq!(sts.id.as_deref(), Some("20261130"));
    let p = sts.policy.as_ref().unwrap();
    assert_eq!(p.mode, StsMode::Enforce);
    assert_eq!(p.max_age, 604800);
    assert!(sts_codes(&r).is_empty(), "{:?}", sts_codes(&r));
    assert!(r.tls_rpt.as_ref().unwrap().usable());
    assert_eq!(https.requests(), 1);
    let head = https.last_head();
    assert!(
        head.starts_with("GET /.well-known/mta-sts.txt HTTP/1.1\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\nHost: mta-sts.sts.test\r\n"), "{head}");
}

#[tokio::test]
async fn a_backup_outside_an_enforced_policy_is_an_error() {
    let lab = StsLab::new("v=STSv1; id=1", true).await;
    let https = lab
        .serve(Reply::Policy(policy("enforce", &["mx1.sts.test"])))
        .await;
    let r = lab.report(https.port()).await;
    assert_eq!(
        sts_codes(&r),
        [(
            "mta-sts-mx-not-covered".to_string(),
            Severity::Error,
            "backup.other.test.".to_string()
        )]
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "mta-sts-mx-not-covered")
        .unwrap();
    assert!(f.message.contains("refuse"), "{}", f.message);
    assert_eq!(mxlens::cmd::check::exit_code(&r), 1);
}

#[tokio::test]
async fn in_testing_mode_an_uncovered_exchange_is_a_warning() {
    let lab = StsLab::new("v=STSv1; id=1", true).await;
    // A wildcard stands for one label only: it does not cover mx1.sts.test.
    let https = lab
        .serve(Reply::Policy(policy(
            "testing",
            &["*.test", "backup.other.test"],
        )))
        .await;
    let r = lab.report(https.port()).await;
    assert_eq!(
        sts_codes(&r),
        [(
            "mta-sts-mx-not-covered".to_string(),
            Severity::Warning,
            "mx1.sts.test.".to_string()
        )]
    );
}

#[tokio::test]
async fn a_malformed_policy_is_invalid_and_names_the_line() {
    let lab = StsLab::new("v=STSv1; id=1", true).await;
    let https = lab
        .serve(Reply::Policy(
            "version: STSv1\r\nmode: enforce\r\nmx mx1.sts.test\r\nmax_age: 86400\r\n".into(),
        ))
        .await;
    let r = lab.report(https.port()).await;
    assert_eq!(r.mta_sts.as_ref().unwrap().status, StsStatus::Invalid);
    let codes = sts_codes(&r);
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert_eq!(codes[0].0, "mta-sts-invalid");
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "mta-sts-invalid")
        .unwrap();
    assert!(f.message.contains("line 3"), "{}", f.message);
}

#[tokio::test]
async fn a_policy_host_that_does_not_listen_is_unreachable() {
    let lab = StsLab::new("v=STSv1; id=1", true).await;
    // A port that was free a moment ago: nothing listens there.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let r = lab.report(port).await;
    let sts = r.mta_sts.as_ref().unwrap();
    assert_eq!(sts.status, StsStatus::Unreachable);
    assert!(sts.policy.is_none());
    assert_eq!(sts_codes(&r)[0].0, "mta-sts-policy-unreachable");
}

#[tokio::test]
async fn a_policy_host_without_address_is_unreachable() {
    let dns = TestDns::start(&[(
        "nohost.test.",
        "@ IN MX 10 mx\nmx IN A 192.0.2.1\n_mta-sts IN TXT \"v=STSv1; id=1\"\n",
    )])
    .await;
    let ca = TestCa::new("ca");
    let up = dns.upstream();
    let mut r = mx_report(&up, "nohost.test.").await;
    add_security(
        &up,
        &mut r,
        &SecurityOptions::with_roots(ca.roots()).unwrap(),
    )
    .await;
    let sts = r.mta_sts.unwrap();
    assert_eq!(sts.status, StsStatus::Unreachable);
    assert!(
        sts.error
            .unwrap()
            .contains("mta-sts.nohost.test has no address")
    );
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let lab = StsLab::new("v=STSv1; id=1", true).await;
    let target = lab
        .serve(Reply::Policy(policy(
            "enforce",
            &["mx1.sts.test", "backup.other.test"],
        )))
        .await;
    let redirect = lab
        .serve(Reply::Raw(
            format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: https://mta-sts.sts.test:{}/.well-known/mta-sts.txt\r\nContent-Length: 0\r\n\r\n",
                target.port()
            )
            .into_bytes(),
        ))
        .await;
    let r = lab.report(redirect.port()).await;
    let sts = r.mta_sts.as_ref().unwrap();
    assert_eq!(sts.status, StsStatus::Unreachable, "{sts:?}");
    assert!(sts.error.as_ref().unwrap().contains("redirect"), "{sts:?}");
    assert_eq!(redirect.requests(), 1);
    assert_eq!(target.requests(), 0, "the redirect was followed");
}

#[tokio::test]
async fn a_certificate_from_another_ca_is_refused() {
    let lab = StsLab::new("v=STSv1; id=1", true).await;
    let stranger = TestCa::new("some other CA");
    let https = HttpsServer::start(
        &stranger,
        &["mta-sts.sts.test"],
        Reply::Policy(policy("enforce", &["mx1.sts.test"])),
    )
    .await;
    let r = lab.report(https.port()).await;
    let sts = r.mta_sts.as_ref().unwrap();
    assert_eq!(sts.status, StsStatus::Unreachable);
    assert!(
        sts.error.as_ref().unwrap().contains("certificate"),
        "{sts:?}"
    );
    assert!(sts.policy.is_none());
    assert_eq!(
        https.requests(),
        0,
        "a request went over an untrusted connection"
    );
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused() {
    let lab = StsLab::new("v=STSv1; id=1", true).await;
    let https = HttpsServer::start(
        &lab.ca,
        &["mta-sts.elsewhere.test"],
        Reply::Policy(policy("enforce", &["mx1.sts.test"])),
    )
    .await;
    let r = lab.report(https.port()).await;
    assert_eq!(r.mta_sts.as_ref().unwrap().status, StsStatus::Unreachable);
    assert_eq!(https.requests(), 0);
}

#[tokio::test]
async fn an_oversize_policy_is_cut_off() {
    let lab = StsLab::new("v=STSv1; id=1", true).await;
    let mut big = policy("enforce", &["mx1.sts.test", "backup.other.test"]);
    while big.len() <= 64 * 1024 {
        big.push_str("mx: filler.example.test\r\n");
    }
    let declared = lab.serve(Reply::Policy(big)).await;
    let r = lab.report(declared.port()).await;
    let sts = r.mta_sts.as_ref().unwrap();
    assert_eq!(sts.status, StsStatus::Unreachable);
    assert!(sts.error.as_ref().unwrap().contains("64 KiB"), "{sts:?}");

    // No length given, and the body never ends: reading stops at the cap.
    let endless = lab.serve(Reply::Endless).await;
    let r = lab.report(endless.port()).await;
    let sts = r.mta_sts.as_ref().unwrap();
    assert_eq!(sts.status, StsStatus::Unreachable);
    assert!(sts.error.as_ref().unwrap().contains("64 KiB"), "{sts:?}");
}

#[tokio::test]
async fn a_server_that_never_answers_cannot_stall_the_lookup() {
    let lab = StsLab::new("v=STSv1; id=1", true).await;
    let https = lab.serve(Reply::Stall).await;
    let up = lab.dns.upstream();
    let mut r = mx_report(&up, "sts.test.").await;
    let mut opts = lab.options(https.port());
    opts.fetch_timeout = Duration::from_millis(300);
    let started = Instant::now();
    add_security(&up, &mut r, &opts).await;
    // Bounded by the deadline (generous margin: this checks that it ends).
    assert!(started.elapsed() < Duration::from_secs(10));
    let sts = r.mta_sts.as_ref().unwrap();
    assert_eq!(sts.status, StsStatus::Unreachable);
    assert!(
        sts.error.as_ref().unwrap().contains("did not answer"),
        "{sts:?}"
    );
}

/// A server that keeps the connection open after a complete answer: the
/// body's length says where it ends, so the fetch does not wait for the
/// close (it would run into its deadline).
#[tokio::test]
async fn a_complete_answer_on_a_connection_left_open_is_read() {
    let lab = StsLab::new("v=STSv1; id=1", true).await;
    let https = lab
        .serve(Reply::KeepOpen(policy("enforce", &["mx1.sts.test"])))
        .await;
    let up = lab.dns.upstream();
    let mut r = mx_report(&up, "sts.test.").await;
    let mut opts = lab.options(https.port());
    opts.fetch_timeout = Duration::from_secs(3);
    add_security(&up, &mut r, &opts).await;
    let sts = r.mta_sts.as_ref().unwrap();
    assert_eq!(sts.status, StsStatus::Ok, "{sts:?}");
}

#[tokio::test]
async fn a_record_without_id_and_without_tls_rpt() {
    let lab = StsLab::new("v=STSv1;", false).await;
    // The policy leaves the backup out, but a record without id is
    // invalid (RFC 8461 §3.1): senders never apply the policy, so nothing
    // is "not covered" and an enforcing sender refuses nothing.
    let https = lab
        .serve(Reply::Policy(policy("enforce", &["mx1.sts.test"])))
        .await;
    let r = lab.report(https.port()).await;
    let codes: Vec<String> = sts_codes(&r).into_iter().map(|c| c.0).collect();
    assert_eq!(codes, ["mta-sts-id-missing", "tls-rpt-missing"]);
    let (refused, note) = mxlens::mx::enforce::refused(&r, mxlens::mx::enforce::Enforce::MtaSts);
    assert!(refused.is_empty(), "{refused:?}");
    assert!(note.unwrap().contains("no id"));
}

#[tokio::test]
async fn two_sts_records_are_invalid_and_nothing_is_fetched() {
    let dns = TestDns::start(&[(
        "two.test.",
        "@ IN MX 10 mx\nmx IN A 192.0.2.1\n_mta-sts IN TXT \"v=STSv1; id=1\"\n_mta-sts IN TXT \"v=STSv1; id=2\"\nmta-sts IN A 127.0.0.1\n",
    )])
    .await;
    let ca = TestCa::new("ca");
    let https = HttpsServer::start(
        &ca,
        &["mta-sts.two.test"],
        Reply::Policy(policy("enforce", &["mx.two.test"])),
    )
    .await;
    let up = dns.upstream();
    let mut r = mx_report(&up, "two.test.").await;
    let mut opts = SecurityOptions::with_roots(ca.roots()).unwrap();
    opts.https_port = https.port();
    add_security(&up, &mut r, &opts).await;
    assert_eq!(r.mta_sts.as_ref().unwrap().status, StsStatus::Invalid);
    assert_eq!(https.requests(), 0);
    assert!(codes_for(&r, "mta-sts-invalid") == ["two.test."]);
}

#[tokio::test]
async fn without_mta_sts_nothing_is_fetched_or_reported() {
    let lab = rdns_lab().await;
    let ca = TestCa::new("ca");
    let up = lab.upstream();
    let mut r = mx_report(&up, "rd.test.").await;
    add_security(
        &up,
        &mut r,
        &SecurityOptions::with_roots(ca.roots()).unwrap(),
    )
    .await;
    assert_eq!(r.mta_sts.as_ref().unwrap().status, StsStatus::None);
    assert!(r.tls_rpt.as_ref().unwrap().record.is_none());
    assert!(sts_codes(&r).is_empty(), "{:?}", sts_codes(&r));
    let json: serde_json::Value = serde_json::to_value(&r).unwrap();
    assert_eq!(json["mta_sts"]["status"], "none");
    assert_eq!(json["mx"][0]["addresses"][0]["ptr"]["confirmed"], true);
}
