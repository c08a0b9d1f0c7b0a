//! The panes hold what they say: scrolling that stops at the text's ends,
//! lists of domains, shares that add up, headlines that match the body,
//! findings readable in full, rows where the content is, cuts that show,
//! removes that ask for the right pane and can be undone.

mod support;

use crossterm::event::KeyCode;
use mxlens::tui::layout::layout;
use mxlens::tui::state::{App, Cmd, Focus, Mode, Msg};
use mxlens::tui::theme::Theme;
use support::tui::*;

fn lookups(cmds: &[Cmd]) -> Vec<String> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Lookup { domain, .. } => Some(domain.clone()),
            _ => None,
        })
        .collect()
}

fn focus(app: &mut App, pane: Focus) {
    for _ in 0..5 {
        if app.focus == pane {
            return;
        }
        app.update(code(KeyCode::Tab));
    }
    assert_eq!(app.focus, pane);
}

fn type_text(app: &mut App, text: &str) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    for c in text.chars() {
        cmds.extend(app.update(key(c)));
    }
    cmds
}

#[test]
fn failover_scrolling_stops_at_the_last_line_and_g_g_reach_both_ends() {
    let mut app = loaded(vec![workspace()]);
    app.update(key('p')); // postfix: the longest text
    focus(&mut app, Focus::Failover);
    let first = pane_text(&screen(&app, 80, 24), "Failover")[0].clone();
    assert!(first.contains("DELIVERED"), "{first}");

    app.update(key('G'));
    let max = app.failover_scroll;
    assert!(max > 0, "the text is longer than the pane at 80×24");
    let s = screen(&app, 80, 24);
    let rows = pane_text(&s, "Failover");
    assert!(
        rows.iter().all(|r| !r.trim().is_empty()),
        "G shows the end of the text, not a blank pane:\n{s}"
    );
    for _ in 0..50 {
        app.update(code(KeyCode::Down));
        app.update(code(KeyCode::PageDown));
    }
    assert_eq!(app.failover_scroll, max, "never past the last line");
    app.update(key('k'));
    assert_eq!(app.failover_scroll, max - 1, "one k is one line back");
    app.update(key('g'));
    assert_eq!(app.failover_scroll, 0);
    let s = screen(&app, 80, 24);
    assert_eq!(pane_text(&s, "Failover")[0], first, "{s}");

    // A taller terminal shows more: the offset follows.
    app.update(key('G'));
    app.update(Msg::Resize(120, 60));
    assert_eq!(app.failover_scroll, 0, "everything fits at 120×60");
}

#[test]
fn a_list_adds_every_domain_and_keeps_the_bad_ones_in_the_prompt() {
    let mut app = loaded(vec![two_tier()]);
    app.update(key('a'));
    type_text(&mut app, "x1.example, x2.example");
    let cmds = app.update(code(KeyCode::Enter));
    assert_eq!(lookups(&cmds), ["x1.example.", "x2.example."]);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.status.as_ref().unwrap().text, "added 2 domains");

    // One per line, as pasted from a spreadsheet, with a bad one.
    app.update(Msg::Paste(
        "p1.example\r\np2.example\nbad..name\n\np1.example\n10.0.0.1\n".into(),
    ));
    let cmds = app.update(code(KeyCode::Enter));
    assert_eq!(lookups(&cmds), ["p1.example.", "p2.example."]);
    let Mode::Input { text, error } = &app.mode else {
        panic!("the prompt stays open for the bad items: {:?}", app.mode);
    };
    assert_eq!(text, "bad..name 10.0.0.1", "the bad items stay to fix");
    let error = error.as_deref().unwrap();
    assert!(
        error.starts_with("added 2; \"bad..name\" has an empty label"),
        "{error}"
    );
    assert!(error.ends_with("(and 1 more not added)"), "{error}");
    assert_eq!(app.domains.len(), 5);

    // mailto: links keep working, queries and all.
    app.update(code(KeyCode::Esc));
    app.update(key('a'));
    type_text(&mut app, "mailto:someone@m1.example?subject=hi,there");
    let cmds = app.update(code(KeyCode::Enter));
    assert_eq!(lookups(&cmds), ["m1.example."]);
}

