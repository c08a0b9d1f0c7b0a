//! Resolution against a hostile server: aliases, loops, referrals, spoofed
//! and malformed answers, odd classes, opcodes and TTLs, slow servers.
//! Every answer is crafted byte by byte (tests/support/hostile.rs).

mod support;

use std::time::{Duration, Instant};

use mxlens::dns::mx_report;
use mxlens::dns::upstream::LookupOptions;
use mxlens::mx::{AddressStatus, LookupError, MxReport, Outcome};
use support::codes;
use support::hostile::{A, AAAA, Act, CH, Hostile, MX, Msg, Query, Rr, opt_with_extended_rcode};

fn send(m: Msg) -> Vec<Act> {
    vec![Act::send(m)]
}

fn nxdomain(q: &Query, zone: &str) -> Vec<Act> {
    send(Msg::reply(q).aa(true).rcode(3).authority(Rr::soa(zone)))
}

fn nodata(q: &Query, zone: &str) -> Vec<Act> {
    send(Msg::reply(q).aa(true).authority(Rr::soa(zone)))
}

fn word(r: &MxReport) -> &str {
    r.error.as_ref().map_or("", LookupError::as_str)
}

fn finding<'a>(r: &'a MxReport, code: &str) -> &'a str {
    r.findings.iter().find(|f| f.code == code).map_or_else(
        || panic!("no {code} in {:?}", codes(r)),
        |f| f.message.as_str(),
    )
}

/// `t.test. MX 10 mx.t.test.`, the rest by `exchange`.
async fn with_exchange(
    exchange: impl Fn(&Query) -> Vec<Act> + Send + Sync + 'static,
) -> (Hostile, MxReport) {
    let server = Hostile::start(move |q| {
        if q.name == "t.test." && q.qtype == MX {
            send(
                Msg::reply(q)
                    .aa(true)
                    .answer(Rr::mx("t.test.", 10, "mx.t.test.")),
            )
        } else {
            exchange(q)
        }
    })
    .await;
    let r = mx_report(&server.upstream(), "t.test.").await;
    (server, r)
}

#[tokio::test]
async fn alias_to_a_missing_target_reports_the_alias_and_the_nxdomain_on_the_target() {
    let (_s, r) = with_exchange(|q| match q.name.as_str() {
        "mx.t.test." => send(
            Msg::reply(q)
                .aa(true)
                .rcode(3)
                .answer(Rr::cname("mx.t.test.", "gone.t.test."))
                .authority(Rr::soa("t.test.")),
        ),
        _ => nxdomain(q, "t.test."),
    })
    .await;
    let h = &r.mx[0];
    assert_eq!(h.cname, ["gone.t.test."]);
    assert_eq!(h.address_status, AddressStatus::Nxdomain);
    assert!(finding(&r, "mx-target-cname").contains("gone.t.test."));
    assert!(finding(&r, "mx-target-nxdomain").contains("gone.t.test."));
}

#[tokio::test]
async fn alias_to_a_target_without_address_reports_the_alias_and_nodata() {
    let (_s, r) = with_exchange(|q| match q.name.as_str() {
        "mx.t.test." => send(
            Msg::reply(q)
                .aa(true)
                .answer(Rr::cname("mx.t.test.", "bare.t.test."))
                .authority(Rr::soa("t.test.")),
        ),
        _ => nodata(q, "t.test."),
    })
    .await;
    let h = &r.mx[0];
    assert_eq!(h.cname, ["bare.t.test."]);
    assert_eq!(h.address_status, AddressStatus::Nodata);
    assert!(finding(&r, "mx-target-cname").contains("bare.t.test."));
    assert!(finding(&r, "mx-target-no-address").contains("bare.t.test."));
}

#[tokio::test]
async fn alias_loops_at_the_domain_are_lookup_errors() {
    // In one answer, across answers, and a name aliasing itself.
    let server = Hostile::start(|q| match q.name.as_str() {
        "one.test." => send(Msg::reply(q).answers([
            Rr::cname("one.test.", "two.test."),
            Rr::cname("two.test.", "one.test."),
        ])),
        "across.test." => send(Msg::reply(q).answer(Rr::cname("across.test.", "back.test."))),
        "back.test." => send(Msg::reply(q).answer(Rr::cname("back.test.", "across.test."))),
        "self.test." => send(Msg::reply(q).answer(Rr::cname("self.test.", "self.test."))),
        _ => nxdomain(q, "test."),
    })
    .await;
    for domain in ["one.test.", "across.test.", "self.test."] {
        let r = mx_report(&server.upstream(), domain).await;
        assert_eq!(r.outcome, Outcome::Error, "{domain}");
        assert_eq!(word(&r), "cname-loop", "{domain}");
        assert!(finding(&r, "lookup-failed").contains("loop"), "{domain}");
    }
}

