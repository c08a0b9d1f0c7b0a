//! Transport security in the TUI, without a terminal: the lookups run for
//! the selected domain once the cursor rests, once per report; the hosts
//! and addresses panes mark DNSSEC, DANE, MTA-STS and reverse DNS readably
//! at 80×24; a hostile PTR name stays escaped; the enforcing sender (`e`)
//! and the DNS outage (`D`) change the failover pane.

mod support;

use crossterm::event::KeyCode;
use mxlens::mx::dnssec::{Dnssec, DnssecStatus, ExchangeDnssec, TlsaHost, TlsaLookup, TlsaRecord};
use mxlens::mx::enforce::Enforce;
use mxlens::mx::sts::{MtaSts, StsMode, StsPolicy, StsStatus, TlsRpt};
use mxlens::mx::{AddressStatus, MxReport, Ptr, checks};
use mxlens::tui::security::SETTLE_TICKS;
use mxlens::tui::state::{App, Cmd, Msg};
use support::tui::*;

fn ptr(names: &[&str], confirmed: bool) -> Option<Ptr> {
    Some(Ptr {
        status: if names.is_empty() {
            AddressStatus::Nxdomain
        } else {
            AddressStatus::Ok
        },
        names: names.iter().map(|n| n.to_string()).collect(),
        confirmed,
    })
}

/// [`two_tier`] as the security lookups leave it: a signed primary with
/// DANE inside an enforced MTA-STS policy, an unsigned backup outside it.
fn secured(mut r: MxReport, backup_ptr: &str) -> MxReport {
    r.mx[0].addresses[0].ptr = ptr(&["mx1.two.test."], true);
    r.mx[0].addresses[1].ptr = ptr(&[], false);
    r.mx[1].addresses[0].ptr = ptr(&[backup_ptr], false);
    r.dnssec = Some(Dnssec {
        mx: DnssecStatus::Secure,
        exchanges: vec![
            ExchangeDnssec {
                exchange: "mx1.two.test.".into(),
                a: DnssecStatus::Secure,
                aaaa: DnssecStatus::Secure,
            },
            ExchangeDnssec {
                exchange: "backup.two.test.".into(),
                a: DnssecStatus::Insecure,
                aaaa: DnssecStatus::Insecure,
            },
        ],
    });
    r.tlsa = Some(vec![
        TlsaHost {
            exchange: "mx1.two.test.".into(),
            lookup: TlsaLookup::Found,
            error: None,
            dnssec: DnssecStatus::Secure,
            records: vec![TlsaRecord {
                usage: 3,
                selector: 1,
                matching_type: 1,
                data: "ab".repeat(32),
            }],
        },
        TlsaHost {
            exchange: "backup.two.test.".into(),
            lookup: TlsaLookup::None,
            error: None,
            dnssec: DnssecStatus::Insecure,
            records: Vec::new(),
        },
    ]);
    r.mta_sts = Some(MtaSts {
        status: StsStatus::Ok,
        record: Some("v=STSv1; id=42".into()),
        id: Some("42".into()),
        policy: Some(StsPolicy {
            mode: StsMode::Enforce,
            max_age: 604800,
            mx: vec!["mx1.two.test".into()],
        }),
        error: None,
    });
    r.tls_rpt = Some(TlsRpt {
        record: Some("v=TLSRPTv1; rua=mailto:tls@two.test".into()),
        rua: vec!["mailto:tls@two.test".into()],
        error: None,
    });
    r.findings = checks::run(&r);
    r
}

/// Wrapped rows as one line of words.
fn words(rows: &[String]) -> String {
    rows.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn security_cmds(cmds: &[Cmd]) -> Vec<(u64, String)> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Security { generation, report } => Some((*generation, report.domain.clone())),
            _ => None,
        })
        .collect()
}

/// Ticks until the security lookups are asked for (at most twice the wait).
fn settle(app: &mut App) -> Vec<(u64, String)> {
    for i in 1..=2 * SETTLE_TICKS {
        let got = security_cmds(&app.update(Msg::Tick));
        if !got.is_empty() {
            assert_eq!(i, SETTLE_TICKS, "asked after {i} ticks");
            return got;
        }
    }
    Vec::new()
}

