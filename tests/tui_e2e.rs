//! The real binary, driven in tmux like a user would: `mxlens --demo`, wait
//! for the reports, move, mark hosts down, add a domain, help, quit; then
//! check the shell got a sane terminal back. Also the panic path.
//!
//! Each test has its own tmux server (`tmux -L <unique>`), killed on drop.

mod support;

use support::tmux::Tmux;

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_mxlens");

/// The first screen line that lists `name` as a row (not in a pane title).
fn row_of<'a>(screen: &'a str, name: &str) -> &'a str {
    let title = format!("· {name}");
    screen
        .lines()
        .find(|l| l.contains(name) && !l.contains(&title))
        .unwrap_or_else(|| panic!("{name} not on screen:\n{screen}"))
}

/// How many domains `--demo` lists.
fn demo_n() -> usize {
    mxlens::dns::demo::DEMO_DOMAINS.len()
}

#[test]
fn demo_session_end_to_end() {
    let Some(t) = Tmux::start("demo", 120, 34, &[]) else {
        return;
    };
    t.run("--demo");
    // The first frame comes before the lookups finish, then every report.
    let s = t.wait_for("every demo report", |s| {
        s.contains(&format!("Domains ({})", demo_n())) && !s.contains("pending")
    });
    assert!(row_of(&s, "healthy.example.").contains('✓'), "{s}");
    assert!(
        s.contains(&format!("{} domains · 1 failed", demo_n())),
        "unserved.test. fails: {s}"
    );
    assert!(s.contains("MX hosts · healthy.example."));

    // The list scrolls to the last domains.
    t.keys(&["G"]);
    let s = t.wait_for("the last domain", |s| {
        s.contains("MX hosts · unserved.test.")
    });
    assert!(row_of(&s, "gone.example.").contains("nxdomain"), "{s}");
    assert!(row_of(&s, "▶? unserved.test.").contains("refused"), "{s}");
    let place = format!(" {0}/{0} ", demo_n());
    assert!(s.contains(&place), "the list says where it is: {s}");
    t.keys(&["g"]);

    // Move down and back up.
    t.keys(&["j"]);
    t.wait_for("equal.example. selected", |s| {
        s.contains("MX hosts · equal.example.")
    });
    t.keys(&["k"]);
    t.wait_for("healthy.example. selected", |s| {
        s.contains("MX hosts · healthy.example.")
    });

    // Primary down: the hosts pane says so.
    t.keys(&["Enter", "Space"]);
    let s = t.wait_for("mx1 marked down", |s| {
        s.contains("mx1.healthy.example. marked down")
    });
    assert!(row_of(&s, "mx1.healthy.example.").contains("DOWN"), "{s}");
    assert!(row_of(&s, "mx2.healthy.example.").contains("up"), "{s}");
    // The failover pane, on the same frame: the backup receives everything.
    assert!(s.contains("✓ DELIVERED  down: mx1.healthy.example."), "{s}");
    assert!(
        s.contains("Mail is delivered to mx2.healthy.example."),
        "{s}"
    );
    let bar = s
        .lines()
        .find(|l| l.contains("█"))
        .unwrap_or_else(|| panic!("no share bar:\n{s}"));
    assert!(
        bar.contains("mx2.healthy.example. ████████████████ 100.0 %"),
        "{s}"
    );
    // Both down: deferred, with the retry timeline.
    t.keys(&["j", "Space"]);
    let s = t.wait_for("deferred", |s| s.contains("DEFERRED"));
    assert!(s.contains("retry timeline"), "{s}");
    t.keys(&["x"]);
    t.wait_for("outages cleared", |s| s.contains("cleared 2 outages"));
    t.keys(&["k", "Space", "Space"]);
    t.wait_for("mx1 back up", |s| {
        s.contains("mx1.healthy.example. marked up")
    });

    // Add: a bad name shows an inline error, a good one is looked up.
    // Esc and the next key go separately: a quick "ESC a" reads as Alt-a.
    t.keys(&["Escape"]);
    t.wait_for("focus back on domains", |s| s.contains("┏ Domains"));
    t.keys(&["a"]);
    t.type_text("bad..name");
    t.keys(&["Enter"]);
    t.wait_for("inline error", |s| {
        s.contains("\"bad..name\" has an empty label")
    });
    t.keys(&["C-u"]);
    t.type_text("postmaster@Equal.Example");
    t.keys(&["Enter"]);
    t.wait_for("already listed", |s| {
        s.contains("equal.example. is listed already")
    });
    t.keys(&["a"]);
    t.type_text("mailto:x@added.example");
    t.keys(&["Enter"]);
    let s = t.wait_for("added domain reported", |s| {
        s.contains(&format!("Domains ({})", demo_n() + 1))
            && !s.contains("pending")
            && s.lines()
                .any(|l| l.contains("added.example.") && l.contains("nxdomain"))
    });
    assert!(row_of(&s, "added.example.").contains("nxdomain"), "{s}");

    // Resize below the usable size and back, any time.
    t.tmux(&["resize-window", "-t", "e2e", "-x", "40", "-y", "12"]);
    t.wait_for("too small", |s| s.contains("terminal too small"));
    t.tmux(&["resize-window", "-t", "e2e", "-x", "1", "-y", "1"]);
    t.tmux(&["resize-window", "-t", "e2e", "-x", "120", "-y", "34"]);
    t.wait_for("full size again", |s| {
        s.contains(&format!("Domains ({})", demo_n() + 1))
    });

    // Help opens and closes.
    t.keys(&["?"]);
    t.wait_for("help", |s| s.contains("Help") && s.contains("drill down"));
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("drill down"));

    t.keys(&["q"]);
    t.assert_terminal_sane();
}

