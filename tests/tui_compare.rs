//! Several resolvers: `App::update` with answers from each upstream (no
//! terminal, no network), and the `≠` mark and the compare view rendered
//! into ratatui's `TestBackend` (insta snapshots in tests/snapshots/).

mod support;

use crossterm::event::KeyCode;
use mxlens::tui::state::Agreement;
use mxlens::tui::state::{App, Cmd, Mode, Msg};
use mxlens::tui::theme::Theme;
use mxlens::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::tui::*;

const A: &str = "127.0.0.1:5301";
const B: &str = "127.0.0.1:5302";
const C: &str = "127.0.0.1:5303";

/// `(generation, upstream, domain)` of every lookup.
fn lookups(cmds: &[Cmd]) -> Vec<(u64, usize, String)> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Lookup {
                generation,
                upstream,
                domain,
            } => Some((*generation, *upstream, domain.clone())),
            _ => None,
        })
        .collect()
}

/// An app comparing `others` with the primary `A`, at 80×24, lookups sent.
fn comparing(others: &[&str], domains: &[&str]) -> (App, Vec<(u64, usize, String)>) {
    let mut app = App::comparing(
        A.into(),
        others.iter().map(|s| s.to_string()).collect(),
        domains.iter().map(|s| s.to_string()).collect(),
        Theme::mono(),
    );
    app.update(Msg::Resize(80, 24));
    let l = lookups(&app.start());
    (app, l)
}

/// Feeds `report` as upstream `upstream`'s answer to its lookup of the
/// report's domain in `l`.
fn answer(
    app: &mut App,
    l: &[(u64, usize, String)],
    upstream: usize,
    report: mxlens::mx::MxReport,
) {
    let (generation, ..) = l
        .iter()
        .find(|(_, u, d)| *u == upstream && *d == report.domain)
        .unwrap_or_else(|| panic!("no lookup of {} on {upstream}: {l:?}", report.domain));
    app.update(Msg::Report {
        generation: *generation,
        upstream,
        report: Box::new(report),
    });
}

/// `two_tier()` with a third host, as a resolver with newer data sees it.
fn two_tier_plus() -> mxlens::mx::MxReport {
    let mut r = two_tier();
    r.resolver = B.into();
    r.mx.push(host(30, "new.two.test.", &["192.0.2.30"]));
    r
}

fn pane(
    app: &App,
    f: fn(&mut ratatui::Frame, ratatui::layout::Rect, &App),
    w: u16,
    h: u16,
) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|frame| f(frame, frame.area(), app)).unwrap();
    buffer_text(t.backend().buffer())
}

#[test]
fn every_domain_is_looked_up_on_every_upstream() {
    let (app, l) = comparing(&[B, C], &["two.test.", "tier.test."]);
    let mut pairs: Vec<(usize, &str)> = l.iter().map(|(_, u, d)| (*u, d.as_str())).collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            (0, "tier.test."),
            (0, "two.test."),
            (1, "tier.test."),
            (1, "two.test."),
            (2, "tier.test."),
            (2, "two.test."),
        ]
    );
    let gens = |d: &str| -> Vec<u64> { l.iter().filter(|x| x.2 == d).map(|x| x.0).collect() };
    assert!(gens("two.test.").iter().all(|g| *g == gens("two.test.")[0]));
    assert_ne!(gens("two.test.")[0], gens("tier.test.")[0]);
    assert!(app.needs_tick());
    assert_eq!(
        app.domains[0].agreement(),
        Agreement::Pending {
            answered: 0,
            total: 3
        }
    );
}

