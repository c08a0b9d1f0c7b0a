//! The copy keys of the real binary, driven in tmux like a user would, with
//! the clipboard read back by an independent program:
//!
//! - under a private Xvfb, `--clipboard system`: `y` on a host, then
//!   `xclip -o -selection clipboard` returns exactly its zone lines; a
//!   second `y` on another row replaces them while mxlens keeps running;
//!   the `Y` picker's CSV and JSON parse back to the demo's values;
//! - without any display, `--clipboard system`: a clear error that names
//!   the cause and the remedy, nothing sent to the terminal instead, the app
//!   stays usable and the shell gets a sane terminal back;
//! - OSC 52 into tmux (`set -g set-clipboard on`, read with `show-buffer`):
//!   `c` copies the finding line with its RFC reference, and every format of
//!   the hostile demo host carries `\027` escapes, never a raw ESC.
//!
//! Expectations are computed from the export module on reports looked up
//! from an in-process demo server, the same zones the binary serves itself.
//! The binary runs with `--no-security`: these tests are about the way to
//! the clipboard, and the selected domain's security lookups would change
//! its report (PTR comments, security findings) at a moment of their own;
//! tests/tui_security.rs checks that a copy carries them.
//! Each test has its own tmux server (and Xvfb), killed on drop.

use std::time::{Duration, Instant};

use mxlens::clipboard::ClipboardError;
use mxlens::dns::demo::DemoServer;
use mxlens::dns::lookup::mx_report;
use mxlens::dns::upstream::{LookupOptions, Upstream};
use mxlens::export::{ExportFormat, Selection, render, render_finding};
use mxlens::mx::MxReport;
use mxlens::tui::state::{App, Msg, Status};
use mxlens::tui::theme::Theme;
use mxlens::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

mod support;
use support::tmux::{Tmux, status_row, status_rows};
use support::tui::buffer_text;
use support::xvfb::Xvfb;

/// Reports for `domains`, looked up like `mxlens --demo` does (label "demo").
fn demo_reports(domains: &[&str]) -> Vec<MxReport> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let server = DemoServer::start().await.unwrap();
        let up = Upstream::server(server.addr(), &LookupOptions::default()).with_label("demo");
        let mut out = Vec::new();
        for d in domains {
            out.push(mx_report(&up, d).await);
        }
        out
    })
}

/// No control character but newline, tab and the CR of a CRLF.
fn assert_no_controls(text: &str, what: &str) {
    for (i, c) in text.char_indices() {
        let ok = !c.is_control()
            || c == '\n'
            || c == '\t'
            || (c == '\r' && text[i + 1..].starts_with('\n'));
        assert!(
            ok,
            "{what}: control character {c:?} at byte {i} in {text:?}"
        );
    }
}

/// `text` with the port after every `-p` (dig's) written as `PORT`.
fn any_port(text: &str) -> String {
    text.lines()
        .map(|l| {
            let mut after_p = false;
            let words: Vec<&str> = l
                .split(' ')
                .map(|w| {
                    let out = if after_p { "PORT" } else { w };
                    after_p = w == "-p";
                    out
                })
                .collect();
            words.join(" ") + "\n"
        })
        .collect()
}

/// A shell under `x` whose environment has its display and no Wayland.
fn tmux_on_display(name: &str, x: &Xvfb) -> Option<Tmux> {
    let display = format!("DISPLAY={}", x.display);
    Tmux::start(name, 80, 24, &["-u", "WAYLAND_DISPLAY", &display])
}

fn wait_for_demo(t: &Tmux) -> String {
    t.wait_for("every demo report", |s| {
        let all = format!("Domains ({})", mxlens::dns::demo::DEMO_DOMAINS.len());
        s.contains(&all) && !s.contains("pending")
    })
}

