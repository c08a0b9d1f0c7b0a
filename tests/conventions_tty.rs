//! Conventions that need a real terminal (a private tmux server): bulk
//! progress and its summary on stderr, the TUI's remembered session,
//! configured keys and theme.
//!
//! The harness gives every run its own XDG directories; lookups go to the
//! demo or to a silent server on loopback, never to the system resolver.

mod support;

use support::SilentServer;
use support::tmux::Tmux;

#[test]
fn bulk_progress_and_summary_show_on_the_terminal_but_not_in_the_output() {
    let Some(t) = Tmux::start("progress", 120, 30, &[]) else {
        return;
    };
    // Three domains nobody answers for: each takes a timeout and a retry,
    // so the line is on screen long enough to be seen.
    let silent = SilentServer::start();
    let list = t.path("list.txt");
    std::fs::write(&list, "a.test\nb.test\n# a comment\nc.test\n").unwrap();
    let out = t.path("out.jsonl");
    t.run(&format!(
        "check @{} --timeout 0.4 --concurrency 1 --format json --file {} > {}",
        silent.addr(),
        list.display(),
        out.display()
    ));
    let screen = t.wait_for("progress with done/total", |s| {
        s.contains("checking: 1/3 (33%)")
    });
    assert!(screen.contains("/s"), "rate shown: {screen}");
    assert!(screen.contains("1 failed"), "failures shown: {screen}");
    let screen = t.wait_for("the summary", |s| s.contains("checked 3 domains"));
    assert!(
        screen.contains("0 clean; 3 failed, 0 lines skipped"),
        "{screen}"
    );
    assert!(!screen.contains("checking:"), "progress erased: {screen}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count(), 3, "{written}");
    assert!(!written.contains('\x1b') && !written.contains("checking"));
}

/// The row of the domains pane (or any line) that mentions `name`.
fn row_of<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("{name} not on screen:\n{screen}"))
}

#[test]
fn the_tui_reopens_the_last_session_unless_told_otherwise() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dns = rt.block_on(support::TestDns::start(&[
        (
            "one.test.",
            "@ MX 10 mx1\n@ MX 20 mx2\nmx1 A 192.0.2.1\nmx2 A 192.0.2.2",
        ),
        ("two.test.", "@ MX 10 mx\nmx A 192.0.2.3"),
        ("three.test.", "@ MX 10 mx\nmx A 192.0.2.4"),
    ]));
    let at = format!("@{}", dns.addr());
    let Some(t) = Tmux::start("session", 120, 34, &[]) else {
        return;
    };
    let saved = t.path("state").join("mxlens/session.json");

    // A session: two domains, the first host of one.test. down, postfix.
    t.run(&format!("{at} two.test one.test"));
    t.wait_for("both reports", |s| {
        s.contains("Domains (2)") && !s.contains("pending")
    });
    t.keys(&["j"]);
    t.wait_for("one.test. selected", |s| s.contains("MX hosts · one.test."));
    t.keys(&["Enter", "Space"]);
    t.wait_for("mx1 down", |s| s.contains("mx1.one.test. marked down"));
    t.keys(&["p"]);
    t.wait_for("postfix", |s| s.contains("sender profile: postfix"));
    // An MTA-STS sender and a DNS outage are remembered too.
    t.keys(&["e"]);
    t.wait_for("mta-sts", |s| s.contains("enforces mta-sts"));
    t.keys(&["D"]);
    t.wait_for("the DNS outage", |s| s.contains("DNS down"));
    t.keys(&["q"]);
    t.assert_terminal_sane();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(json["schema"], "mxlens/session/v1");
    assert_eq!(json["profile"], "postfix");
    assert_eq!(json["enforce"], "mta-sts");
    assert_eq!(json["dns_down"], true);
    assert_eq!(json["selected"], 1);
    assert_eq!(json["domains"][0]["name"], "two.test.");
    assert_eq!(json["domains"][1]["down_hosts"][0], "mx1.one.test.");
    let leftovers: Vec<_> = std::fs::read_dir(saved.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["session.json"], "no temporary file left");

    // Nothing named: the same domains, outage, selection and profile.
    t.run(&at);
    let s = t.wait_for("the remembered session", |s| {
        s.contains("Domains (2)") && !s.contains("pending")
    });
    assert!(s.contains("reopened the last session: 2 domains"), "{s}");
    assert!(s.contains("MX hosts · one.test."), "selection kept: {s}");
    assert!(row_of(&s, "mx1.one.test.").contains("DOWN"), "{s}");
    assert!(s.contains("postfix"), "{s}");
    assert!(
        s.contains("enforces mta-sts") && s.contains("DNS down"),
        "{s}"
    );
    t.keys(&["q"]);
    t.assert_terminal_sane();

    // --fresh: nothing from it.
    t.run(&format!("{at} --fresh"));
    let s = t.wait_for("an empty list", |s| s.contains("Domains (0)"));
    assert!(!s.contains("one.test."), "{s}");
    t.keys(&["q"]);
    t.assert_terminal_sane();

    // Domains on the command line win, and become the last session.
    t.run(&format!("three.test {at}"));
    let s = t.wait_for("the named domain", |s| {
        s.contains("Domains (1)") && !s.contains("pending")
    });
    assert!(!s.contains("two.test."), "{s}");
    t.keys(&["q"]);
    t.assert_terminal_sane();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(json["domains"].as_array().unwrap().len(), 1);
    assert_eq!(json["domains"][0]["name"], "three.test.");
    drop(rt);
}

