//! `App::update` without a terminal: messages in, state and commands out.

mod support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use mxlens::clipboard::CopyTarget;
use mxlens::mx::failover::{HostState, SimOutcome};
use mxlens::tui::state::{App, Cmd, Focus, Mode, Msg};
use mxlens::tui::theme::Theme;
use support::tui::*;

fn lookups(cmds: &[Cmd]) -> Vec<(u64, String)> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Lookup {
                generation, domain, ..
            } => Some((*generation, domain.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn start_looks_every_domain_up_and_reports_fill_them_in() {
    let mut app = App::new(
        "demo",
        vec!["a.test.".into(), "b.test.".into(), "a.test.".into()],
        Theme::mono(),
    );
    let cmds = app.start();
    let l = lookups(&cmds);
    assert_eq!(l.len(), 2, "duplicates are listed once: {l:?}");
    assert_ne!(l[0].0, l[1].0, "each request has its own generation");
    assert!(app.needs_tick(), "spinners while pending");
    let mut r = two_tier();
    r.domain = "b.test.".into();
    app.update(Msg::Report {
        generation: l[1].0,
        upstream: 0,
        report: Box::new(r),
    });
    assert!(app.domains[1].report.is_some());
    assert!(app.domains[1].pending.is_none());
    assert!(app.domains[0].pending.is_some());
    assert!(app.needs_tick());
    app.update(Msg::Report {
        generation: l[0].0,
        upstream: 0,
        report: Box::new(failed("a.test.")),
    });
    assert!(!app.needs_tick(), "no tick once every report is in");
}

#[test]
fn stale_results_are_dropped_by_generation() {
    let mut app = loaded(vec![two_tier()]);
    let old = lookups(&app.update(key('r')));
    let new = lookups(&app.update(key('r')));
    assert_eq!(old.len(), 1);
    assert_eq!(new.len(), 1);
    assert!(new[0].0 > old[0].0);
    app.dirty = false;
    // The older request answers last: it must not replace anything.
    app.update(Msg::Report {
        generation: old[0].0,
        upstream: 0,
        report: Box::new(failed("two.test.")),
    });
    assert!(!app.dirty, "a stale result changes nothing");
    assert_eq!(app.domains[0].pending, Some(new[0].0));
    assert_eq!(
        app.domains[0].report.as_ref().unwrap().mx.len(),
        2,
        "the previous report stays shown while re-querying"
    );
    app.update(Msg::Report {
        generation: new[0].0,
        upstream: 0,
        report: Box::new(failed("two.test.")),
    });
    assert_eq!(
        app.selected_report().unwrap().outcome,
        mxlens::mx::Outcome::Error
    );
}

#[test]
fn requery_all_issues_one_lookup_per_domain() {
    let mut app = loaded(vec![two_tier(), shuffled()]);
    let l = lookups(&app.update(key('R')));
    let names: Vec<_> = l.iter().map(|(_, d)| d.as_str()).collect();
    assert_eq!(names, ["two.test.", "tier.test."]);
}

#[test]
fn moving_and_drilling_down_and_back() {
    let mut app = loaded(vec![two_tier(), shuffled()]);
    assert_eq!(app.focus, Focus::Domains);
    app.update(key('j'));
    assert_eq!(app.domain_cursor.selected, 1);
    app.update(code(KeyCode::Down));
    assert_eq!(app.domain_cursor.selected, 1, "stays on the last row");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.focus, Focus::Hosts);
    app.update(key('j'));
    app.update(key('j'));
    assert_eq!(app.selected_host().unwrap().exchange, "c.tier.test.");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.focus, Focus::Addresses);
    app.update(code(KeyCode::Esc));
    assert_eq!(app.focus, Focus::Hosts);
    app.update(code(KeyCode::Esc));
    assert_eq!(app.focus, Focus::Domains);
    // Another domain resets the host selection.
    app.update(key('k'));
    assert_eq!(app.domain_cursor.selected, 0);
    assert_eq!(app.host_cursor.selected, 0);
    assert_eq!(app.selected_host().unwrap().exchange, "mx1.two.test.");
}

#[test]
fn enter_on_a_host_without_addresses_stays_put() {
    let mut app = loaded(vec![shuffled()]);
    app.update(code(KeyCode::Enter));
    app.update(code(KeyCode::End));
    assert_eq!(app.selected_host().unwrap().exchange, "backup.tier.test.");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.focus, Focus::Hosts);
}