/// Two domains looked up, security lookups on, the first selected.
fn app_with_security() -> App {
    let mut other = two_tier();
    other.domain = "other.test.".into();
    let mut app = loaded(vec![two_tier(), other]);
    app.security = true;
    app
}

/// [`app_with_security`] with the first domain's lookups answered.
fn secured_app(backup_ptr: &str) -> App {
    let mut app = app_with_security();
    let asked = settle(&mut app);
    assert_eq!(asked.len(), 1, "{asked:?}");
    app.update(Msg::Security {
        generation: asked[0].0,
        report: Ok(Box::new(secured(two_tier(), backup_ptr))),
    });
    app
}

#[test]
fn the_lookups_run_for_the_selected_domain_once_the_cursor_rests_and_once_per_report() {
    let mut app = app_with_security();
    // Moving on before the wait is over asks for nothing: scrolling through
    // a long list starts no lookups.
    app.update(Msg::Tick);
    app.update(key('j'));
    app.update(Msg::Tick);
    app.update(key('k'));
    let asked = settle(&mut app);
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].1, "two.test.");
    assert!(app.spinning(), "a spinner shows while they run");
    let s = screen(&app, 80, 24);
    assert!(s.contains("security: looking up…"), "{s}");

    // Their answer merges into the report: findings included.
    app.update(Msg::Security {
        generation: asked[0].0,
        report: Ok(Box::new(secured(two_tier(), "backup.two.test."))),
    });
    let r = app.selected_report().unwrap();
    assert!(r.mta_sts.is_some());
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "mta-sts-mx-not-covered"),
        "{:?}",
        r.findings
    );
    // Once per report: resting longer asks nothing more.
    for _ in 0..3 * SETTLE_TICKS {
        assert!(security_cmds(&app.update(Msg::Tick)).is_empty());
    }
    assert!(!app.needs_tick(), "nothing left to tick for");

    // A refresh brings a new report: its lookups run again, and an answer
    // for the old report is dropped.
    let cmds = app.update(key('r'));
    let Some(Cmd::Lookup { generation, .. }) = cmds.first() else {
        panic!("{cmds:?}")
    };
    app.update(Msg::Report {
        generation: *generation,
        upstream: 0,
        report: Box::new(two_tier()),
    });
    assert!(app.selected_report().unwrap().mta_sts.is_none());
    app.update(Msg::Security {
        generation: asked[0].0,
        report: Ok(Box::new(secured(two_tier(), "stale.two.test."))),
    });
    assert!(app.selected_report().unwrap().mta_sts.is_none(), "stale");
    // That run is over: nothing waits for it (no spinner kept alive).
    assert!(
        app.domains.iter().all(|d| d.security_pending.is_none()),
        "a dropped answer leaves its run pending"
    );
    let again = settle(&mut app);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].0, *generation);
}

#[test]
fn without_security_lookups_nothing_is_asked_and_e_says_why() {
    let mut app = loaded(vec![two_tier()]);
    app.security_off = Some("no trusted root certificates".into());
    for _ in 0..3 * SETTLE_TICKS {
        assert!(security_cmds(&app.update(Msg::Tick)).is_empty());
    }
    app.update(key('e'));
    let status = app.status.clone().unwrap().text;
    assert!(status.contains("security lookups are off"), "{status}");
    app.update(key('i'));
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("security lookups are off: no trusted root"),
        "{s}"
    );
}