#[test]
fn configured_keys_drive_the_tui_and_its_help() {
    let Some(t) = Tmux::start("keys", 120, 40, &[]) else {
        return;
    };
    let config = t.path("config").join("mxlens/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "[keys]\nquit = \"Q\"\nhelp = \"H\"\n").unwrap();
    t.run("--demo");
    let all = format!("Domains ({})", mxlens::dns::demo::DEMO_DOMAINS.len());
    t.wait_for("the demo", |s| s.contains(&all));
    // The hints show the new keys.
    let s = t.wait_for("hints", |s| s.contains("Q quit"));
    assert!(s.contains("H help"), "{s}");
    t.keys(&["H"]);
    let s = t.wait_for("the help overlay", |s| s.contains("show / hide this help"));
    assert!(row_of(&s, "show / hide this help").contains(" H "), "{s}");
    t.keys(&["H"]);
    t.wait_for("help closed", |s| !s.contains("show / hide this help"));
    // q no longer quits: keys are handled in order, so the help that the
    // next key opens proves the app is still running after it.
    t.keys(&["q", "H"]);
    t.wait_for("help again, after q", |s| {
        s.contains("show / hide this help")
    });
    t.keys(&["H"]);
    t.wait_for("help closed", |s| !s.contains("show / hide this help"));
    t.keys(&["Q"]);
    t.assert_terminal_sane();
}

#[test]
fn the_tui_opens_a_file_of_domains_and_names_a_bad_line() {
    let Some(t) = Tmux::start("tuifile", 120, 34, &[]) else {
        return;
    };
    let list = t.path("list.txt");
    std::fs::write(
        &list,
        "# clients\nhealthy.example\n\nnullmx.example # null MX\n",
    )
    .unwrap();
    t.run(&format!("--demo --file {}", list.display()));
    let s = t.wait_for("the file's domains", |s| {
        s.contains("Domains (2)") && !s.contains("pending")
    });
    assert!(s.contains("nullmx.example."), "{s}");
    t.keys(&["q"]);
    t.assert_terminal_sane();
    std::fs::write(&list, "healthy.example\nbad..name\n").unwrap();
    t.run(&format!("--demo --file {}", list.display()));
    let s = t.wait_for("the error", |s| s.contains("line 2"));
    assert!(s.contains("bad..name"), "{s}");
}

/// The screen with its colours (SGR sequences as tmux keeps them).
fn colours(t: &Tmux) -> String {
    t.tmux(&["capture-pane", "-e", "-p", "-t", "e2e"])
}

#[test]
fn the_theme_and_color_reach_the_tui() {
    let Some(t) = Tmux::start("theme", 120, 34, &[]) else {
        return;
    };
    let all = format!("Domains ({})", mxlens::dns::demo::DEMO_DOMAINS.len());
    let ready = |s: &str| s.contains(&all) && !s.contains("pending");
    // Dark (the default): warnings in yellow.
    t.run("--demo");
    t.wait_for("the demo", ready);
    assert!(
        colours(&t).contains("\x1b[38;5;3m"),
        "yellow: {}",
        colours(&t)
    );
    t.keys(&["q"]);
    t.assert_terminal_sane();
    // Light, from the configuration: magenta instead, no yellow.
    let config = t.path("config").join("mxlens/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "theme = \"light\"\n").unwrap();
    t.run("--demo");
    t.wait_for("the demo", ready);
    let screen = colours(&t);
    assert!(screen.contains("\x1b[38;5;5m"), "magenta: {screen}");
    assert!(!screen.contains("\x1b[38;5;3m"), "no yellow: {screen}");
    t.keys(&["q"]);
    t.assert_terminal_sane();
    // --color never: no colour at all, the selection still in reverse video.
    t.run("--demo --color never");
    t.wait_for("the demo", ready);
    let screen = colours(&t);
    assert!(!screen.contains("38;5;"), "no colour: {screen}");
    assert!(screen.contains("7m"), "reverse video: {screen}");
    t.keys(&["q"]);
    t.assert_terminal_sane();
}
