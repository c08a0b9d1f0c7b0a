//! The copy keys through `App::update`: the status a copy leaves names
//! what was copied and fits the terminal, the tmux hint, the `Y` picker
//! (fits at 80×24 and 40×12, opens on the last format used), and the copy
//! keys inside the compare view.

mod support;

use crossterm::event::KeyCode;
use mxlens::clipboard::CopyTarget;
use mxlens::tui::state::{App, Cmd, Msg};
use support::tui::*;

/// Presses `k`, carries out the one copy it asks for as if it went to
/// `target`, and returns the status text.
fn copy_to(app: &mut App, k: Msg, target: CopyTarget) -> String {
    let cmds = app.update(k);
    let [
        Cmd::Copy {
            subject, summary, ..
        },
    ] = cmds.as_slice()
    else {
        panic!("expected one copy, got {cmds:?}");
    };
    app.update(Msg::Copied {
        subject: subject.clone(),
        summary: summary.clone(),
        result: Ok(target),
    });
    let s = app.status.clone().expect("a status after the copy");
    assert!(!s.error, "{s:?}");
    s.text
}

#[test]
fn two_copies_in_a_row_name_what_each_copied() {
    let mut app = loaded(vec![two_tier()]);
    let whole = copy_to(&mut app, key('y'), CopyTarget::System);
    assert_eq!(
        whole,
        "two.test.: 5 records as zone lines → system clipboard"
    );
    app.update(code(KeyCode::Enter));
    let first = copy_to(&mut app, key('y'), CopyTarget::System);
    app.update(key('j'));
    let second = copy_to(&mut app, key('y'), CopyTarget::System);
    assert_eq!(
        first,
        "mx1.two.test.: 3 records as zone lines → system clipboard"
    );
    assert_eq!(
        second,
        "backup.two.test.: 2 records as zone lines → system clipboard"
    );
    app.update(code(KeyCode::Enter));
    let addr = copy_to(&mut app, key('y'), CopyTarget::Osc52);
    assert_eq!(
        addr,
        "192.0.2.20: 1 record as zone lines → terminal (OSC 52)"
    );
}

#[test]
fn a_long_or_hostile_subject_is_escaped_and_shortened_to_fit() {
    let mut r = two_tier();
    let long = format!("mx1.{}.two.test.", "a".repeat(60));
    r.mx[0].exchange = long.clone();
    let mut app = loaded(vec![r, hostile()]);
    app.update(code(KeyCode::Enter));
    let text = copy_to(&mut app, key('y'), CopyTarget::Osc52);
    assert!(
        text.chars().count() <= 78,
        "fits 80 columns after the leading space: {text:?}"
    );
    assert!(text.starts_with("mx1.aaa"), "{text}");
    assert!(text.contains("…"), "{text}");
    assert!(
        text.ends_with("a.two.test.: 3 records as zone lines → terminal (OSC 52)"),
        "{text}"
    );
    // Wider terminal: the whole name.
    app.update(Msg::Resize(200, 50));
    let text = copy_to(&mut app, key('y'), CopyTarget::Osc52);
    assert!(text.starts_with(&format!("{long}: ")), "{text}");

    // A name with ESC and BEL: escaped, never raw.
    app.update(code(KeyCode::Esc));
    app.update(key('j'));
    app.update(code(KeyCode::Enter));
    let text = copy_to(&mut app, key('y'), CopyTarget::System);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.starts_with("mx\\027[31m\\007"), "{text}");
    // c names the finding's subject too.
    app.update(code(KeyCode::Esc));
    for _ in 0..3 {
        app.update(code(KeyCode::Tab));
    }
    let text = copy_to(&mut app, key('c'), CopyTarget::System);
    assert!(text.starts_with("mx\\027[31m\\007"), "{text}");
    assert!(text.contains(": finding "), "{text}");
}

#[test]
fn inside_tmux_the_first_osc52_copy_says_what_tmux_needs() {
    let hint = "(tmux: needs set -g set-clipboard on)";
    let mut app = loaded(vec![two_tier()]);
    app.tmux = true;
    let system = copy_to(&mut app, key('y'), CopyTarget::System);
    assert!(
        !system.contains("tmux"),
        "not for the system clipboard: {system}"
    );
    let first = copy_to(&mut app, key('y'), CopyTarget::Osc52);
    assert!(
        first.ends_with(&format!("→ terminal (OSC 52) {hint}")),
        "{first}"
    );
    let second = copy_to(&mut app, key('y'), CopyTarget::Osc52);
    assert!(!second.contains("tmux"), "once is enough: {second}");

    // The hint line is longer than 80 columns: it takes both status rows
    // and reads whole.
    let mut app = loaded(vec![two_tier()]);
    app.tmux = true;
    copy_to(&mut app, key('y'), CopyTarget::Osc52);
    let shown = screen(&app, 80, 24);
    let rows: Vec<&str> = shown.lines().collect();
    let status = rows[rows.len() - 2..]
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        status.contains("→ terminal (OSC 52) (tmux: needs set -g set-clipboard on)"),
        "{shown}"
    );

    let mut outside = loaded(vec![two_tier()]);
    let text = copy_to(&mut outside, key('y'), CopyTarget::Osc52);
    assert!(!text.contains("tmux"), "outside tmux: {text}");
}