#[test]
fn the_marks_read_at_80x24() {
    let mut app = secured_app("backup.two.test.");
    app.update(code(KeyCode::Enter)); // to the hosts pane
    app.update(code(KeyCode::Enter)); // to mx1's addresses
    let s = screen(&app, 80, 24);
    for line in s.lines() {
        assert!(line.chars().count() <= 80, "{line}");
    }
    let hosts = pane_text(&s, "MX hosts");
    assert!(hosts[0].contains("sec"), "{s}");
    let mx1 = hosts.iter().find(|l| l.contains("mx1.two.test.")).unwrap();
    assert!(mx1.contains("DTM"), "secure, DANE, covered: {mx1}");
    let backup = hosts.iter().find(|l| l.contains("backup.two")).unwrap();
    assert!(
        backup.contains("--x"),
        "insecure, no TLSA, not covered: {backup}"
    );
    let addrs = pane_text(&s, "Addresses");
    assert!(addrs[0].contains("ptr"), "{s}");
    let v4 = addrs.iter().find(|l| l.contains("192.0.2.10")).unwrap();
    assert!(v4.contains('✓'), "forward-confirmed: {v4}");
    let v6 = addrs.iter().find(|l| l.contains("2001:db8::10")).unwrap();
    assert!(v6.contains(" - "), "no PTR: {v6}");
    // The findings pane holds the security findings.
    assert!(s.contains("mta-sts-mx-not-covered"), "{s}");

    // The security view says it in words, at 80×24 too.
    app.update(key('i'));
    let s = screen(&app, 80, 24);
    assert!(s.contains("Security · two.test."), "{s}");
    assert!(s.contains("MX RRset secure"), "{s}");
    assert!(s.contains("enforce · max_age 7 d"), "{s}");
    assert!(s.contains("MTA-STS NOT covered"), "{s}");
    assert!(s.contains("TLSA found, secure, usable (1 record)"), "{s}");
    assert!(s.contains("mailto:tls@two.test"), "{s}");
    app.update(code(KeyCode::Esc));
    assert!(!screen(&app, 80, 24).contains("Security · two.test."));
}

#[test]
fn a_hostile_ptr_name_stays_escaped() {
    let evil = "x\u{1b}]52;c;AAAA\u{7}.two.test.";
    let mut app = secured_app(evil);
    app.update(code(KeyCode::Enter));
    app.update(code(KeyCode::Down)); // the backup
    app.update(code(KeyCode::Enter)); // its address
    let s = screen(&app, 120, 40);
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s:?}");
    let addrs = pane_text(&s, "Addresses");
    let row = addrs.iter().find(|l| l.contains("192.0.2.20")).unwrap();
    assert!(row.contains("≠ x\\027]52;c;AAAA\\0"), "{row}");
    app.update(key('i'));
    let s = screen(&app, 120, 40);
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s:?}");
    assert!(
        s.contains("ptr x\\027]52;c;AAAA\\007.two.test. (does not resolve back)"),
        "{s}"
    );
}

#[test]
fn e_and_d_change_what_the_failover_pane_simulates() {
    let mut app = secured_app("backup.two.test.");
    app.update(code(KeyCode::Enter));
    app.update(key(' ')); // mx1 down
    let s = screen(&app, 80, 24);
    assert!(s.contains("✓ DELIVERED"), "the backup takes the mail: {s}");
    let runs = app.simulation_runs;

    app.update(key('e'));
    assert_eq!(app.enforce, Enforce::MtaSts);
    assert!(
        app.simulation_runs > runs,
        "enforcement is in the cache key"
    );
    let s = screen(&app, 100, 40);
    assert!(s.contains("enforces mta-sts"), "{s}");
    let failover = pane_text(&s, "Failover").join("\n");
    assert!(failover.contains("↻ DEFERRED"), "{failover}");
    assert!(
        failover.contains("sender enforces mta-sts: refuses (counted as down)"),
        "{failover}"
    );
    assert!(
        failover.contains("backup.two.test.: not covered by the MTA-STS policy"),
        "{failover}"
    );
    let hosts = pane_text(&s, "MX hosts");
    let backup = hosts.iter().find(|l| l.contains("backup.two")).unwrap();
    assert!(backup.contains("refused"), "{backup}");

    // DANE: the unsigned backup without TLSA gets unauthenticated TLS and
    // the mail; mandatory DANE refuses it.
    app.update(key('e'));
    let s = screen(&app, 100, 40);
    assert!(s.contains("enforces dane"), "{s}");
    let failover = words(&pane_text(&s, "Failover"));
    assert!(failover.contains("✓ DELIVERED"), "{failover}");
    assert!(
        failover.contains("delivers to it with unauthenticated TLS"),
        "{failover}"
    );
    app.update(key('e'));
    let s = screen(&app, 100, 40);
    assert!(s.contains("enforces dane-only"), "{s}");
    let failover = words(&pane_text(&s, "Failover"));
    assert!(failover.contains("↻ DEFERRED"), "{failover}");
    assert!(
        failover.contains("backup.two.test.: its addresses are not DNSSEC-secure"),
        "{failover}"
    );

    let runs = app.simulation_runs;
    app.update(key('D'));
    assert!(
        app.simulation_runs > runs,
        "the DNS outage is in the cache key"
    );
    let s = screen(&app, 100, 40);
    assert!(s.contains("DNS down"), "{s}");
    let failover = words(&pane_text(&s, "Failover"));
    assert!(failover.contains("cached senders deliver for"), "{s}");
    // Back to an ordinary sender and DNS up.
    app.update(key('e'));
    app.update(key('D'));
    let s = screen(&app, 100, 40);
    assert!(!s.contains("enforces") && !s.contains("DNS down"), "{s}");
    assert!(s.contains("✓ DELIVERED"), "{s}");
}

