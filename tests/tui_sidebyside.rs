//! The side-by-side view (`m`, `C`) and snapshots (`s`, `o`) in the TUI:
//! transitions through `App::update`, screens through `TestBackend`.

mod support;

use crossterm::event::KeyCode;
use mxlens::mx::changes::Change;
use mxlens::mx::snapshot::Snapshot;
use mxlens::mx::{MxReport, Outcome, Severity};
use mxlens::tui::snapshots::Against;
use mxlens::tui::state::{App, Cmd, Mode, Msg, SaveFailure};
use support::tui::*;

/// A domain on the new provider's two hosts.
fn new_layout(domain: &str) -> MxReport {
    let mut r = MxReport::new(domain, "127.0.0.1:5354");
    r.outcome = Outcome::Mx;
    r.mx = vec![
        host(1, "a.mail.test.", &["192.0.2.1"]),
        host(5, "b.mail.test.", &["192.0.2.2", "2001:db8::2"]),
    ];
    for h in &mut r.mx {
        h.provider = Some("New Mail".into());
    }
    r
}

/// The domain still on the old provider.
fn old_layout(domain: &str) -> MxReport {
    let mut r = MxReport::new(domain, "127.0.0.1:5354");
    r.outcome = Outcome::Mx;
    r.mx = vec![host(10, "mx.old.test.", &["198.51.100.1"])];
    r.mx[0].provider = Some("Old Mail".into());
    r.findings = vec![finding(
        "single-mx",
        Severity::Info,
        domain,
        "one receiving host",
        "RFC 5321 §5.1",
    )];
    r
}

fn portfolio() -> App {
    loaded(vec![
        new_layout("one.test."),
        new_layout("two.test."),
        old_layout("three.test."),
    ])
}

fn mark_all(app: &mut App) {
    for _ in 0..app.domains.len() {
        app.update(key('m'));
        app.update(key('j'));
    }
}

#[test]
fn c_needs_two_marked_domains_and_marks_show_without_colour() {
    let mut app = portfolio();
    app.update(key('C'));
    assert_eq!(app.mode, Mode::Normal);
    let status = app.status.clone().unwrap();
    assert!(
        status.error && status.text.contains("0 marked"),
        "{status:?}"
    );
    app.update(key('m'));
    assert!(app.domains[0].marked);
    let text = screen(&app, 80, 24);
    assert!(text.contains("◆ one.test."), "{text}");
    assert!(!text.contains("◆ two.test."), "{text}");
    app.update(key('C'));
    assert_eq!(app.mode, Mode::Normal, "one mark is not enough");
    app.update(key('m'));
    assert!(!app.domains[0].marked, "m again unmarks");
}