/// The picker drawn alone into a `w`×`h` terminal.
fn picker_screen(app: &App, w: u16, h: u16) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    t.draw(|f| mxlens::tui::ui::picker::render(f, f.area(), app))
        .unwrap();
    buffer_text(t.backend().buffer())
}

#[test]
fn every_picker_description_shows_whole_at_80x24_and_40x12() {
    use mxlens::export::ExportFormat;
    use mxlens::tui::ui::picker::{DESCRIBE_MAX, describe};
    let mut app = loaded(vec![two_tier()]);
    app.update(key('Y'));
    for (w, h) in [(80, 24), (40, 12)] {
        app.update(Msg::Resize(w, h));
        let text = if w >= mxlens::tui::layout::MIN_WIDTH {
            screen(&app, w, h)
        } else {
            picker_screen(&app, w, h)
        };
        for f in ExportFormat::all() {
            let d = describe(*f);
            assert!(d.chars().count() <= DESCRIBE_MAX, "{d:?}");
            let row = text
                .lines()
                .find(|l| {
                    l.contains(&format!(" {:<9}", f.name()))
                        || l.contains(&format!("▶{:<9}", f.name()))
                })
                .unwrap_or_else(|| panic!("{f} is listed at {w}×{h}:\n{text}"));
            assert!(row.contains(d), "{f} whole at {w}×{h}: {row:?}\n{text}");
        }
    }
}

#[test]
fn the_picker_opens_on_the_last_format_used() {
    use mxlens::export::ExportFormat;
    use mxlens::tui::state::Mode;
    let mut app = loaded(vec![two_tier()]);
    app.update(key('Y'));
    assert_eq!(app.mode, Mode::Picker { selected: 0 }, "zone at first");
    for _ in 0..3 {
        app.update(key('j'));
    }
    let cmds = app.update(code(KeyCode::Enter));
    assert!(
        matches!(&cmds[..], [Cmd::Copy { summary, .. }] if summary.ends_with("as CSV")),
        "{cmds:?}"
    );
    assert_eq!(app.last_format, ExportFormat::Csv);
    app.update(key('Y'));
    assert_eq!(app.mode, Mode::Picker { selected: 3 }, "back on csv");
    // Cancelling keeps it; y copies zone lines and keeps it too.
    app.update(code(KeyCode::Esc));
    app.update(key('y'));
    app.update(key('Y'));
    assert_eq!(app.mode, Mode::Picker { selected: 3 });
    app.update(key('k'));
    app.update(code(KeyCode::Enter));
    app.update(key('Y'));
    assert_eq!(app.mode, Mode::Picker { selected: 2 }, "json now");
    // g and G reach the ends from wherever it opens.
    app.update(key('g'));
    assert_eq!(app.mode, Mode::Picker { selected: 0 });
    app.update(key('G'));
    assert_eq!(app.mode, Mode::Picker { selected: 5 });
}

#[test]
fn copy_keys_in_the_compare_view_say_to_close_it_first() {
    use mxlens::tui::state::Mode;
    use mxlens::tui::theme::Theme;
    let mut app = App::comparing(
        "127.0.0.1:5301".into(),
        vec!["127.0.0.1:5302".into()],
        vec!["two.test.".into()],
        Theme::mono(),
    );
    app.update(Msg::Resize(80, 24));
    for cmd in app.start() {
        if let Cmd::Lookup {
            generation,
            upstream,
            ..
        } = cmd
        {
            app.update(Msg::Report {
                generation,
                upstream,
                report: Box::new(two_tier()),
            });
        }
    }
    app.update(key('='));
    assert_eq!(app.mode, Mode::Compare { scroll: 0 });
    for k in ['y', 'Y', 'c'] {
        app.status = None;
        assert!(app.update(key(k)).is_empty(), "{k} copies nothing unseen");
        assert_eq!(app.mode, Mode::Compare { scroll: 0 }, "{k} keeps the view");
        let s = app.status.clone().expect("a word about it");
        assert!(s.error, "{s:?}");
        assert!(
            s.text
                .starts_with("close the compare view first (= or Esc)"),
            "{s:?}"
        );
        // Readable on screen, not hidden behind the view.
        let shown = screen(&app, 80, 24);
        assert!(
            shown.contains("✗ close the compare view first (= or Esc): y, Y and c copy"),
            "{shown}"
        );
    }
    app.update(code(KeyCode::Esc));
    let text = copy_to(&mut app, key('y'), CopyTarget::System);
    assert_eq!(
        text,
        "two.test.: 5 records as zone lines → system clipboard"
    );
}