#[test]
fn the_dns_outage_timeline_reads_the_ttls() {
    let mut app = loaded(vec![two_tier()]);
    app.update(key('D'));
    let s = screen(&app, 120, 40);
    let failover = words(&pane_text(&s, "Failover"));
    // MX 300 s, addresses 60 s: every path expires after 1 min.
    assert!(
        failover.contains("cached senders deliver for 1 min more"),
        "{failover}"
    );
    assert!(
        failover.contains("all senders defer after 1 min"),
        "{failover}"
    );
    assert!(
        failover.contains("Long TTLs buy time in a DNS outage"),
        "{failover}"
    );
    assert!(failover.contains("cost time in a migration"), "{failover}");
    assert!(
        failover.contains("mail bounces if DNS is down 5 d"),
        "{failover}"
    );
    // The figures come first, above the simulation's headline.
    let at = |what: &str| failover.find(what).unwrap();
    assert!(at("cached senders deliver") < at("DELIVERED"), "{failover}");
}

#[test]
fn security_lookups_that_cannot_run_stop_and_say_why() {
    let mut app = app_with_security();
    let asked = settle(&mut app);
    app.update(Msg::Security {
        generation: asked[0].0,
        report: Err("no trusted root certificates".into()),
    });
    let status = app.status.clone().unwrap();
    assert!(status.error, "{status:?}");
    assert!(
        status
            .text
            .contains("security lookups are off: no trusted root"),
        "{status:?}"
    );
    assert!(!app.spinning() && !app.needs_tick());
    // Another domain asks for nothing.
    app.update(key('j'));
    for _ in 0..3 * SETTLE_TICKS {
        assert!(security_cmds(&app.update(Msg::Tick)).is_empty());
    }
    let s = screen(&app, 80, 24);
    assert!(!s.contains("looking up…"), "{s}");
}

#[test]
fn the_list_s_own_lookups_come_first() {
    let mut other = two_tier();
    other.domain = "other.test.".into();
    let names = vec!["two.test.".to_string(), "other.test.".to_string()];
    let mut app = App::new("127.0.0.1:5354", names, mxlens::tui::theme::Theme::mono());
    app.security = true;
    let cmds = app.start();
    let Cmd::Lookup { generation, .. } = cmds[0] else {
        panic!("{cmds:?}")
    };
    app.update(Msg::Report {
        generation,
        upstream: 0,
        report: Box::new(two_tier()),
    });
    // other.test. is still being looked up: the selected domain waits.
    for _ in 0..3 * SETTLE_TICKS {
        assert!(security_cmds(&app.update(Msg::Tick)).is_empty());
    }
    let Cmd::Lookup { generation, .. } = cmds[1] else {
        panic!("{cmds:?}")
    };
    app.update(Msg::Report {
        generation,
        upstream: 0,
        report: Box::new(other),
    });
    let asked = security_cmds(&app.update(Msg::Tick));
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].1, "two.test.");
}

#[test]
fn copies_hold_what_the_security_lookups_found() {
    let mut app = secured_app("backup.two.test.");
    let cmds = app.update(key('y'));
    let Some(Cmd::Copy { text, .. }) = cmds.first() else {
        panic!("{cmds:?}")
    };
    assert!(
        text.contains("192.0.2.10 ptr mx1.two.test. (confirmed)"),
        "{text}"
    );
}