#[test]
fn tab_cycles_every_pane_both_ways() {
    let mut app = loaded(vec![two_tier()]);
    let mut seen = vec![app.focus];
    for _ in 0..5 {
        app.update(code(KeyCode::Tab));
        seen.push(app.focus);
    }
    assert_eq!(
        seen,
        [
            Focus::Domains,
            Focus::Hosts,
            Focus::Addresses,
            Focus::Failover,
            Focus::Findings,
            Focus::Domains
        ]
    );
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    assert_eq!(app.focus, Focus::Findings);
}

#[test]
fn add_validates_inline_and_escape_cancels() {
    let mut app = loaded(vec![two_tier()]);
    app.update(key('a'));
    assert!(matches!(app.mode, Mode::Input { .. }));
    for c in "bad..name".chars() {
        assert!(app.update(key(c)).is_empty(), "typing runs no command");
    }
    let cmds = app.update(code(KeyCode::Enter));
    assert!(cmds.is_empty());
    match &app.mode {
        Mode::Input { text, error } => {
            assert_eq!(text, "bad..name");
            assert!(error.as_deref().unwrap().contains("bad..name"), "{error:?}");
        }
        m => panic!("prompt closed on bad input: {m:?}"),
    }
    app.update(code(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.domains.len(), 1);

    // 'q', 'd', 'r' inside the prompt are text, not commands.
    app.update(key('a'));
    for c in "dq@New.Test".chars() {
        assert!(app.update(key(c)).is_empty());
    }
    let l = lookups(&app.update(code(KeyCode::Enter)));
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].1, "new.test.");
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.selected_domain().unwrap().name, "new.test.");

    // Adding it again selects it instead of listing it twice.
    app.update(key('k'));
    app.update(key('a'));
    for c in "NEW.test".chars() {
        app.update(key(c));
    }
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    assert_eq!(app.domains.len(), 2);
    assert_eq!(app.domain_cursor.selected, 1);
}

#[test]
fn paste_opens_the_prompt_instead_of_running_keys() {
    let mut app = loaded(vec![two_tier()]);
    let cmds = app.update(Msg::Paste("mailto:dq@paste.test\n".into()));
    assert!(cmds.is_empty());
    assert_eq!(app.domains.len(), 1, "the 'd' in it removed nothing");
    assert_eq!(
        app.mode,
        Mode::Input {
            text: "mailto:dq@paste.test".into(),
            error: None
        }
    );
    let l = lookups(&app.update(code(KeyCode::Enter)));
    assert_eq!(l[0].1, "paste.test.");
}

#[test]
fn remove_drops_the_domain_and_its_late_answer() {
    let mut app = loaded(vec![two_tier(), shuffled()]);
    let l = lookups(&app.update(key('r')));
    app.update(key('d'));
    assert_eq!(app.domains.len(), 1);
    assert_eq!(app.selected_domain().unwrap().name, "tier.test.");
    app.update(Msg::Report {
        generation: l[0].0,
        upstream: 0,
        report: Box::new(two_tier()),
    });
    assert_eq!(app.domains.len(), 1, "a removed domain does not come back");
    app.update(key('d'));
    assert!(app.domains.is_empty());
    app.update(key('d'));
    assert!(app.status.as_ref().unwrap().error);
    assert!(app.update(key('r')).is_empty());
}

fn state(app: &App, exchange: &str) -> HostState {
    app.host_sim(exchange)
        .expect("host in the simulation")
        .state
}