#[test]
fn side_by_side_marks_the_odd_domain_at_80x24_and_120x40() {
    let mut app = portfolio();
    mark_all(&mut app);
    app.update(key('C'));
    assert!(matches!(app.mode, Mode::SideBySide { .. }));
    let narrow = screen(&app, 80, 24);
    assert!(!narrow.contains('\u{1b}'));
    insta::assert_snapshot!("sidebyside_80x24", narrow);
    app.update(Msg::Resize(120, 40));
    let wide = screen(&app, 120, 40);
    insta::assert_snapshot!("sidebyside_120x40", wide);
    assert!(
        wide.contains("three.test. differs from the majority in 6"),
        "{wide}"
    );
    // Every cell of the odd domain in a differing tier carries ≠.
    let exchanges = wide.lines().find(|l| l.contains("≠ exchanges")).unwrap();
    assert!(exchanges.contains("≠ 10 mx.old.test."), "{exchanges}");
    assert!(!exchanges.contains("≠ 1 a.mail"), "{exchanges}");
    app.update(code(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn columns_scroll_sideways_when_they_do_not_fit() {
    let mut app = loaded(
        (1..=5)
            .map(|i| new_layout(&format!("d{i}.test.")))
            .collect(),
    );
    mark_all(&mut app);
    app.update(key('C'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("←/→ columns 1–3 of 5"), "{text}");
    assert!(
        text.contains("d3.test.") && !text.contains("d4.test."),
        "{text}"
    );
    app.update(code(KeyCode::Right));
    app.update(code(KeyCode::Right));
    app.update(code(KeyCode::Right));
    let text = screen(&app, 80, 24);
    assert!(text.contains("←/→ columns 3–5 of 5"), "{text}");
    assert!(
        text.contains("d5.test.") && !text.contains("d2.test."),
        "{text}"
    );
    assert!(text.contains("all 7 tiers agree"), "{text}");
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        app.update(key(c));
    }
}

#[test]
fn s_saves_every_report_and_asks_before_replacing() {
    let mut app = portfolio();
    app.update(key('s'));
    let Mode::SnapshotPath {
        save: true, text, ..
    } = &app.mode
    else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(text, "mxlens-snapshot.jsonl", "a default name is offered");
    for _ in 0..text.len() {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "before.jsonl");
    let cmds = app.update(code(KeyCode::Enter));
    let [
        Cmd::SaveSnapshot {
            path,
            text,
            count,
            overwrite,
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        (path.as_str(), *count, *overwrite),
        ("before.jsonl", 3, false)
    );
    let snap = Snapshot::parse(text.as_bytes()).unwrap();
    assert_eq!(snap.domains(), ["one.test.", "two.test.", "three.test."]);

    // The runner found the file there: the app asks, n keeps it.
    app.update(Msg::SnapshotSaved {
        path: "before.jsonl".into(),
        count: 3,
        result: Err(SaveFailure::Exists),
    });
    assert_eq!(
        app.mode,
        Mode::Overwrite {
            path: "before.jsonl".into()
        }
    );
    insta::assert_snapshot!("overwrite_80x24", screen(&app, 80, 24));
    assert!(app.update(key('n')).is_empty());
    assert_eq!(app.mode, Mode::Normal);
    // Again, and y replaces it.
    app.update(key('s'));
    app.update(code(KeyCode::Enter));
    app.update(Msg::SnapshotSaved {
        path: "before.jsonl".into(),
        count: 3,
        result: Err(SaveFailure::Exists),
    });
    let cmds = app.update(key('y'));
    assert!(
        matches!(
            cmds.as_slice(),
            [Cmd::SaveSnapshot {
                overwrite: true,
                ..
            }]
        ),
        "{cmds:?}"
    );
    app.update(Msg::SnapshotSaved {
        path: "before.jsonl".into(),
        count: 3,
        result: Ok(()),
    });
    assert_eq!(app.status.unwrap().text, "saved 3 reports to before.jsonl");
}

#[test]
fn o_shows_live_against_the_snapshot_per_domain() {
    let mut app = portfolio();
    app.update(key('o'));
    assert!(matches!(app.mode, Mode::SnapshotPath { save: false, .. }));
    let cmds = app.update(code(KeyCode::Enter));
    assert_eq!(
        cmds,
        [Cmd::OpenSnapshot {
            path: "mxlens-snapshot.jsonl".into()
        }]
    );
    // The snapshot: two.test. had another exchange; three.test. was the
    // same; gone.test. is not listed (it is added and looked up).
    let mut two = new_layout("two.test.");
    two.mx[1].preference = 20;
    let cmds = app.update(Msg::SnapshotOpened {
        path: "old.jsonl".into(),
        result: Ok(vec![
            two,
            old_layout("three.test."),
            old_layout("gone.test."),
        ]),
    });
    let looked_up: Vec<&str> = cmds
        .iter()
        .filter_map(|c| match c {
            Cmd::Lookup { domain, .. } => Some(domain.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(looked_up, ["gone.test."]);
    assert!(matches!(app.mode, Mode::SnapshotDiff { .. }));
    let rows = app.against_snapshot();
    assert_eq!(
        rows,
        [
            ("one.test.".to_string(), Against::NotInSnapshot),
            (
                "two.test.".to_string(),
                Against::Changed(vec![Change::PreferenceChanged {
                    exchange: "b.mail.test.".into(),
                    before: 20,
                    after: 5
                }])
            ),
            ("three.test.".to_string(), Against::Same),
            ("gone.test.".to_string(), Against::Pending),
        ]
    );
    insta::assert_snapshot!("snapshot_diff_80x24", screen(&app, 80, 24));
    // A file that could not be read: its error, and the view stays shut.
    app.update(code(KeyCode::Esc));
    app.update(Msg::SnapshotOpened {
        path: "bad.jsonl".into(),
        result: Err("the snapshot \"bad.jsonl\" line 2: not JSON".into()),
    });
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.status.clone().unwrap().error);
}