#[test]
fn two_answers_that_disagree_are_flagged_and_the_panes_keep_the_primary() {
    let (mut app, l) = comparing(&[B], &["two.test.", "tier.test."]);
    answer(&mut app, &l, 0, two_tier());
    let d = &app.domains[0];
    assert_eq!(
        d.agreement(),
        Agreement::Pending {
            answered: 1,
            total: 2
        }
    );
    assert!(
        app.needs_tick(),
        "the spinner runs until every upstream answered"
    );
    assert!(screen(&app, 80, 24).contains("Domains (2) ⠋ 0/2"));

    answer(&mut app, &l, 1, two_tier_plus());
    let d = &app.domains[0];
    assert_eq!(d.agreement(), Agreement::Differ(1));
    let lines: Vec<String> = d
        .changes_of(1)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        ["+ MX 30 new.two.test.", "+ new.two.test. 192.0.2.30"]
    );
    // The hosts pane still shows the primary's two hosts.
    assert_eq!(app.selected_report().unwrap().mx.len(), 2);
    assert_eq!(app.selected_report().unwrap().resolver, "127.0.0.1:5354");

    // The other domain: same answer, different TTLs (a cache counts down).
    let mut cached = shuffled();
    cached.mx[0].ttl = 17;
    answer(&mut app, &l, 0, shuffled());
    answer(&mut app, &l, 1, cached);
    assert_eq!(
        app.domains[1].agreement(),
        Agreement::Agree,
        "TTLs are ignored"
    );
    assert!(!app.needs_tick());

    let s = screen(&app, 120, 30);
    assert!(row(&s, "two.test.").contains('≠'), "{s}");
    assert!(row(&s, "tier.test.").contains('='), "{s}");
    assert!(
        s.contains(
            "2 domains · 1 differs · 1 with errors · 2 resolvers: 127.0.0.1:5301, 127.0.0.1:5302"
        ),
        "{s}"
    );
    assert!(
        s.lines().any(|l| l.starts_with(" 2 domains · 1 differs ·")),
        "{s}"
    );
    assert!(
        s.contains("= compare"),
        "the hint shows with several resolvers: {s}"
    );
}

/// The first line of `screen` holding `name` as a domain row.
fn row<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(name) && !l.contains("MX hosts"))
        .unwrap_or_else(|| panic!("{name} not on screen:\n{screen}"))
}

#[test]
fn stale_results_of_one_upstream_are_dropped() {
    let (mut app, l) = comparing(&[B], &["two.test."]);
    answer(&mut app, &l, 0, two_tier());
    answer(&mut app, &l, 1, two_tier());
    assert_eq!(app.domains[0].agreement(), Agreement::Agree);

    let old = lookups(&app.update(key('r')));
    let new = lookups(&app.update(key('r')));
    assert_eq!(old.len(), 2, "r re-queries every upstream: {old:?}");
    assert_eq!(new.len(), 2);
    assert!(new[0].0 > old[0].0);
    app.dirty = false;
    // Upstream 1 answers the older round last: it must change nothing.
    answer(&mut app, &old, 1, two_tier_plus());
    assert!(!app.dirty, "a stale result changes nothing");
    let d = &app.domains[0];
    assert_eq!(d.pending_of(1), Some(new[0].0));
    assert_eq!(
        d.report_of(1).unwrap().mx.len(),
        2,
        "the earlier answer stays"
    );
    // An upstream the app does not know cannot match anything.
    app.update(Msg::Report {
        generation: new[0].0,
        upstream: 7,
        report: Box::new(two_tier_plus()),
    });
    assert!(!app.dirty);

    // The primary's answer to the new round is taken; upstream 1 still pending.
    answer(&mut app, &new, 0, two_tier());
    assert_eq!(
        app.domains[0].agreement(),
        Agreement::Pending {
            answered: 1,
            total: 2
        }
    );
    answer(&mut app, &new, 1, two_tier_plus());
    assert_eq!(app.domains[0].agreement(), Agreement::Differ(1));
}