#[test]
fn y_copies_to_the_x11_clipboard_and_a_second_copy_replaces_it() {
    let Some(x) = Xvfb::start() else { return };
    let Some(t) = tmux_on_display("x11", &x) else {
        return;
    };
    let healthy = &demo_reports(&["healthy.example."])[0];
    assert_eq!(healthy.mx[0].exchange, "mx1.healthy.example.");
    let host = |i| render(&Selection::Host(healthy, i), ExportFormat::Zone).text;
    let (first, second) = (host(0), host(1));
    assert_eq!(
        first
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>(),
        [
            "healthy.example. 300 IN MX 10 mx1.healthy.example.",
            "mx1.healthy.example. 60 IN A 192.0.2.10",
            "mx1.healthy.example. 60 IN AAAA 2001:db8::10",
        ]
    );
    assert_eq!(
        x.clipboard(),
        None,
        "a fresh X server has no clipboard owner"
    );

    t.run("--demo --no-security --clipboard system");
    wait_for_demo(&t);
    t.keys(&["Tab", "y"]);
    let s = t.wait_for("the first copy", |s| s.contains("→ system clipboard"));
    assert!(
        status_row(&s)
            .starts_with("mx1.healthy.example.: 3 records as zone lines → system clipboard"),
        "{s}"
    );
    assert_eq!(x.clipboard().as_deref(), Some(first.as_str()));
    // mxlens keeps the selection: read again, a moment later, same text.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(x.clipboard().as_deref(), Some(first.as_str()));

    // Another row, y again: the new text replaces the old one, and the
    // status names the new host.
    t.keys(&["j"]);
    t.wait_for("mx2 selected", |s| {
        s.contains("Addresses · mx2.healthy.example.")
    });
    t.keys(&["y"]);
    x.wait_clipboard("the second copy", &second);
    let s = t.wait_for("the status after the second copy", |s| {
        s.contains("mx2.healthy.example.: 3 records as zone lines → system clipboard")
    });
    assert!(!s.contains('✗'), "{s}");

    // One address: a single A line.
    t.keys(&["Enter", "y"]);
    t.wait_for("the address copy", |s| {
        s.contains("1 record as zone lines → system clipboard")
    });
    let addr = render(&Selection::Address(healthy, 1, 0), ExportFormat::Zone).text;
    assert_eq!(
        addr.split_whitespace().collect::<Vec<_>>(),
        ["mx2.healthy.example.", "60", "IN", "A", "198.51.100.20"]
    );
    assert_eq!(x.clipboard().as_deref(), Some(addr.as_str()));

    // Still owned while mxlens runs; quitting is prompt.
    assert!(t.screen().contains("MX hosts · healthy.example."));
    assert_eq!(x.clipboard().as_deref(), Some(addr.as_str()));
    let quit = Instant::now();
    t.keys(&["q"]);
    t.assert_terminal_sane();
    eprintln!("quit and shell back in {:?}", quit.elapsed());
}

#[test]
fn the_picker_puts_parseable_csv_and_json_on_the_x11_clipboard() {
    let Some(x) = Xvfb::start() else { return };
    let Some(t) = tmux_on_display("picker", &x) else {
        return;
    };
    let healthy = &demo_reports(&["healthy.example."])[0];

    t.run("--demo --no-security --clipboard system");
    wait_for_demo(&t);
    // CSV of the second host: picker order is zone, dig, json, csv, …
    t.keys(&["Tab", "j", "Y"]);
    t.wait_for("the picker", |s| {
        s.contains("Copy host mx2.healthy.example. as")
    });
    t.keys(&["j", "j", "j", "Enter"]);
    let s = t.wait_for("the CSV copy", |s| s.contains("→ system clipboard"));
    assert!(
        status_row(&s).contains("2 rows as CSV → system clipboard"),
        "{s}"
    );
    let got = x.clipboard().expect("the clipboard holds the CSV");
    let want = render(&Selection::Host(healthy, 1), ExportFormat::Csv).text;
    assert_eq!(got, want);
    let rows = |text: &str| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    let rows = rows(&got);
    assert_eq!(
        rows,
        [
            vec![
                "domain",
                "preference",
                "exchange",
                "ttl",
                "ip",
                "family",
                "address_ttl",
                "provider"
            ],
            vec![
                "healthy.example.",
                "20",
                "mx2.healthy.example.",
                "300",
                "198.51.100.20",
                "ipv4",
                "60",
                ""
            ],
            vec![
                "healthy.example.",
                "20",
                "mx2.healthy.example.",
                "300",
                "2001:db8:1::20",
                "ipv6",
                "60",
                ""
            ],
        ]
    );

    // JSON of the whole report: back to the domains pane first.
    t.escape_to_domains();
    t.keys(&["Y"]);
    t.wait_for("the picker for the domain", |s| {
        s.contains("Copy healthy.example. as")
    });
    // The picker opens on the last format used (csv): json is one up.
    t.keys(&["k", "Enter"]);
    t.wait_for("the JSON copy", |s| {
        s.contains("as JSON → system clipboard")
    });
    let got = x.clipboard().expect("the clipboard holds the JSON");
    let mut got: serde_json::Value = serde_json::from_str(&got).expect("the copy is JSON");
    let want = render(&Selection::Report(healthy), ExportFormat::Json).text;
    let mut want: serde_json::Value = serde_json::from_str(&want).unwrap();
    // Timings differ between two lookups; everything else is the contract.
    for v in [&mut got, &mut want] {
        assert!(v["elapsed_ms"].is_number(), "{v}");
        v["elapsed_ms"] = serde_json::json!(0.0);
    }
    assert_eq!(got, want);
    assert_eq!(got["schema"], "mxlens/report/v1");
    assert_eq!(got["resolver"], "demo");
    assert_eq!(got["mx"].as_array().map(Vec::len), Some(2));
    let back: MxReport = serde_json::from_value(got).expect("the copy reads back as a report");
    let hosts = |r: &MxReport| -> Vec<_> {
        r.mx.iter()
            .map(|h| (h.preference, h.exchange.clone(), h.addresses.clone()))
            .collect()
    };
    assert_eq!(hosts(&back), hosts(healthy));

    t.keys(&["q"]);
    t.assert_terminal_sane();
}

