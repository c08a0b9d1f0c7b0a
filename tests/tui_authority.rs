//! The compare view with authoritative servers and resolvers that disagree
//! (a migration in progress): `=` asks the authorities, their answer lands
//! in the view as one column per address, stale answers are dropped, and
//! the view reads at 80×24 and 120×40.

mod support;

use mxlens::mx::authority::{
    AuthorityAddress, AuthorityAnswer, AuthorityCheck, AuthorityMx, AuthorityStatus,
};
use mxlens::tui::state::{App, Cmd, Mode, Msg};
use mxlens::tui::theme::Theme;
use support::tui::*;

const A: &str = "127.0.0.1:5301";
const B: &str = "127.0.0.1:5302";

fn authority(
    server: &str,
    ns: &str,
    mx: &[(u16, &str, u32)],
    ip: Option<(&str, &str)>,
) -> AuthorityAnswer {
    AuthorityAnswer {
        server: server.into(),
        ns: Some(ns.into()),
        status: AuthorityStatus::Answer,
        error: None,
        outcome: Some("mx".into()),
        mx: mx
            .iter()
            .map(|(p, e, ttl)| AuthorityMx {
                preference: *p,
                exchange: (*e).into(),
                ttl: *ttl,
            })
            .collect(),
        addresses: ip
            .into_iter()
            .map(|(e, ip)| AuthorityAddress {
                exchange: e.into(),
                ip: ip.parse().unwrap(),
                ttl: 60,
            })
            .collect(),
        elapsed_ms: 0.4,
    }
}

fn migration() -> AuthorityCheck {
    AuthorityCheck {
        zone: Some("two.test.".into()),
        discovered: true,
        error: None,
        servers: vec![
            authority(
                "127.0.0.3:53",
                "ns-new.two.test.",
                &[(10, "mx1.two.test.", 300), (20, "backup.two.test.", 300)],
                Some(("mx1.two.test.", "192.0.2.10")),
            ),
            authority(
                "127.0.0.2:53",
                "ns-old.two.test.",
                &[(10, "old.two.test.", 3600)],
                Some(("old.two.test.", "198.51.100.9")),
            ),
            AuthorityAnswer::failed(
                "127.0.0.4:53".into(),
                Some("ns-gone.two.test.".into()),
                AuthorityStatus::Unreachable,
                "timeout",
            ),
        ],
    }
}

/// Two resolvers (the second still caches the old answer) and the compare
/// view open on two.test. with its authorities in.
fn migrating(w: u16, h: u16) -> App {
    let mut app = App::comparing(
        A.into(),
        vec![B.into()],
        vec!["two.test.".into()],
        Theme::mono(),
    );
    app.authorities = true;
    app.update(Msg::Resize(w, h));
    let cmds = app.start();
    for cmd in cmds {
        if let Cmd::Lookup {
            generation,
            upstream,
            ..
        } = cmd
        {
            let report = if upstream == 0 {
                two_tier()
            } else {
                let mut r = two_tier();
                r.resolver = B.into();
                r.mx.retain(|h| h.preference == 10);
                r.mx[0].exchange = "old.two.test.".into();
                r.mx[0].ttl = 2460;
                r.mx[0].addresses = vec![mxlens::mx::Address::new(
                    "198.51.100.9".parse().unwrap(),
                    2460,
                )];
                r
            };
            app.update(Msg::Report {
                generation,
                upstream,
                report: Box::new(report),
            });
        }
    }
    let cmds = app.update(key('='));
    assert_eq!(app.mode, Mode::Compare { scroll: 0 });
    let [Cmd::Authorities { generation, domain }] = cmds.as_slice() else {
        panic!("= asks the authorities once: {cmds:?}");
    };
    assert_eq!(domain, "two.test.");
    let s = screen(&app, w, h);
    assert!(s.contains("asking the authoritative servers"), "{s}");
    app.update(Msg::Authorities {
        generation: *generation,
        check: Box::new(migration()),
    });
    app
}

#[test]
fn the_view_shows_each_authority_and_each_source_side_by_side() {
    let app = migrating(120, 40);
    let s = screen(&app, 120, 40);
    assert!(s.contains("Resolvers and authorities · two.test."), "{s}");
    assert!(
        s.contains("≠ the 3 authoritative servers disagree (1 gave no authoritative answer)"),
        "{s}"
    );
    assert!(
        s.contains("127.0.0.2:53 (ns-old.two.test.)  MX 10 old.two.test."),
        "{s}"
    );
    assert!(s.contains("no answer (timeout)"), "{s}");
    // Propagation: when each resolver's answer runs out.
    assert!(
        s.contains(
            "+ MX 10 old.two.test.  (expires at 127.0.0.1:5301 in 5 m, at 127.0.0.1:5302 in 41 m)"
        ),
        "{s}"
    );
    // One column per source: 2 resolvers, 3 authoritative addresses.
    let grid_row = s
        .lines()
        .find(|l| l.contains("MX 10 old.two.test.") && !l.contains('+') && !l.contains("(ns-"))
        .unwrap();
    let cells: Vec<&str> = grid_row
        .split("old.two.test.")
        .nth(1)
        .unwrap()
        .trim_matches(|c| c == '║' || c == ' ' || c == '│')
        .split_whitespace()
        .collect();
    assert_eq!(cells, ["·", "41", "m", "·", "1", "h", "?"], "{grid_row}");
    insta::assert_snapshot!("authority_view_120x40", s);
}

