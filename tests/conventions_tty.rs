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