#[test]
fn space_marks_hosts_and_addresses_down_and_up_and_the_simulation_follows() {
    let mut app = loaded(vec![two_tier()]);
    let sim = app
        .simulation
        .clone()
        .expect("simulated once the report is in");
    assert_eq!(sim.outcome, SimOutcome::Delivered);
    assert_eq!(sim.receivers[0].exchange, "mx1.two.test.");
    app.update(key(' '));
    assert!(
        app.status.as_ref().unwrap().error,
        "not in the domains pane"
    );
    assert!(app.domains[0].outages.is_empty());

    app.update(code(KeyCode::Enter)); // hosts
    app.update(key(' '));
    assert!(app.domains[0].outages.hosts.contains("mx1.two.test."));
    assert_eq!(state(&app, "mx1.two.test."), HostState::Down);
    let sim = app.simulation.clone().unwrap();
    assert_eq!(sim.outcome, SimOutcome::Delivered);
    assert_eq!(sim.receivers.len(), 1);
    assert_eq!(sim.receivers[0].exchange, "backup.two.test.");
    assert_eq!(sim.receivers[0].share, 1.0);
    assert_eq!(
        sim.expected_failed_attempts, 2.0,
        "both dead addresses of mx1"
    );
    app.update(key(' '));
    assert!(
        app.domains[0].outages.is_empty(),
        "Space again brings it up"
    );
    assert_eq!(
        app.simulation.as_ref().unwrap().receivers[0].exchange,
        "mx1.two.test."
    );

    app.update(code(KeyCode::Enter)); // addresses
    app.update(key('j'));
    app.update(key(' '));
    let ip: std::net::IpAddr = "2001:db8::10".parse().unwrap();
    assert!(app.domains[0].outages.addresses.contains(&ip));
    assert_eq!(state(&app, "mx1.two.test."), HostState::Partial);
    assert!(app.address_down("mx1.two.test.", ip));
    app.update(key('k'));
    app.update(key(' '));
    assert_eq!(state(&app, "mx1.two.test."), HostState::Down);

    // The backup down too: nothing receives, the message is deferred.
    app.update(code(KeyCode::Esc));
    app.update(key('j'));
    app.update(key(' '));
    let sim = app.simulation.clone().unwrap();
    assert_eq!(sim.outcome, SimOutcome::Deferred);
    assert!(sim.receivers.is_empty());
    assert!(
        sim.retry.is_some(),
        "a deferred message has a retry timeline"
    );

    app.update(key('x'));
    assert!(app.domains[0].outages.is_empty());
    assert_eq!(state(&app, "mx1.two.test."), HostState::Up);
    assert_eq!(
        app.simulation.as_ref().unwrap().receivers[0].exchange,
        "mx1.two.test."
    );
}

#[test]
fn equal_preference_survivors_share_the_mail() {
    let mut app = loaded(vec![shuffled()]);
    app.update(code(KeyCode::Enter));
    app.update(key(' '));
    let sim = app.simulation.clone().unwrap();
    let shares: Vec<(&str, f64)> = sim
        .receivers
        .iter()
        .map(|r| (r.exchange.as_str(), r.share))
        .collect();
    assert_eq!(shares, [("b.tier.test.", 0.5), ("c.tier.test.", 0.5)]);
}

#[test]
fn outages_are_per_domain() {
    let mut app = loaded(vec![two_tier(), shuffled()]);
    app.update(code(KeyCode::Enter));
    app.update(key(' '));
    app.update(code(KeyCode::Esc));
    app.update(key('j'));
    assert!(app.domains[1].outages.is_empty());
    assert_eq!(app.domains[0].outages.hosts.len(), 1);
    assert!(
        app.simulation.as_ref().unwrap().down.is_empty(),
        "the simulation follows the selected domain"
    );
    app.update(key('x'));
    assert_eq!(
        app.domains[0].outages.hosts.len(),
        1,
        "x clears the selected domain only"
    );
}

#[test]
fn profile_help_and_quit() {
    let mut app = loaded(vec![two_tier()]);
    assert_eq!(app.profile.name, "rfc");
    app.update(key('p'));
    assert_eq!(app.profile.name, "postfix");
    assert_eq!(app.simulation.as_ref().unwrap().profile, "postfix");
    app.update(key('p'));
    assert_eq!(app.profile.name, "exim");
    app.update(key('p'));
    assert_eq!(app.profile.name, "rfc");

    app.update(key('?'));
    assert!(matches!(app.mode, Mode::Help { .. }));
    assert!(app.update(key('a')).is_empty());
    assert!(
        matches!(app.mode, Mode::Help { .. }),
        "keys do not leak through help"
    );
    app.update(code(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);

    assert_eq!(app.update(key('q')), [Cmd::Quit]);
    app.update(key('a'));
    assert_eq!(
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL
        ))),
        [Cmd::Quit],
        "Ctrl-C quits even from the prompt"
    );
}

#[test]
fn unbound_keys_and_idle_ticks_do_not_redraw() {
    let mut app = loaded(vec![two_tier()]);
    app.dirty = false;
    app.update(key('z'));
    app.update(Msg::Tick);
    assert!(!app.dirty);
    app.update(key('j'));
    assert!(app.dirty);
}