#[test]
fn a_duplicate_exchange_has_no_share_of_its_own() {
    let mut app = loaded(vec![duplicated()]);
    app.update(code(KeyCode::Enter)); // hosts
    app.update(key(' ')); // mx down
    let s = screen(&app, 120, 40);
    let hosts = pane_text(&s, "MX hosts");
    let shares: u32 = hosts
        .iter()
        .filter_map(|r| r.trim_end().strip_suffix('%'))
        .filter_map(|r| r.rsplit(' ').next()?.parse::<u32>().ok())
        .sum();
    assert_eq!(shares, 100, "the shares add up to all the mail:\n{s}");
    let dup = hosts
        .iter()
        .rfind(|r| r.contains("backup1.shared.test."))
        .unwrap();
    assert!(dup.trim_start().starts_with("30"), "{dup}");
    assert!(
        dup.contains("dup (20)"),
        "tried at its first preference: {dup}"
    );
    assert!(s.contains("dup: tried at its first pref "), "{s}");
}

#[test]
fn the_headline_carries_a_partial_outcome() {
    let mut app = loaded(vec![workspace()]);
    app.update(key('p')); // postfix: at most 5 addresses per attempt
    app.update(code(KeyCode::Enter)); // hosts
    app.update(key(' ')); // aspmx down
    app.update(key('j'));
    app.update(key(' ')); // alt1 down
    app.update(key('j'));
    app.update(code(KeyCode::Enter)); // alt2's addresses
    app.update(key('j'));
    app.update(key(' ')); // its IPv6 address down (Postfix tries it first half the time)
    let sim = app.simulation.as_ref().unwrap();
    assert!(
        sim.deferral_probability > 0.4,
        "{}",
        sim.deferral_probability
    );
    for (w, h) in [(80, 24), (120, 40)] {
        let s = screen(&app, w, h);
        let head = &pane_text(&s, "Failover")[0];
        assert!(
            head.starts_with("✓ DELIVERED · 50 % deferred first"),
            "{w}×{h}: {head}\n{s}"
        );
        assert!(!s.contains("e-"), "no scientific notation:\n{s}");
    }
    // The same setup without the limit delivers every time.
    app.update(key('p'));
    let s = screen(&app, 120, 40);
    assert!(
        pane_text(&s, "Failover")[0].starts_with("✓ DELIVERED  down"),
        "{s}"
    );
}

