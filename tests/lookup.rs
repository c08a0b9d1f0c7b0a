//! Report assembly against real servers on loopback.

mod support;

use std::time::{Duration, Instant};

use mxlens::dns::mx_report;
use mxlens::mx::{AddressStatus, LookupError, Outcome};
use support::{RcodeServer, SilentServer, TestDns, codes};

const HEALTHY: &str = "
@    300 IN MX 20 MX2
@    300 IN MX 10 mx1
mx1   60 IN A    192.0.2.10
mx1   60 IN AAAA 2001:db8::10
mx2   90 IN A    198.51.100.20
";

#[tokio::test]
async fn two_tiers_sorted_with_ttls_and_addresses() {
    let lab = TestDns::start(&[("ok.test.", HEALTHY)]).await;
    let r = mx_report(&lab.upstream(), "ok.test.").await;
    assert_eq!(r.outcome, Outcome::Mx);
    assert_eq!(r.error, None);
    let hosts: Vec<(u16, &str, u32)> =
        r.mx.iter()
            .map(|h| (h.preference, h.exchange.as_str(), h.ttl))
            .collect();
    assert_eq!(
        hosts,
        [(10, "mx1.ok.test.", 300), (20, "mx2.ok.test.", 300)]
    );
    let a: Vec<(String, u32)> = r.mx[0]
        .addresses
        .iter()
        .map(|a| (a.ip.to_string(), a.ttl))
        .collect();
    assert_eq!(a, [("192.0.2.10".into(), 60), ("2001:db8::10".into(), 60)]);
    assert_eq!(r.mx[1].addresses.len(), 1);
    assert_eq!(r.mx[1].addresses[0].ttl, 90);
    assert_eq!(r.mx[1].aaaa_status, AddressStatus::Nodata);
    assert_eq!(r.mx[1].address_status, AddressStatus::Ok);
    assert!(r.elapsed_ms > 0.0);
    assert_eq!(r.resolver, lab.addr().to_string());
}

#[tokio::test]
async fn cname_at_the_domain_is_followed() {
    let lab = TestDns::start(&[(
        "alias.test.",
        "@ 300 IN A 192.0.2.1\nmail 300 IN CNAME target\ntarget 300 IN MX 10 mx\nmx 300 IN A 192.0.2.2\n",
    )])
    .await;
    let r = mx_report(&lab.upstream(), "mail.alias.test.").await;
    assert_eq!(r.outcome, Outcome::Mx);
    assert_eq!(r.domain_cname, ["target.alias.test."]);
    assert_eq!(r.mx.len(), 1);
    assert_eq!(r.mx[0].exchange, "mx.alias.test.");
    assert_eq!(r.mx[0].addresses[0].ip.to_string(), "192.0.2.2");
}

#[tokio::test]
async fn implicit_null_nodata_and_nxdomain() {
    let lab = TestDns::start(&[(
        "o.test.",
        "imp 300 IN A 192.0.2.7\nnull 300 IN MX 0 .\nnothing 300 IN TXT \"x\"\n",
    )])
    .await;
    let up = lab.upstream();
    let imp = mx_report(&up, "imp.o.test.").await;
    assert_eq!(imp.outcome, Outcome::Implicit);
    assert_eq!(imp.mx.len(), 1);
    assert_eq!(
        (imp.mx[0].preference, imp.mx[0].exchange.as_str()),
        (0, "imp.o.test.")
    );
    assert_eq!(imp.mx[0].addresses[0].ip.to_string(), "192.0.2.7");

    let null = mx_report(&up, "null.o.test.").await;
    assert_eq!(null.outcome, Outcome::NullMx);
    assert_eq!(null.mx[0].exchange, ".");

    let nothing = mx_report(&up, "nothing.o.test.").await;
    assert_eq!(nothing.outcome, Outcome::NoMail);
    assert!(nothing.mx.is_empty());

    let gone = mx_report(&up, "gone.o.test.").await;
    assert_eq!(gone.outcome, Outcome::Nxdomain);
    assert_eq!(codes(&gone), ["nxdomain"]);
}

#[tokio::test]
async fn huge_rrset_truncates_over_udp_and_arrives_over_tcp() {
    // 120 MX records: larger than 512 bytes and than any EDNS buffer below 4 kB.
    let mut zone = String::new();
    for i in 0..120 {
        zone.push_str(&format!(
            "@ 300 IN MX {} mx{i:03}.with-a-long-label-for-size\n",
            10 + i % 7
        ));
        zone.push_str(&format!(
            "mx{i:03}.with-a-long-label-for-size 300 IN A 192.0.2.{}\n",
            i + 1
        ));
    }
    let lab = TestDns::start(&[("big.test.", &zone)]).await;
    let r = mx_report(&lab.upstream(), "big.test.").await;
    assert_eq!(r.outcome, Outcome::Mx, "{:?}", r.error);
    assert_eq!(r.mx.len(), 120);
    // One report resolves the first MAX_EXCHANGES exchanges in MX order.
    let limit = mxlens::dns::lookup::MAX_EXCHANGES;
    assert!(r.mx[..limit].iter().all(|h| h.addresses.len() == 1));
    assert!(
        r.mx[limit..]
            .iter()
            .all(|h| h.address_status == AddressStatus::Skipped && h.addresses.is_empty())
    );
    assert!(
        r.mx.windows(2)
            .all(|w| (w[0].preference, &w[0].exchange) <= (w[1].preference, &w[1].exchange))
    );
}