#[test]
fn mouse_click_focuses_and_selects_a_row() {
    let mut app = loaded(vec![shuffled()]);
    let l = mxlens::tui::layout::layout(app.area, &app);
    // Second host row: below the top border and the header row.
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: l.hosts.x + 5,
        row: l.hosts.y + 3,
        modifiers: KeyModifiers::NONE,
    };
    app.update(Msg::Mouse(click));
    assert_eq!(app.focus, Focus::Hosts);
    assert_eq!(app.selected_host().unwrap().exchange, "b.tier.test.");
    let wheel = MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: l.findings.x + 3,
        row: l.findings.y + 2,
        modifiers: KeyModifiers::NONE,
    };
    app.update(Msg::Mouse(wheel));
    assert_eq!(app.finding_cursor.selected, 1);
    assert_eq!(
        app.focus,
        Focus::Hosts,
        "the wheel scrolls without moving focus"
    );
}

#[test]
fn selection_stays_visible_when_the_terminal_shrinks() {
    let names = (0..40).map(|i| format!("d{i}.test.")).collect();
    let mut app = App::new("demo", names, Theme::mono());
    app.update(Msg::Resize(80, 24));
    app.update(code(KeyCode::End));
    assert_eq!(app.domain_cursor.selected, 39);
    let view = |app: &App| {
        let h = mxlens::tui::layout::layout(app.area, app).domains.height;
        usize::from(h.saturating_sub(mxlens::tui::layout::LIST_CHROME))
    };
    assert!(app.domain_cursor.offset + view(&app) > 39);
    app.update(Msg::Resize(60, 16));
    assert!(app.domain_cursor.offset <= 39);
    assert!(
        app.domain_cursor.offset + view(&app) > 39,
        "{:?}",
        app.domain_cursor
    );
    app.update(Msg::Resize(1, 1));
    app.update(code(KeyCode::PageUp));
    app.update(Msg::Resize(200, 60));
    let c = app.domain_cursor;
    assert_eq!(c.selected, 38);
    assert!(c.offset <= c.selected && c.selected < c.offset + view(&app));
    assert_eq!(
        c.offset,
        40usize.saturating_sub(view(&app)),
        "no empty space below the list while rows are hidden above"
    );
}

fn copied(cmds: &[Cmd]) -> (String, String) {
    match cmds {
        [Cmd::Copy { text, summary, .. }] => (text.clone(), summary.clone()),
        other => panic!("expected one copy, got {other:?}"),
    }
}

#[test]
fn y_copies_what_the_focused_pane_selects() {
    let mut app = loaded(vec![two_tier()]);
    let (text, summary) = copied(&app.update(key('y')));
    assert_eq!(summary, "5 records as zone lines");
    let words = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
    let lines: Vec<String> = text.lines().map(words).collect();
    assert!(
        lines.contains(&"two.test. 300 IN MX 10 mx1.two.test.".to_string()),
        "{text}"
    );
    assert!(text.contains("backup.two.test."), "{text}");

    app.update(code(KeyCode::Enter));
    app.update(key('j'));
    let (text, summary) = copied(&app.update(key('y')));
    assert_eq!(summary, "2 records as zone lines", "{text}");
    assert!(
        !text.contains("mx1.two.test."),
        "only the backup host: {text}"
    );

    app.update(key('k'));
    app.update(code(KeyCode::Enter));
    app.update(key('j'));
    let (text, summary) = copied(&app.update(key('y')));
    assert_eq!(summary, "1 record as zone lines");
    assert!(
        text.contains("AAAA") && text.contains("2001:db8::10"),
        "{text}"
    );

    app.update(Msg::Copied {
        subject: "2001:db8::10".into(),
        summary: summary.clone(),
        result: Ok(CopyTarget::System),
    });
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "2001:db8::10: 1 record as zone lines → system clipboard"
    );
    app.update(Msg::Copied {
        subject: "2001:db8::10".into(),
        summary,
        result: Err("no display server".into()),
    });
    let s = app.status.as_ref().unwrap();
    assert!(s.error && s.text.contains("no display server"), "{s:?}");
}