#[tokio::test]
async fn alias_loop_at_an_exchange_is_a_failed_address_lookup() {
    let (_s, r) = with_exchange(|q| match q.name.as_str() {
        "mx.t.test." => send(Msg::reply(q).answer(Rr::cname("mx.t.test.", "mx.t.test."))),
        _ => nxdomain(q, "t.test."),
    })
    .await;
    assert_eq!(r.outcome, Outcome::Mx);
    assert_eq!(r.mx[0].address_status, AddressStatus::Error);
    let msg = finding(&r, "mx-target-lookup-failed");
    assert!(msg.contains("loop"), "{msg}");
    assert!(!codes(&r).contains(&"mx-target-no-address".to_string()));
}

fn chain_name(i: usize) -> String {
    format!("c{i}.test.")
}

#[tokio::test]
async fn long_alias_chains_are_followed_in_one_answer_and_across_answers() {
    // 40 links in one answer; 11 answers of one link each.
    let server = Hostile::start(|q| {
        let n: Option<usize> = q
            .name
            .strip_prefix('c')
            .and_then(|s| s.strip_suffix(".test."))
            .and_then(|s| s.parse().ok());
        match (q.name.as_str(), n) {
            ("inline.test.", _) => {
                let mut m = Msg::reply(q).answer(Rr::cname("inline.test.", &chain_name(100)));
                for i in 100..140 {
                    m = m.answer(Rr::cname(&chain_name(i), &chain_name(i + 1)));
                }
                send(m.answer(Rr::mx(&chain_name(140), 10, "mx.test.")))
            }
            ("hops.test.", _) => {
                send(Msg::reply(q).answer(Rr::cname("hops.test.", &chain_name(1))))
            }
            (_, Some(i)) if i < 11 => {
                send(Msg::reply(q).answer(Rr::cname(&chain_name(i), &chain_name(i + 1))))
            }
            (_, Some(11)) => send(Msg::reply(q).answer(Rr::mx(&chain_name(11), 10, "mx.test."))),
            ("mx.test.", _) if q.qtype == A => {
                send(Msg::reply(q).answer(Rr::a("mx.test.", "192.0.2.1")))
            }
            _ => nodata(q, "test."),
        }
    })
    .await;
    let r = mx_report(&server.upstream(), "inline.test.").await;
    assert_eq!(r.outcome, Outcome::Mx, "{:?}", r.error);
    assert_eq!(r.domain_cname.len(), 41);
    assert_eq!(r.mx[0].exchange, "mx.test.");
    let r = mx_report(&server.upstream(), "hops.test.").await;
    assert_eq!(r.outcome, Outcome::Mx, "{:?}", r.error);
    assert_eq!(r.domain_cname.len(), 11);
    assert_eq!(r.domain_cname.last().unwrap(), "c11.test.");
    assert_eq!(r.mx[0].addresses[0].ip.to_string(), "192.0.2.1");
}

#[tokio::test]
async fn an_endless_alias_chain_is_an_error_never_no_mail() {
    let server = Hostile::start(|q| {
        let next = format!("x{}", q.name);
        send(Msg::reply(q).answer(Rr::cname(&q.name, &next)))
    })
    .await;
    let r = mx_report(&server.upstream(), "t.test.").await;
    assert_eq!(r.outcome, Outcome::Error);
    assert_eq!(word(&r), "cname-chain-too-long");
    // Bounded: about as many restarts as Unbound allows, not hundreds.
    let asked = server.queries().len();
    assert!((10..=20).contains(&asked), "{asked} queries");
}