#[tokio::test]
async fn failing_address_lookups_keep_the_mx_data() {
    // The exchanges live in a zone this server does not serve: REFUSED.
    let lab = TestDns::start(&[(
        "keep.test.",
        "@ 300 IN MX 10 mx.elsewhere.test.\n@ 300 IN MX 20 mx2\nmx2 300 IN A 192.0.2.9\n",
    )])
    .await;
    let r = mx_report(&lab.upstream(), "keep.test.").await;
    assert_eq!(r.outcome, Outcome::Mx);
    assert_eq!(r.mx.len(), 2);
    assert_eq!(r.mx[0].exchange, "mx.elsewhere.test.");
    assert_eq!(r.mx[0].address_status, AddressStatus::Refused);
    assert_eq!(r.mx[1].address_status, AddressStatus::Ok);
    assert!(codes(&r).contains(&"mx-target-lookup-failed".to_string()));
}

#[tokio::test]
async fn servfail_refused_and_timeout_are_named() {
    let servfail = RcodeServer::start(2).await;
    let r = mx_report(&servfail.upstream(), "any.test.").await;
    assert_eq!(
        (r.outcome, r.error.clone()),
        (Outcome::Error, Some(LookupError::Servfail))
    );
    assert_eq!(codes(&r), ["lookup-failed"]);

    let refused = RcodeServer::start(5).await;
    let r = mx_report(&refused.upstream(), "any.test.").await;
    assert_eq!(
        (r.outcome, r.error.clone()),
        (Outcome::Error, Some(LookupError::Refused))
    );

    let silent = SilentServer::start();
    let up = silent.upstream();
    let started = Instant::now();
    let r = mx_report(&up, "any.test.").await;
    let took = started.elapsed();
    assert_eq!(
        (r.outcome, r.error.clone()),
        (Outcome::Error, Some(LookupError::Timeout))
    );
    // timeout × tries plus a margin, never a hang.
    assert!(
        took < up.options().worst_case() + Duration::from_secs(2),
        "{took:?}"
    );
    assert!(took >= up.options().timeout, "gave up too early: {took:?}");
}

#[tokio::test]
async fn idn_and_hostile_names() {
    let lab = TestDns::start(&[
        (
            "xn--bcher-kva.test.",
            "@ 300 IN MX 10 mx\nmx 300 IN A 192.0.2.3\n",
        ),
        (
            "h.test.",
            "@ 300 IN MX 10 mx\\027\\09131m\\007x\nmx\\027\\09131m\\007x 300 IN A 192.0.2.4\n",
        ),
    ])
    .await;
    let up = lab.upstream();
    let domain = mxlens::mx::input::parse_domain("bücher.test").unwrap();
    let r = mx_report(&up, &domain).await;
    assert_eq!(r.domain, "xn--bcher-kva.test.");
    assert_eq!(r.mx[0].exchange, "mx.xn--bcher-kva.test.");

    let r = mx_report(&up, "h.test.").await;
    assert_eq!(r.mx[0].exchange, "mx\u{1b}[31m\u{7}x.h.test.");
    assert_eq!(r.mx[0].addresses[0].ip.to_string(), "192.0.2.4");
    assert!(codes(&r).contains(&"mx-target-invalid-hostname".to_string()));
    let text = mxlens::text::report::render(&r, mxlens::text::Style::plain());
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(text.contains("mx\\027[31m\\007x.h.test."), "{text}");
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("mx\\u001b[31m\\u0007x.h.test."), "{json}");
}

#[tokio::test]
async fn mx_set_what_if_resolves_live() {
    let lab = TestDns::start(&[("w.test.", HEALTHY)]).await;
    let r = mxlens::dns::report_for_mx_set(
        &lab.upstream(),
        "w.test.",
        vec![(20, "MX2.w.test".into()), (5, "mx1.w.test.".into())],
    )
    .await;
    assert_eq!(r.outcome, Outcome::Mx);
    assert_eq!(r.mx[0].exchange, "mx1.w.test.");
    assert_eq!(r.mx[0].addresses.len(), 2);
    assert_eq!(r.mx[1].exchange, "mx2.w.test.");
}

#[tokio::test]
async fn answers_to_another_question_are_ignored() {
    // NOERROR answers whose question differs from ours: never accepted.
    let spoof = RcodeServer::start_mismatched(0).await;
    let r = mx_report(&spoof.upstream(), "victim.test.").await;
    assert_eq!(
        (r.outcome, r.error.clone()),
        (Outcome::Error, Some(LookupError::Timeout))
    );
}

#[tokio::test]
async fn many_concurrent_reports_share_the_sockets() {
    let mut zone = String::new();
    for i in 0..200 {
        zone.push_str(&format!(
            "d{i} IN MX 10 mx{i}\nmx{i} IN A 192.0.2.{}\n",
            i % 250 + 1
        ));
    }
    let lab = TestDns::start(&[("many.test.", &zone)]).await;
    let up = lab.upstream();
    let reports = futures_util::future::join_all((0..200).map(|i| {
        let up = up.clone();
        async move { mx_report(&up, &format!("d{i}.many.test.")).await }
    }))
    .await;
    for (i, r) in reports.iter().enumerate() {
        assert_eq!(r.outcome, Outcome::Mx, "d{i}: {:?}", r.error);
        assert_eq!(r.mx[0].exchange, format!("mx{i}.many.test."));
        assert_eq!(
            r.mx[0].addresses[0].ip.to_string(),
            format!("192.0.2.{}", i % 250 + 1)
        );
    }
}