#[test]
fn enter_on_a_finding_shows_all_of_it_and_lists_show_where_they_are() {
    let mut app = loaded(vec![many_findings()]);
    let s = screen(&app, 80, 24);
    assert!(s.contains("Findings (5: 4 errors, 1 warning)"), "{s}");
    focus(&mut app, Focus::Findings);
    app.update(key('G'));
    let s = screen(&app, 80, 24);
    let row = s.lines().find(|l| l.contains("long-message")).unwrap();
    assert!(
        row.trim_end_matches(['│', '┃', ' ']).ends_with('…'),
        "cut with …: {row}"
    );
    assert!(!s.contains("THE-END"), "{s}");
    assert!(
        s.contains(" 5/5 ▲ "),
        "position and what is hidden above:\n{s}"
    );
    app.update(key('g'));
    assert!(screen(&app, 80, 24).contains(" 1/5 ▼ "));

    app.update(key('G'));
    app.update(code(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Finding { scroll: 0 });
    let s = screen(&app, 80, 24);
    for want in [
        "Finding 5/5",
        "long-message",
        "THE-END",
        "backup.two.test.",
        "RFC 7505 §3",
    ] {
        assert!(s.contains(want), "{want}:\n{s}");
    }
    let cmds = app.update(key('c'));
    assert!(matches!(cmds.as_slice(), [Cmd::Copy { .. }]), "c copies it");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn rows_go_to_the_panes_that_have_something_to_show() {
    let mut reports = vec![two_tier()];
    for i in 1..13 {
        let mut r = two_tier();
        r.domain = format!("d{i}.test.");
        reports.push(r);
    }
    let mut app = loaded(reports);
    app.update(Msg::Resize(120, 40));
    let l = layout(app.area, &app);
    assert_eq!(l.findings.height, 3, "no findings: a one-line note");
    assert!(
        usize::from(l.domains.height) >= 13 + 3,
        "every domain shows: {l:?}"
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains("d12.test."), "{s}");
    assert!(s.contains("no findings"), "{s}");
}

#[test]
fn every_cut_ends_in_an_ellipsis() {
    let mut app = loaded(vec![workspace()]);
    app.update(code(KeyCode::Enter));
    let s = screen(&app, 120, 40);
    assert!(!s.contains("Google Wo "), "{s}");
    assert!(
        s.contains("Google W…") || s.contains("Google Workspace"),
        "{s}"
    );
    // A status line longer than the terminal.
    let names: Vec<String> = (0..3)
        .map(|i| format!("a-rather-long-name-{i}.test."))
        .collect();
    let mut app = App::comparing(
        "127.0.0.1:5301".into(),
        vec!["127.0.0.1:5302".into(), "127.0.0.1:5303".into()],
        names,
        Theme::mono(),
    );
    app.update(Msg::Resize(80, 24));
    app.start();
    let s = screen(&app, 80, 24);
    let status = s.lines().nth(22).unwrap();
    assert!(status.ends_with('…'), "{status}");
}

#[test]
fn d_removes_only_in_the_domains_pane_and_u_undoes() {
    let mut app = loaded(vec![two_tier(), shuffled()]);
    app.update(code(KeyCode::Enter)); // hosts
    app.update(key('d'));
    assert_eq!(app.domains.len(), 2, "not from the hosts pane");
    assert!(app.status.as_ref().unwrap().error);
    app.update(key(' ')); // an outage to clear later
    app.update(code(KeyCode::Esc));
    app.update(key('d'));
    assert_eq!(app.domains.len(), 1);
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "removed two.test. (u undoes)"
    );
    app.update(key('u'));
    assert_eq!(app.domains.len(), 2);
    assert_eq!(app.domains[0].name, "two.test.", "back in its place");
    assert_eq!(app.selected_domain().unwrap().name, "two.test.");
    assert!(app.domains[0].report.is_some(), "with its report");
    assert_eq!(app.domains[0].outages.hosts.len(), 1, "and its outages");

    app.update(key('x'));
    assert!(app.domains[0].outages.is_empty());
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "cleared 1 outage of two.test. (u undoes)"
    );
    app.update(key('u'));
    assert_eq!(app.domains[0].outages.hosts.len(), 1, "outages restored");
    app.update(key('u'));
    assert_eq!(app.status.as_ref().unwrap().text, "nothing to undo");

    // A domain removed while its lookup ran is looked up again.
    app.update(key('r'));
    app.update(key('d'));
    let cmds = app.update(key('u'));
    assert_eq!(lookups(&cmds), ["two.test."]);
}

#[test]
fn an_implicit_mx_is_not_called_tier_0() {
    let mut r = MxReportExt::implicit();
    r.findings.clear();
    let app = loaded(vec![r]);
    let s = screen(&app, 120, 40);
    assert!(!s.contains("tier 0") && !s.contains("tier     0"), "{s}");
    assert!(s.contains("implicit MX"), "{s}");
}

/// Reports this file needs beyond the shared ones.
struct MxReportExt;

impl MxReportExt {
    fn implicit() -> mxlens::mx::MxReport {
        let mut r = mxlens::mx::MxReport::new("implicit.test.", "127.0.0.1:5354");
        r.outcome = mxlens::mx::Outcome::Implicit;
        r.mx = vec![host(0, "implicit.test.", &["192.0.2.77"])];
        r
    }
}

