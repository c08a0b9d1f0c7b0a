//! Every pane rendered into ratatui's `TestBackend` and compared with insta
//! snapshots (tests/snapshots/): pending, resolved, error and hostile data,
//! at 40×12 (one pane), 80×24 and 200×60 (whole screen), down to 1×1.

mod support;

use crossterm::event::KeyCode;
use mxlens::tui::state::{App, Focus, Msg};
use mxlens::tui::theme::Theme;
use mxlens::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use support::tui::*;

type PaneFn = fn(&mut ratatui::Frame, Rect, &App);

const PANES: [(&str, PaneFn); 5] = [
    ("domains", ui::domains::render),
    ("hosts", ui::hosts::render),
    ("addresses", ui::addresses::render),
    ("failover", ui::failover::render),
    ("findings", ui::findings::render),
];

fn pane(app: &App, f: PaneFn, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|frame| f(frame, frame.area(), app)).unwrap();
    buffer_text(t.backend().buffer())
}

fn pending_app() -> App {
    let mut app = App::new(
        "demo",
        vec!["two.test.".into(), "tier.test.".into()],
        Theme::mono(),
    );
    app.update(Msg::Resize(80, 24));
    app.start();
    app
}

#[test]
fn panes_at_40x12() {
    let cases: Vec<(&str, App)> = vec![
        ("pending", pending_app()),
        ("resolved", {
            let mut app = loaded(vec![shuffled(), two_tier()]);
            app.update(code(KeyCode::Enter));
            app
        }),
        ("error", loaded(vec![failed("down.test.")])),
        ("hostile", loaded(vec![hostile()])),
    ];
    for (state, app) in &cases {
        for (name, f) in PANES {
            let text = pane(app, f, 40, 12);
            assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'));
            insta::assert_snapshot!(format!("{name}_{state}_40x12"), text);
        }
    }
}

#[test]
fn screen_80x24_and_200x60() {
    let mut app = loaded(vec![
        two_tier(),
        shuffled(),
        failed("down.test."),
        hostile(),
    ]);
    app.update(key('j'));
    app.update(code(KeyCode::Enter));
    app.update(key(' '));
    insta::assert_snapshot!("screen_80x24", screen(&app, 80, 24));
    app.update(Msg::Resize(200, 60));
    insta::assert_snapshot!("screen_200x60", screen(&app, 200, 60));
}

#[test]
fn hostile_names_are_escaped_everywhere() {
    let mut app = loaded(vec![hostile()]);
    for (w, h) in [(80, 24), (200, 60)] {
        app.update(Msg::Resize(w, h));
        let text = screen(&app, w, h);
        assert!(!text.contains('\u{1b}'), "raw ESC on screen");
        assert!(!text.contains('\u{7}'), "raw BEL on screen");
        assert!(text.contains("mx\\027[31m\\007.evil.test."), "{text}");
    }
}

#[test]
fn help_and_prompt() {
    let mut app = loaded(vec![two_tier()]);
    app.update(key('?'));
    insta::assert_snapshot!("help_80x24", screen(&app, 80, 24));
    let wide = screen(&app, 120, 34);
    for b in mxlens::tui::keymap::BINDINGS {
        assert!(wide.contains(b.help), "help lists {:?}:\n{wide}", b.label);
    }
    insta::assert_snapshot!("help_120x34", wide);
    app.update(code(KeyCode::Esc));
    app.update(key('a'));
    for c in "bad..name".chars() {
        app.update(key(c));
    }
    app.update(code(KeyCode::Enter));
    insta::assert_snapshot!("prompt_error_80x24", screen(&app, 80, 24));
    app.update(code(KeyCode::Esc));
    app.update(code(KeyCode::Enter));
    app.update(key('Y'));
    app.update(key('j'));
    insta::assert_snapshot!("picker_80x24", screen(&app, 80, 24));
}

#[test]
fn too_small_never_panics() {
    let mut app = loaded(vec![two_tier()]);
    app.update(key('?'));
    for (w, h) in [(1, 1), (2, 1), (1, 5), (10, 3), (55, 30), (120, 14)] {
        app.update(Msg::Resize(w, h));
        let text = screen(&app, w, h);
        if w >= 20 && h >= 3 {
            assert!(text.contains("too small"), "{w}×{h}:\n{text}");
        }
    }
    app.update(Msg::Resize(40, 12));
    insta::assert_snapshot!("screen_40x12", screen(&app, 40, 12));
    // Every pane survives tiny areas on its own too.
    for (_, f) in PANES {
        for (w, h) in [(1, 1), (3, 2), (5, 3)] {
            pane(&app, f, w, h);
        }
    }
    let _ = Focus::Domains;
}

#[test]
fn selection_shows_without_colour() {
    use ratatui::style::Modifier;
    let mut app = loaded(vec![two_tier(), shuffled()]);
    app.update(key('j'));
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| ui::render(f, &app)).unwrap();
    let buf = t.backend().buffer();
    let l = mxlens::tui::layout::layout(buf.area, &app);
    // Second domain row: top border, header, first row, then ours.
    let y = l.domains.y + 3;
    let row: String = (l.domains.x + 1..l.domains.x + 20)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect();
    assert!(row.starts_with("▶"), "marker on the selected row: {row:?}");
    let cell = &buf[(l.domains.x + 4, y)];
    assert!(cell.modifier.contains(Modifier::REVERSED), "{cell:?}");
    assert_eq!(
        cell.fg,
        ratatui::style::Color::Reset,
        "no colour under NO_COLOR"
    );
}

#[test]
fn idn_shows_its_unicode_form_beside_the_ascii_one() {
    let mut r = two_tier();
    r.domain = "xn--bcher-kva.example.".into();
    let app = loaded(vec![r]);
    let text = screen(&app, 100, 30);
    assert!(
        text.contains("MX hosts · xn--bcher-kva.example. (bücher.example.)"),
        "{text}"
    );
    assert_eq!(mxlens::mx::name::unicode_form("plain.example."), None);
}