#[test]
fn shift_y_picks_a_format() {
    let mut app = loaded(vec![two_tier()]);
    assert!(app.update(key('Y')).is_empty());
    assert_eq!(app.mode, Mode::Picker { selected: 0 });
    app.update(key('j'));
    assert!(app.update(key('q')) == [Cmd::Quit], "q still quits");
    let (text, summary) = copied(&app.update(code(KeyCode::Enter)));
    assert_eq!(app.mode, Mode::Normal);
    assert!(summary.contains("dig commands"), "{summary}");
    assert!(text.starts_with("dig "), "{text}");
    app.update(key('Y'));
    app.update(code(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn c_copies_the_selected_finding_and_hostile_text_is_escaped() {
    let mut app = loaded(vec![hostile()]);
    let (text, _) = copied(&app.update(key('c')));
    assert!(text.contains("mx-target-invalid-hostname"), "{text}");
    assert!(text.contains("(RFC 952)"), "{text}");
    let (zone, _) = copied(&app.update(key('y')));
    for t in [&text, &zone] {
        assert!(!t.contains('\u{1b}') && !t.contains('\u{7}'), "{t:?}");
    }
    let mut empty = loaded(vec![two_tier()]);
    assert!(empty.update(key('c')).is_empty());
    assert!(empty.status.as_ref().unwrap().error);
}

#[test]
fn the_simulation_runs_on_new_inputs_not_on_ticks_resizes_or_moves() {
    let mut app = loaded(vec![two_tier(), shuffled()]);
    let runs = app.simulation_runs;
    assert!(app.simulation.is_some());
    // A lookup in flight for the other domain keeps the spinner ticking.
    app.update(code(KeyCode::Down));
    app.update(key('r'));
    app.update(code(KeyCode::Up));
    let runs = {
        assert!(app.simulation_runs > runs, "a new domain is simulated");
        app.simulation_runs
    };
    let before = app.simulation.clone();
    for _ in 0..20 {
        app.update(Msg::Tick);
    }
    assert!(
        app.needs_tick() && app.spinner >= 20,
        "the ticks were drawn"
    );
    app.update(Msg::Resize(120, 40));
    app.update(Msg::Resize(80, 24));
    app.update(code(KeyCode::Tab));
    app.update(code(KeyCode::BackTab));
    app.update(key('?'));
    app.update(key('?'));
    assert_eq!(
        app.simulation_runs, runs,
        "nothing the simulation reads changed"
    );
    assert_eq!(app.simulation, before);

    app.update(code(KeyCode::Enter)); // hosts
    app.update(key(' '));
    assert_eq!(app.simulation_runs, runs + 1, "an outage is a new input");
    app.update(key('p'));
    assert_eq!(app.simulation_runs, runs + 2, "so is the profile");
    let l = lookups(&app.update(key('r')));
    assert_eq!(app.simulation_runs, runs + 2, "a lookup in flight is not");
    app.update(Msg::Report {
        generation: l[0].0,
        upstream: 0,
        report: Box::new(two_tier()),
    });
    assert_eq!(app.simulation_runs, runs + 3, "and so is a fresh report");
}

/// `f` cycles the sender's address families; an IPv4-only sender cannot use
/// the IPv6 address of a host, so with the IPv4 address down the host is
/// down for it; the failover title names the model.
#[test]
fn f_cycles_the_sender_family_and_the_simulation_follows() {
    let mut app = loaded(vec![two_tier()]);
    // mx1 has 192.0.2.10 and 2001:db8::10; take its IPv4 address down.
    app.domains[0]
        .outages
        .addresses
        .insert("192.0.2.10".parse().unwrap());
    app.update(key('j'));
    app.update(key('k'));
    let dual = app.simulation.clone().unwrap();
    assert_eq!(dual.receivers[0].exchange, "mx1.two.test.", "{dual:?}");
    app.update(key('f'));
    let v4 = app.simulation.clone().unwrap();
    assert_eq!(v4.receivers.len(), 1, "{v4:?}");
    assert_eq!(v4.receivers[0].exchange, "backup.two.test.");
    let s = screen(&app, 120, 40);
    assert!(s.contains("profile rfc · IPv4-only sender"), "{s}");
    assert!(
        s.contains("IPv4-only sender: IPv6 addresses count as down"),
        "{s}"
    );
    app.update(key('f'));
    app.update(key('f'));
    assert!(!screen(&app, 120, 40).contains("-only sender"));
    app.update(key('p'));
    assert_eq!(app.profile.name, "postfix", "p keeps working beside f");
}