#[test]
fn slash_filters_and_s_sorts_and_the_status_bar_says_so() {
    let mut bad = failed("zz-down.test.");
    bad.domain = "zz-down.test.".into();
    let mut app = loaded(vec![two_tier(), shuffled(), bad, workspace()]);
    app.update(key('j')); // tier.test. selected
    app.update(key('/'));
    assert!(matches!(app.mode, Mode::Filter { .. }));
    type_text(&mut app, "google");
    assert_eq!(app.view.len(), 1, "by provider");
    assert_eq!(app.selected_domain().unwrap().name, "workspace.test.");
    let s = screen(&app, 120, 40);
    assert!(s.contains("Domains (1 of 4)"), "{s}");
    assert!(s.contains(" Filter: google"), "{s}");
    app.update(code(KeyCode::Enter));
    let s = screen(&app, 120, 40);
    assert!(s.contains("filter \"google\": 1 of 4"), "{s}");

    // Finding codes and outcomes match too; Esc while typing puts back.
    app.update(key('/'));
    for _ in 0..6 {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "nxdomain");
    assert_eq!(
        app.view.len(),
        1,
        "tier.test. has an mx-target-nxdomain finding"
    );
    type_text(&mut app, "-nothing");
    assert!(app.view.is_empty());
    assert!(screen(&app, 120, 40).contains("no domain matches"));
    app.update(code(KeyCode::Esc));
    assert_eq!(app.filter, "google");
    assert_eq!(app.view.len(), 1);

    // Esc in the list clears it, keeping the selection.
    app.update(code(KeyCode::Esc));
    assert!(app.filter.is_empty());
    assert_eq!(app.view.len(), 4);
    assert_eq!(app.selected_domain().unwrap().name, "workspace.test.");

    // S: name, worst finding, provider, input order.
    app.update(key('S'));
    let names = |app: &App| -> Vec<String> {
        app.view
            .iter()
            .map(|&i| app.domains[i].name.clone())
            .collect()
    };
    assert_eq!(
        names(&app),
        [
            "tier.test.",
            "two.test.",
            "workspace.test.",
            "zz-down.test."
        ]
    );
    assert!(screen(&app, 120, 40).contains("sorted by name"));
    app.update(key('S'));
    assert_eq!(names(&app)[0], "tier.test.", "an error finding first");
    assert_eq!(names(&app)[1], "zz-down.test.", "then a failed lookup");
    app.update(key('S'));
    assert_eq!(names(&app)[0], "two.test.", "Example Mail before Google");
    assert_eq!(names(&app)[1], "workspace.test.");
    assert_eq!(
        app.selected_domain().unwrap().name,
        "workspace.test.",
        "selection kept"
    );
    app.update(key('S'));
    assert_eq!(names(&app)[0], "two.test.");
    assert!(app.view_summary().is_none());

    // Removing from a sorted list removes the selected domain.
    app.update(key('S'));
    app.update(key('g'));
    app.update(key('d'));
    assert!(app.domains.iter().all(|d| d.name != "tier.test."));
}

#[test]
fn a_filtered_list_takes_new_reports_in_on_the_next_tick() {
    let mut app = App::new(
        "demo",
        vec!["two.test.".into(), "tier.test.".into()],
        Theme::mono(),
    );
    app.update(Msg::Resize(80, 24));
    let cmds = app.start();
    app.update(key('/'));
    type_text(&mut app, "nxdomain");
    app.update(code(KeyCode::Enter));
    assert!(app.view.is_empty(), "nothing is known yet");
    for (cmd, r) in cmds.into_iter().zip([two_tier(), shuffled()]) {
        let Cmd::Lookup { generation, .. } = cmd else {
            panic!()
        };
        app.update(Msg::Report {
            generation,
            upstream: 0,
            report: Box::new(r),
        });
    }
    app.update(Msg::Tick);
    assert_eq!(app.view.len(), 1);
    assert_eq!(app.selected_domain().unwrap().name, "tier.test.");
}