#[test]
fn without_a_display_the_system_clipboard_fails_clearly_and_the_app_stays_usable() {
    let Some(t) = Tmux::start(
        "headless",
        80,
        24,
        &["-u", "DISPLAY", "-u", "WAYLAND_DISPLAY"],
    ) else {
        return;
    };
    // Were mxlens to fall back to OSC 52 silently, tmux would store it.
    t.tmux(&["set", "-g", "set-clipboard", "on"]);
    t.run("--demo --no-security --clipboard system healthy.example");
    t.wait_for("the report", |s| s.contains("mx2.healthy.example."));
    let pressed = Instant::now();
    t.keys(&["Tab", "y"]);
    let s = t.wait_for("the error", |s| s.contains("could not copy"));
    eprintln!("headless error on screen {:?} after y", pressed.elapsed());
    assert!(pressed.elapsed() < Duration::from_secs(3), "no hang");
    let status = status_rows(&s);
    assert!(
        status.starts_with("✗ could not copy 3 records as zone lines"),
        "{s}"
    );
    // The cause and the remedy are both readable at 80 columns.
    assert!(status.contains("DISPLAY"), "the cause: {s}");
    assert!(status.contains("--clipboard osc52"), "the remedy: {s}");
    assert_eq!(t.buffer(), None, "nothing went to the terminal instead");

    // Still responsive: help opens and closes, the next copy fails the same.
    t.keys(&["?"]);
    t.wait_for("help", |s| s.contains("drill down"));
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("drill down"));
    t.keys(&["j", "y"]);
    t.wait_for("the second error", |s| {
        s.contains("Addresses · mx2.healthy.example.") && s.contains("could not copy")
    });
    t.keys(&["q"]);
    t.assert_terminal_sane();
    assert_eq!(t.buffer(), None);
}