/// At 80×24: the failover pane scrolls to its last line and back, its
/// headline carries a partial outcome, a finding opens in full, and a
/// comma-separated list adds every domain.
#[test]
fn panes_at_80x24_scroll_warn_open_findings_and_take_lists() {
    let Some(t) = Tmux::start("panes", 80, 24, &[]) else {
        return;
    };
    t.run("--demo");
    t.wait_for("every demo report", |s| {
        s.contains(&format!("Domains ({})", demo_n())) && !s.contains("pending")
    });

    // workspace.example with Postfix's address limit: aspmx, alt1 and the
    // first address of alt2 down.
    t.keys(&["j", "j"]);
    t.wait_for("workspace.example.", |s| {
        s.contains("MX hosts · workspace.example.")
    });
    t.keys(&[
        "p", "Enter", "Space", "j", "Space", "j", "Enter", "j", "Space",
    ]);
    let s = t.wait_for("the partial outcome in the headline", |s| {
        s.contains("✓ DELIVERED · 50 % deferred first")
    });
    assert!(s.contains("2001:db8:4::103 marked down"), "{s}");

    // The failover pane: G shows the last line, k steps back one, g the top.
    t.keys(&["Tab", "G"]);
    let failover_border = |s: &str| {
        s.lines()
            .find(|l| l.contains('┛') && l.contains('–'))
            .unwrap_or("")
            .to_string()
    };
    let s = t.wait_for("the end of the failover text", |s| {
        s.contains("(address limit)") && failover_border(s).contains('▲')
    });
    assert!(
        !s.contains("✓ DELIVERED ·"),
        "scrolled past the headline: {s}"
    );
    assert!(
        !failover_border(&s).contains('▼'),
        "nothing below the last line: {s}"
    );
    for _ in 0..5 {
        t.keys(&["j", "PageDown"]);
    }
    t.keys(&["k"]);
    t.wait_for("one line up", |s| {
        !s.contains("(address limit)") && failover_border(s).contains("▲ ▼")
    });
    t.keys(&["g"]);
    t.wait_for("the headline again", |s| {
        s.contains("✓ DELIVERED · 50 % deferred first")
    });

    // broken.example.'s findings: Enter opens the selected one in full.
    t.escape_to_domains();
    let from_workspace = mxlens::dns::demo::DEMO_DOMAINS
        .iter()
        .position(|d| *d == "broken.example.")
        .unwrap()
        - 2;
    t.keys(&vec!["j"; from_workspace]);
    t.wait_for("broken.example.", |s| {
        s.contains("MX hosts · broken.example.")
    });
    t.keys(&["BTab"]);
    t.wait_for("focus on the findings", |s| s.contains("┏ Findings"));
    t.keys(&["Enter"]);
    let s = t.wait_for("the finding in full", |s| s.contains("Finding 1/"));
    assert!(s.contains("reference"), "{s}");
    assert!(s.contains("RFC"), "{s}");
    t.keys(&["Enter"]);
    t.wait_for("the popup closed", |s| !s.contains("Finding 1/"));

    // A list in the add prompt.
    t.escape_to_domains();
    t.keys(&["a"]);
    t.type_text("x1.example, x2.example");
    t.keys(&["Enter"]);
    let s = t.wait_for("both added", |s| {
        s.contains(&format!("Domains ({})", demo_n() + 2)) && !s.contains("pending")
    });
    assert!(
        s.contains("x1.example.") || s.contains("added 2 domains"),
        "{s}"
    );
    t.keys(&["G"]);
    let s = t.wait_for("the last one", |s| s.contains("MX hosts · x2.example."));
    assert!(row_of(&s, "x2.example.").contains("nxdomain"), "{s}");

    t.keys(&["q"]);
    t.assert_terminal_sane();
}