#[test]
fn a_failing_upstream_shows_its_error_and_the_app_stays_usable() {
    let (mut app, l) = comparing(&[B], &["two.test.", "tier.test."]);
    answer(&mut app, &l, 0, two_tier());
    answer(&mut app, &l, 1, failed("two.test."));
    answer(&mut app, &l, 0, shuffled());
    answer(&mut app, &l, 1, shuffled());
    // No answer is unknown, not a disagreement.
    assert_eq!(app.domains[0].agreement(), Agreement::Unknown(1));
    assert_eq!(app.domains[0].unknown_error(), Some("timeout"));
    assert!(!app.needs_tick());
    let s = screen(&app, 80, 24);
    assert!(row(&s, "two.test.").contains("mx ?┃"), "{s}");
    assert!(s.contains("1 unknown"), "the status bar counts it: {s}");
    let s = screen(&app, 120, 40);
    assert!(row(&s, "two.test.").contains("? timeout"), "{s}");

    app.update(key('='));
    assert_eq!(app.mode, Mode::Compare { scroll: 0 });
    let s = screen(&app, 80, 24);
    assert!(s.contains("Resolvers · two.test."), "{s}");
    assert!(s.contains("? 127.0.0.1:5302  timeout"), "{s}");
    assert!(
        s.contains("? 127.0.0.1:5302 gave no answer (timeout): unknown, not compared"),
        "{s}"
    );
    assert!(
        !s.contains("- MX 10") && !s.contains("outcome mx → error"),
        "a failed lookup is not a list of differences: {s}"
    );
    assert!(s.contains("127.0.0.1:5301 (primary)  mx · 2 hosts"), "{s}");

    // Keys still work: close, move, open the next domain's view, quit.
    app.update(code(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
    app.update(key('j'));
    app.update(key('='));
    let s = screen(&app, 80, 24);
    assert!(s.contains("= both resolvers agree"), "{s}");
    app.update(key('='));
    assert_eq!(app.mode, Mode::Normal, "= closes it too");
    assert_eq!(app.update(key('q')), [Cmd::Quit]);
}

#[test]
fn the_compare_view_scrolls_and_re_queries() {
    let (mut app, l) = comparing(&[B], &["two.test.", "tier.test."]);
    answer(&mut app, &l, 0, two_tier());
    answer(&mut app, &l, 1, two_tier_plus());
    app.update(key('='));
    app.update(key('j'));
    assert_eq!(app.mode, Mode::Compare { scroll: 1 });
    app.update(key('k'));
    app.update(key('k'));
    assert_eq!(app.mode, Mode::Compare { scroll: 0 });
    let again = lookups(&app.update(key('r')));
    assert_eq!(
        again
            .iter()
            .map(|x| (x.1, x.2.as_str()))
            .collect::<Vec<_>>(),
        [(0, "two.test."), (1, "two.test.")]
    );
    assert!(
        matches!(app.mode, Mode::Compare { .. }),
        "r keeps the view open"
    );
    assert!(
        app.status.as_ref().unwrap().text.contains("on 2 resolvers"),
        "{:?}",
        app.status
    );
    let all = lookups(&app.update(key('R')));
    assert_eq!(all.len(), 4, "R: every domain on every upstream");
    // A click anywhere closes it, as it closes help.
    app.update(Msg::Mouse(crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: 5,
        row: 5,
        modifiers: crossterm::event::KeyModifiers::NONE,
    }));
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn with_one_resolver_there_is_nothing_to_compare() {
    let mut app = loaded(vec![two_tier()]);
    app.update(key('='));
    assert_eq!(app.mode, Mode::Normal);
    let status = app.status.clone().unwrap();
    assert!(
        status.error && status.text.contains("give --resolver twice"),
        "{status:?}"
    );
    let s = screen(&app, 120, 30);
    assert!(
        !s.contains("= compare"),
        "no compare hint with one resolver: {s}"
    );
    assert!(
        !s.contains("cmp"),
        "no compare column with one resolver: {s}"
    );
    assert_eq!(app.domains[0].agreement(), Agreement::Single);
}

/// Three resolvers on two domains: one agrees, one has another host (and
/// a hostile name), one timed out; the other domain still pending on one.
fn three_way() -> App {
    let (mut app, l) = comparing(&[B, C], &["two.test.", "tier.test."]);
    answer(&mut app, &l, 0, two_tier());
    let mut evil = two_tier_plus();
    evil.mx.push(host(40, "x\u{1b}[2J\u{7}.two.test.", &[]));
    answer(&mut app, &l, 1, evil);
    answer(&mut app, &l, 2, failed("two.test."));
    answer(&mut app, &l, 0, shuffled());
    answer(&mut app, &l, 1, shuffled());
    app
}

#[test]
fn snapshots_of_the_marks_and_the_compare_view() {
    let mut app = three_way();
    let domains = pane(&app, ui::domains::render, 40, 12);
    assert!(
        domains.contains("2/3"),
        "answered of all while pending: {domains}"
    );
    insta::assert_snapshot!("compare_domains_40x12", domains);
    insta::assert_snapshot!("compare_screen_80x24", screen(&app, 80, 24));
    app.update(key('='));
    let view = screen(&app, 80, 24);
    assert!(
        !view.contains('\u{1b}') && !view.contains('\u{7}'),
        "{view}"
    );
    assert!(view.contains("+ MX 40 x\\027[2J\\007.two.test."), "{view}");
    insta::assert_snapshot!("compare_view_80x24", view);
    // Small terminals: the view scrolls, nothing panics.
    for (w, h) in [(56, 15), (1, 1), (20, 5)] {
        app.update(Msg::Resize(w, h));
        screen(&app, w, h);
    }
}