#[test]
fn c_and_every_format_reach_tmux_through_osc52_escaped() {
    let Some(t) = Tmux::start("osc52", 80, 24, &["-u", "DISPLAY", "-u", "WAYLAND_DISPLAY"]) else {
        return;
    };
    t.tmux(&["set", "-g", "set-clipboard", "on"]);
    let reports = demo_reports(&["broken.example.", "hostile.example."]);
    let (broken, hostile) = (&reports[0], &reports[1]);
    assert!(broken.findings.len() >= 2, "{:?}", broken.findings);

    t.run("--demo --no-security --clipboard osc52 broken.example hostile.example");
    t.wait_for("both reports", |s| {
        s.contains("Domains (2)") && !s.contains("pending") && s.contains("Findings (5:")
    });
    // Findings pane: Tab from domains, hosts, addresses, failover.
    t.keys(&["Tab", "Tab", "Tab", "Tab", "c"]);
    // The first OSC 52 copy inside tmux adds the tmux hint: the line takes
    // both status rows.
    let s = t.wait_for("the finding copy", |s| {
        status_rows(s).contains("→ terminal (OSC 52) (tmux: needs set -g set-clipboard on)")
    });
    let f0 = &broken.findings[0];
    assert_eq!(f0.code, "mx-target-cname");
    // The finding's subject comes first, shortened so the line fits.
    let rows = status_rows(&s);
    assert!(
        rows.starts_with("alias.b")
            && rows.contains(": finding mx-target-cname with its reference → terminal (OSC 52)"),
        "{s}"
    );
    let got = String::from_utf8(t.buffer().expect("tmux stored the copy")).unwrap();
    assert_eq!(got, render_finding(f0).text);
    assert!(
        got.starts_with("error mx-target-cname: alias.broken.example.: "),
        "{got:?}"
    );
    assert!(got.ends_with(" (RFC 2181 §10.3)\n"), "{got:?}");
    assert_no_controls(&got, "finding");

    t.keys(&["j", "c"]);
    let f1 = &broken.findings[1];
    t.wait_for("the next finding copy", |s| {
        s.contains(&format!("finding {} with its reference →", f1.code))
    });
    let got = String::from_utf8(t.buffer().unwrap()).unwrap();
    assert_eq!(got, render_finding(f1).text);
    assert!(got.contains(&format!("({})", f1.reference)), "{got:?}");

    // hostile.example.: its first host's name carries ESC [31m and BEL.
    assert!(
        hostile.mx[0].exchange.contains('\u{1b}'),
        "{:?}",
        hostile.mx
    );
    t.escape_to_domains();
    t.keys(&["j", "Tab"]);
    t.wait_for("the hostile host selected", |s| {
        s.contains("MX hosts · hostile.example.") && s.contains(r"Addresses · mx\027[31m")
    });
    for (i, fmt) in ExportFormat::all().iter().enumerate() {
        if i == 0 {
            t.keys(&["y"]);
        } else {
            t.keys(&["Y"]);
            t.wait_for("the picker", |s| s.contains("Enter copies"));
            // It opens on the last format used: from the top, i down.
            t.keys(&["g"]);
            for _ in 0..i {
                t.keys(&["j"]);
            }
            t.keys(&["Enter"]);
        }
        let summary = render(&Selection::Host(hostile, 0), *fmt).summary;
        let want = format!("{summary} → terminal (OSC 52)");
        t.wait_for(&want, |s| s.contains(&want));
        let raw = t.buffer().expect("tmux stored the copy");
        assert!(
            !raw.contains(&0x1b),
            "{fmt}: a raw ESC reached the clipboard: {raw:?}"
        );
        let got = String::from_utf8(raw).unwrap();
        assert_no_controls(&got, fmt.name());
        if *fmt == ExportFormat::Json {
            // JSON carries the name as received, in JSON's own escapes
            // (DESIGN §5): a reader gets the true name back.
            assert!(got.contains(r"mx\u001b[31m\u0007red"), "{got:?}");
            let v: serde_json::Value = serde_json::from_str(&got).unwrap();
            assert_eq!(
                v["exchange"].as_str(),
                Some(hostile.mx[0].exchange.as_str())
            );
        } else {
            assert!(got.contains(r"\027"), "{fmt}: {got:?}");
        }
        // dig names the demo server's random port; the rest is exact.
        let want = render(&Selection::Host(hostile, 0), *fmt).text;
        assert_eq!(any_port(&got), any_port(&want), "{fmt}");
    }
    // The finding about the hostile name, escaped too.
    t.keys(&["Tab", "Tab", "Tab", "c"]);
    t.wait_for("the hostile finding", |s| {
        s.contains("finding mx-target-invalid-hostname with its reference →")
    });
    let raw = t.buffer().unwrap();
    assert!(!raw.contains(&0x1b), "{raw:?}");
    let got = String::from_utf8(raw).unwrap();
    assert_eq!(got, render_finding(&hostile.findings[0]).text);
    assert!(
        got.contains(r"mx\027[31m\007red.hostile.example."),
        "{got:?}"
    );

    t.keys(&["q"]);
    t.assert_terminal_sane();
}