#[tokio::test]
async fn referrals_are_errors_naming_the_servers() {
    let referral = |q: &Query, zone: &str| {
        send(
            Msg::reply(q)
                .ra(false)
                .authority(Rr::ns(zone, "ns1.elsewhere.example."))
                .authority(Rr::ns(zone, "ns2.elsewhere.example.")),
        )
    };
    let server = Hostile::start(move |q| match q.name.as_str() {
        "child.t.test." => referral(q, "child.t.test."),
        "t.test." if q.qtype == MX => send(Msg::reply(q).aa(true).answer(Rr::mx(
            "t.test.",
            10,
            "mx.sub.t.test.",
        ))),
        "mx.sub.t.test." => referral(q, "sub.t.test."),
        _ => nxdomain(q, "t.test."),
    })
    .await;
    let r = mx_report(&server.upstream(), "child.t.test.").await;
    assert_eq!(r.outcome, Outcome::Error);
    assert_eq!(word(&r), "referral");
    let msg = finding(&r, "lookup-failed");
    assert!(
        msg.contains("ns1.elsewhere.example.") && msg.contains("ns2.elsewhere.example."),
        "{msg}"
    );

    let r = mx_report(&server.upstream(), "t.test.").await;
    assert_eq!(r.outcome, Outcome::Mx);
    let msg = finding(&r, "mx-target-lookup-failed");
    assert!(msg.contains("ns1.elsewhere.example."), "{msg}");
    assert!(!codes(&r).contains(&"mx-target-no-address".to_string()));
}

#[tokio::test]
async fn a_tcp_answer_to_another_question_fails_the_lookup() {
    let server = Hostile::start(|q| {
        if !q.tcp {
            return send(Msg::reply(q).tc());
        }
        send(Msg::reply(q).question("evil.test.", MX, 1).answer(Rr::mx(
            "evil.test.",
            10,
            "mx.evil.test.",
        )))
    })
    .await;
    let r = mx_report(&server.upstream(), "t.test.").await;
    assert_eq!(r.outcome, Outcome::Error, "{:?}", r.mx);
    assert_eq!(word(&r), "malformed");
    assert!(server.queries().iter().any(|q| q.tcp), "TCP was tried");
}

#[tokio::test]
async fn other_classes_are_ignored_and_other_opcodes_rejected() {
    let server = Hostile::start(|q| match q.name.as_str() {
        "t.test." => send(
            Msg::reply(q)
                .answer(Rr::mx("t.test.", 10, "chaos.t.test.").class(CH))
                .answer(Rr::mx("t.test.", 20, "mx.t.test.")),
        ),
        "mx.t.test." if q.qtype == A => send(
            Msg::reply(q)
                .answer(Rr::a("mx.t.test.", "10.0.0.1").class(CH))
                .answer(Rr::a("mx.t.test.", "192.0.2.1")),
        ),
        "notify.test." => send(Msg::reply(q).opcode(4).answer(Rr::mx(
            "notify.test.",
            10,
            "mx.t.test.",
        ))),
        _ => nodata(q, "t.test."),
    })
    .await;
    let r = mx_report(&server.upstream(), "t.test.").await;
    let hosts: Vec<&str> = r.mx.iter().map(|h| h.exchange.as_str()).collect();
    assert_eq!(hosts, ["mx.t.test."]);
    let ips: Vec<String> = r.mx[0].addresses.iter().map(|a| a.ip.to_string()).collect();
    assert_eq!(ips, ["192.0.2.1"]);

    let r = mx_report(&server.upstream(), "notify.test.").await;
    assert_eq!(r.outcome, Outcome::Error, "{:?}", r.mx);
    assert_eq!(word(&r), "malformed");
}

#[tokio::test]
async fn ttls_of_2_to_the_31_or_more_count_as_zero() {
    let (_s, r) = with_exchange(|q| match q.qtype {
        A => send(Msg::reply(q).answer(Rr::a("mx.t.test.", "192.0.2.1").ttl(0x8000_0000))),
        AAAA => send(Msg::reply(q).answer(Rr::aaaa("mx.t.test.", "2001:db8::1").ttl(u32::MAX))),
        _ => nodata(q, "t.test."),
    })
    .await;
    let ttls: Vec<u32> = r.mx[0].addresses.iter().map(|a| a.ttl).collect();
    assert_eq!(ttls, [0, 0]);
    let server = Hostile::start(|q| {
        send(Msg::reply(q).answer(Rr::mx("big.test.", 10, ".").ttl(0xFFFF_FFFF)))
    })
    .await;
    let r = mx_report(&server.upstream(), "big.test.").await;
    assert_eq!(r.mx[0].ttl, 0);
}