#[test]
fn a_file_of_domains_opens_in_the_tui_and_stdin_is_refused() {
    let Some(t) = Tmux::start("file", 100, 30, &[]) else {
        return;
    };
    let list = t.path("domains.txt");
    std::fs::write(
        &list,
        "# clients\nhealthy.example\nequal.example\nshared.example # backup shared\n",
    )
    .unwrap();
    t.run("--demo --file -");
    let s = t.wait_for("the refusal", |s| s.contains("mxlens:"));
    assert!(s.contains("--file - is not possible here"), "{s}");
    t.assert_terminal_sane();
    t.run(&format!("--demo --file {}", list.display()));
    let s = t.wait_for("the listed domains", |s| {
        s.contains("Domains (3)") && !s.contains("pending")
    });
    assert!(s.contains("shared.example."), "{s}");
    assert!(
        !s.contains("workspace.example."),
        "only the file's domains: {s}"
    );
    t.keys(&["q"]);
    t.assert_terminal_sane();
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_brings_the_screen_back() {
    let Some(t) = Tmux::start("suspend", 100, 30, &[]) else {
        return;
    };
    t.run("--demo healthy.example");
    t.wait_for("the report", |s| s.contains("mx2.healthy.example."));
    t.keys(&["l"]);
    t.wait_for("→ moves to the hosts pane", |s| s.contains("┏ MX hosts"));
    t.keys(&["C-z"]);
    let s = t.wait_for("the shell", |s| {
        s.contains("Stopped") || s.contains("stopped")
    });
    assert!(!s.contains("MX hosts"), "the main screen is back: {s}");
    // The shell has a sane terminal while mxlens waits.
    t.type_text("stty -a | grep -o ' -icanon\\| icanon'");
    t.keys(&["Enter"]);
    t.wait_for("canonical mode", |s| s.lines().any(|l| l == " icanon"));
    t.type_text("fg");
    t.keys(&["Enter"]);
    t.wait_for("the whole screen again", |s| {
        s.contains("┏ MX hosts · healthy.example.") && s.contains("mx2.healthy.example.")
    });
    t.keys(&["h"]);
    t.wait_for("← back to the domains", |s| s.contains("┏ Domains"));
    t.keys(&["q"]);
    t.assert_terminal_sane();
}

#[test]
fn terminal_is_restored_after_a_panic() {
    let Some(t) = Tmux::start("panic", 100, 30, &[]) else {
        return;
    };
    // No backtrace, so the message stays on the screen.
    t.type_text("export MXLENS_TEST_PANIC=1 RUST_BACKTRACE=0");
    t.keys(&["Enter"]);
    t.run("--demo healthy.example");
    let s = t.wait_for("the panic message", |s| {
        s.contains("MXLENS_TEST_PANIC is set")
    });
    assert!(s.contains("panicked"), "{s}");
    t.assert_terminal_sane();
}

#[test]
fn bad_domain_is_refused_before_the_terminal_changes() {
    let Some(t) = Tmux::start("baddomain", 100, 20, &[]) else {
        return;
    };
    t.run("--demo 'bad..name'");
    let s = t.wait_for("the error", |s| s.contains("mxlens:"));
    assert!(s.contains("\"bad..name\""), "{s}");
    t.assert_terminal_sane();
}

#[test]
fn y_copies_a_host_as_zone_lines_through_osc52_into_tmux() {
    let Some(t) = Tmux::start("osc52", 120, 34, &[]) else {
        return;
    };
    t.tmux(&["set", "-g", "set-clipboard", "on"]);
    // Without the security lookups: their PTR comments would join the
    // copy at a moment of their own (tests/tui_security.rs covers that).
    t.run("--demo --no-security --clipboard osc52 healthy.example");
    t.wait_for("the report", |s| s.contains("mx2.healthy.example."));
    t.keys(&["Enter", "y"]);
    let s = t.wait_for("the copy", |s| s.contains("→ terminal (OSC 52)"));
    assert!(
        s.contains("3 records as zone lines → terminal (OSC 52)"),
        "{s}"
    );
    let buffer = t.tmux(&["show-buffer"]);
    let lines: Vec<String> = buffer
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        lines,
        [
            "healthy.example. 300 IN MX 10 mx1.healthy.example.",
            "mx1.healthy.example. 60 IN A 192.0.2.10",
            "mx1.healthy.example. 60 IN AAAA 2001:db8::10",
        ],
        "{buffer:?}"
    );
    // The picker: Y, down to dig, Enter.
    t.keys(&["Y"]);
    t.wait_for("the picker", |s| {
        s.contains("Copy host mx1.healthy.example. as")
    });
    t.keys(&["j", "Enter"]);
    t.wait_for("the dig copy", |s| s.contains("2 dig commands → terminal"));
    let buffer = t.tmux(&["show-buffer"]);
    assert!(
        buffer
            .lines()
            .any(|l| l.starts_with("dig +noall +answer mx1.healthy.example A ")),
        "{buffer:?}"
    );
    t.keys(&["q"]);
    t.assert_terminal_sane();
}