#[test]
fn the_view_reads_at_80x24() {
    let app = migrating(80, 24);
    let s = screen(&app, 80, 24);
    assert!(s.contains("Resolvers and authorities · two.test."), "{s}");
    insta::assert_snapshot!("authority_view_80x24", s);
}

#[test]
fn a_stale_authority_answer_is_dropped_and_r_asks_again() {
    let mut app = migrating(80, 24);
    let cmds = app.update(key('r'));
    let asks: Vec<u64> = cmds
        .iter()
        .filter_map(|c| match c {
            Cmd::Authorities { generation, .. } => Some(*generation),
            _ => None,
        })
        .collect();
    assert_eq!(asks.len(), 1, "r in the view asks the authorities again");
    // An answer to an older ask changes nothing.
    let before = app.domains[0].authorities.clone();
    app.update(Msg::Authorities {
        generation: 0,
        check: Box::new(AuthorityCheck {
            zone: None,
            discovered: false,
            error: Some("stale".into()),
            servers: Vec::new(),
        }),
    });
    assert_eq!(app.domains[0].authorities, before);
    assert!(app.needs_tick(), "the spinner turns while they answer");
}

#[test]
fn without_authorities_one_resolver_still_has_nothing_to_compare() {
    let mut app = App::new(A, vec!["two.test.".into()], Theme::mono());
    app.update(Msg::Resize(80, 24));
    app.start();
    let cmds = app.update(key('='));
    assert!(cmds.is_empty());
    assert_eq!(app.mode, Mode::Normal);
}

fn lookups_of(cmds: &[Cmd]) -> Vec<(u64, usize)> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Lookup {
                generation,
                upstream,
                ..
            } => Some((*generation, *upstream)),
            _ => None,
        })
        .collect()
}

#[test]
fn w_watches_the_domain_and_lists_what_changed_when() {
    let mut app = App::comparing(
        A.into(),
        vec![B.into()],
        vec!["two.test.".into()],
        Theme::mono(),
    );
    app.update(Msg::Resize(120, 40));
    let answer_all = |app: &mut App, cmds: &[Cmd], changed: bool| {
        for (generation, upstream) in lookups_of(cmds) {
            let mut r = two_tier();
            if changed && upstream == 1 {
                r.mx.push(host(30, "new.two.test.", &["192.0.2.30"]));
            }
            app.update(Msg::Report {
                generation,
                upstream,
                report: Box::new(r),
            });
        }
    };
    let first = app.start();
    answer_all(&mut app, &first, false);

    let cmds = app.update(key('w'));
    assert_eq!(
        lookups_of(&cmds).len(),
        2,
        "w looks again at once: {cmds:?}"
    );
    assert!(matches!(app.mode, Mode::Compare { .. }));
    assert!(app.needs_tick(), "the watch clock ticks");
    answer_all(&mut app, &cmds, false);
    let w = app.watching.as_ref().unwrap();
    assert_eq!(w.looks, 1);
    // The shortest TTL of two_tier() is its addresses' 60 s.
    assert_eq!(w.next_in(), Some(60));

    // Nothing is looked up before the TTL runs out, then it is.
    for _ in 0..599 {
        assert!(lookups_of(&app.update(Msg::Tick)).is_empty());
    }
    let cmds = app.update(Msg::Tick);
    assert_eq!(lookups_of(&cmds).len(), 2, "due after 60 s of ticks");
    answer_all(&mut app, &cmds, true);
    let w = app.watching.as_ref().unwrap();
    assert_eq!(w.looks, 2);
    let changed = w
        .timeline
        .iter()
        .find(|(_, l)| l.contains("changed"))
        .unwrap();
    assert_eq!(changed.0, 60, "stamped with when it happened");
    assert!(
        changed
            .1
            .contains("resolver 127.0.0.1:5302 changed: + MX 30 new.two.test."),
        "{changed:?}"
    );
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("⟳ watching · 2 looks · next look in 60 s"),
        "{s}"
    );
    assert!(
        s.contains("+  60 s  resolver 127.0.0.1:5302 changed"),
        "{s}"
    );
    assert!(s.contains("1 differs · watching two"), "{s}");

    app.update(key('w'));
    assert!(app.watching.is_none());
    assert!(!app.needs_tick(), "no clock once stopped");
}