#[tokio::test]
async fn malformed_answers_are_named_malformed() {
    let server = Hostile::start(|q| {
        let mut bytes = Msg::reply(q)
            .answer(Rr::mx(&q.name, 10, "mx.test."))
            .bytes();
        bytes.truncate(bytes.len() - 5);
        vec![Act::Send(bytes)]
    })
    .await;
    let r = mx_report(&server.upstream(), "t.test.").await;
    assert_eq!(r.outcome, Outcome::Error);
    assert_eq!(word(&r), "malformed");
}

#[tokio::test]
async fn truncated_answer_with_tcp_refused_is_unreachable() {
    let server = Hostile::start_udp_only(|q| send(Msg::reply(q).tc())).await;
    let r = mx_report(&server.upstream(), "t.test.").await;
    assert_eq!(r.outcome, Outcome::Error);
    assert_eq!(word(&r), "unreachable");
}

#[tokio::test]
async fn extended_rcode_16_is_badvers() {
    let server =
        Hostile::start(|q| send(Msg::reply(q).additional(opt_with_extended_rcode(1)))).await;
    let r = mx_report(&server.upstream(), "t.test.").await;
    assert_eq!(r.outcome, Outcome::Error);
    assert_eq!(word(&r), "badvers");
}

#[tokio::test]
async fn a_closed_port_is_unreachable_at_once() {
    let port = {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap()
    };
    // Long tries: the answer must come from the kernel's refusal, not the wait.
    let opts = LookupOptions {
        timeout: Duration::from_secs(20),
        attempts: 1,
    };
    let up = mxlens::dns::Upstream::server(port, &opts);
    let started = Instant::now();
    let r = mx_report(&up, "t.test.").await;
    assert_eq!(r.outcome, Outcome::Error);
    assert_eq!(word(&r), "unreachable");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "it waited for the timeout"
    );
}

#[tokio::test]
async fn one_deadline_per_report_whatever_the_chain() {
    // Every hop answered just inside the per-try timeout: without one
    // deadline per report, eight hops would take eight timeouts.
    let server = Hostile::start(|q| {
        let next = format!("x{}", q.name);
        vec![
            Act::sleep_ms(300),
            Act::send(Msg::reply(q).answer(Rr::cname(&q.name, &next))),
        ]
    })
    .await;
    let opts = support::quick();
    let started = Instant::now();
    let r = mx_report(&server.upstream(), "t.test.").await;
    let took = started.elapsed();
    assert_eq!(r.outcome, Outcome::Error);
    assert_eq!(word(&r), "timeout");
    // The documented bound: per round trip, timeout × tries plus one TCP
    // exchange; two round trips per report.
    let bound = opts.report_deadline();
    assert!(
        took < bound + Duration::from_millis(500),
        "{took:?} > {bound:?}"
    );
}

#[tokio::test]
async fn dropped_address_queries_of_thousands_of_exchanges_end_in_bounded_time() {
    const HOSTS: usize = 3000;
    let server = Hostile::start(|q| {
        if q.qtype != MX {
            return Vec::new(); // A and AAAA dropped
        }
        if !q.tcp {
            return send(Msg::reply(q).tc());
        }
        // Compressed by hand (owner and exchange suffix point at the
        // question's name), so 3,000 records fit one TCP message.
        let mut m = Msg::reply(q);
        for i in 0..HOSTS {
            let label = i.to_string();
            let mut rdata = 10u16.to_be_bytes().to_vec();
            rdata.push(label.len() as u8);
            rdata.extend_from_slice(label.as_bytes());
            rdata.extend([0xc0, 12]);
            let mut rr = Rr::new("big.test.", MX, rdata);
            rr.owner = vec![0xc0, 12];
            m = m.answer(rr);
        }
        send(m)
    })
    .await;
    let r = mx_report(&server.upstream(), "big.test.").await;
    assert_eq!(r.mx.len(), HOSTS);
    let limit = mxlens::dns::lookup::MAX_EXCHANGES;
    let msg = finding(&r, "mx-too-many-exchanges");
    assert!(msg.contains(&limit.to_string()), "{msg}");
    let asked: std::collections::BTreeSet<String> = server
        .queries()
        .into_iter()
        .filter(|q| q.qtype == A)
        .map(|q| q.name)
        .collect();
    assert_eq!(asked.len(), limit);
    let failed =
        r.mx.iter()
            .filter(|h| h.address_status == AddressStatus::Timeout)
            .count();
    assert_eq!(failed, limit);
}