#[test]
fn a_silent_upstream_shows_a_timeout_and_the_app_stays_usable() {
    // A bound UDP socket that never answers: every query times out.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let Some(t) = Tmux::start("timeout", 100, 30, &[]) else {
        return;
    };
    t.run(&format!(
        "--resolver {addr} --timeout 0.3 a.example b.example"
    ));
    let s = t.wait_for("the timeouts", |s| s.contains("2 failed"));
    assert!(row_of(&s, "a.example.").contains("timeout"), "{s}");
    assert!(
        s.contains("lookup failed (timeout): press r to retry"),
        "{s}"
    );
    t.keys(&["j"]);
    t.wait_for("moved", |s| s.contains("MX hosts · b.example."));
    t.keys(&["r"]);
    t.wait_for("re-query runs", |s| {
        s.contains("looking up b.example. again")
    });
    t.wait_for("and fails again", |s| {
        s.contains("2 failed") && !s.contains("pending")
    });
    t.keys(&["?"]);
    t.wait_for("help", |s| s.contains("drill down"));
    t.keys(&["q"]);
    t.assert_terminal_sane();
    drop(silent);
}

#[test]
fn two_resolvers_that_disagree_are_compared() {
    // Two real servers in this process: the second publishes a backup MX
    // for cmp.test. that the first does not; both agree on same.test.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let same = "@ MX 10 mx\nmx A 192.0.2.5";
    let (a, b) = rt.block_on(async {
        let a = support::TestDns::start(&[
            ("cmp.test.", "@ MX 10 mx1\nmx1 A 192.0.2.1"),
            ("same.test.", same),
        ])
        .await;
        let b = support::TestDns::start(&[
            (
                "cmp.test.",
                "@ MX 10 mx1\n@ MX 20 mx2\nmx1 A 192.0.2.1\nmx2 A 192.0.2.2",
            ),
            ("same.test.", same),
        ])
        .await;
        (a, b)
    });
    let (a, b) = (a.addr(), b.addr());
    let Some(t) = Tmux::start("compare", 120, 34, &[]) else {
        return;
    };
    t.run(&format!("--resolver {a} --resolver {b} cmp.test same.test"));
    let s = t.wait_for("both resolvers' answers", |s| {
        s.contains("Domains (2)") && !s.contains("pending")
    });
    assert!(row_of(&s, "cmp.test.").contains('≠'), "{s}");
    assert!(row_of(&s, "same.test.").contains('='), "{s}");
    assert!(
        s.contains(&format!("2 domains · 1 differs · 2 resolvers: {a}, {b}")),
        "{s}"
    );
    // The panes show the primary: one host.
    assert!(s.contains("MX hosts · cmp.test."), "{s}");
    assert!(!s.contains("mx2.cmp.test."), "{s}");

    t.keys(&["="]);
    // The lab's NS name has no address: said, not hidden.
    let s = t.wait_for("the compare view with its authorities", |s| {
        s.contains("Resolvers and authorities · cmp.test.")
            && s.contains("ns1.lab.test.  no answer (no-address)")
    });
    assert!(s.contains(&format!("• {a} (primary)  mx · 1 host")), "{s}");
    assert!(s.contains(&format!("≠ {b}  mx · 2 hosts")), "{s}");
    assert!(s.contains("+ MX 20 mx2.cmp.test."), "{s}");
    assert!(s.contains("+ mx2.cmp.test. 192.0.2.2"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("the view closed", |s| !s.contains("authorities ·"));

    // The other domain: they agree.
    t.keys(&["j"]);
    t.wait_for("same.test. selected", |s| {
        s.contains("MX hosts · same.test.")
    });
    t.keys(&["="]);
    t.wait_for("agreement", |s| s.contains("= both resolvers agree"));
    t.keys(&["="]);
    t.wait_for("the view closed", |s| !s.contains("authorities ·"));

    t.keys(&["q"]);
    t.assert_terminal_sane();
    drop(rt);
}

#[test]
fn without_a_terminal_it_points_to_check() {
    let out = Command::new(BIN)
        .args(["--demo"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("needs a terminal") && err.contains("mxlens check"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "no escape sequences on a pipe");
}