/// A display number no X server listens on (no socket, no lock file).
fn dead_display() -> String {
    (7391..7491)
        .find(|n| {
            !std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                && !std::path::Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .map(|n| format!(":{n}"))
        .expect("a free display number")
}

#[test]
fn auto_uses_the_x11_clipboard_when_the_display_answers() {
    let Some(x) = Xvfb::start() else { return };
    let Some(t) = tmux_on_display("auto-x11", &x) else {
        return;
    };
    // Were auto to pick OSC 52 here, tmux would store it.
    t.tmux(&["set", "-g", "set-clipboard", "on"]);
    let healthy = &demo_reports(&["healthy.example."])[0];
    t.run("--demo --no-security healthy.example");
    t.wait_for("the report", |s| s.contains("mx2.healthy.example."));
    t.keys(&["y"]);
    let s = t.wait_for("the copy", |s| s.contains("records as zone lines →"));
    assert!(
        status_row(&s).starts_with("healthy.example.: 6 records as zone lines → system clipboard"),
        "{s}"
    );
    let want = render(&Selection::Report(healthy), ExportFormat::Zone).text;
    assert_eq!(x.clipboard(), Some(want));
    assert_eq!(t.buffer(), None, "not also sent as OSC 52");
    t.keys(&["q"]);
    t.assert_terminal_sane();
}

#[test]
fn an_unreachable_display_means_osc52_for_auto_and_a_clear_error_for_system() {
    let Some(t) = Tmux::start(
        "dead-display",
        80,
        24,
        &["-u", "DISPLAY", "-u", "WAYLAND_DISPLAY"],
    ) else {
        return;
    };
    t.tmux(&["set", "-g", "set-clipboard", "on"]);
    let healthy = &demo_reports(&["healthy.example."])[0];
    let want = render(&Selection::Report(healthy), ExportFormat::Zone).text;
    let display = format!("DISPLAY={}", dead_display());

    // auto: DISPLAY is set but nothing answers, so the terminal gets it.
    t.run_env(&display, "--demo --no-security healthy.example");
    t.wait_for("the report", |s| s.contains("mx2.healthy.example."));
    let pressed = Instant::now();
    t.keys(&["y"]);
    let s = t.wait_for("the copy", |s| s.contains("records as zone lines →"));
    assert!(pressed.elapsed() < Duration::from_secs(3), "no hang");
    assert_eq!(
        status_rows(&s),
        "healthy.example.: 6 records as zone lines → terminal (OSC 52) (tmux: needs set -g set-clipboard on)",
        "the first OSC 52 copy in tmux says what tmux needs: {s}"
    );
    assert_eq!(t.buffer().map(String::from_utf8), Some(Ok(want)));
    // The failed display is not tried again: the next copy goes the same way.
    t.keys(&["Tab", "y"]);
    t.wait_for("the second copy", |s| {
        s.contains("3 records as zone lines → terminal (OSC 52)")
    });
    t.keys(&["q"]);
    t.assert_terminal_sane();

    // system: an error naming the remedy, readable at 80 columns.
    t.clear_buffers();
    t.run_env(
        &display,
        "--demo --no-security --clipboard system healthy.example",
    );
    t.wait_for("the report", |s| s.contains("mx2.healthy.example."));
    let pressed = Instant::now();
    t.keys(&["y"]);
    let s = t.wait_for("the error", |s| s.contains("could not copy"));
    eprintln!("unreachable display: error after {:?}", pressed.elapsed());
    assert!(pressed.elapsed() < Duration::from_secs(3), "no hang");
    let status = status_rows(&s);
    assert!(
        status.starts_with(
            "✗ could not copy 6 records as zone lines: the system clipboard is not available; use --clipboard osc52"
        ),
        "{s}"
    );
    assert_eq!(t.buffer(), None, "nothing went to the terminal instead");
    t.keys(&["q"]);
    t.assert_terminal_sane();
}

/// The status bar itself: a copy error too long for its row wraps over the
/// hint row so its remedy shows; one that fits leaves the hints alone.
#[test]
fn a_long_copy_error_wraps_over_both_status_rows() {
    let text = format!(
        "could not copy 3 records as zone lines: {}",
        ClipboardError::NoDisplay
    );
    for (w, wrapped) in [(80, true), (120, true), (200, false)] {
        let mut app = App::new("demo", vec![], Theme::mono());
        app.update(Msg::Resize(w, 24));
        app.status = Some(Status {
            text: text.clone(),
            error: true,
        });
        let mut term = Terminal::new(TestBackend::new(w, 24)).unwrap();
        term.draw(|f| ui::render(f, &app)).unwrap();
        let screen = buffer_text(term.backend().buffer());
        let rows = status_rows(&screen);
        assert!(
            rows.starts_with(&format!("✗ {text}")),
            "{w} columns:\n{screen}"
        );
        assert_eq!(rows.contains("? help"), !wrapped, "{w} columns:\n{screen}");
    }
}
