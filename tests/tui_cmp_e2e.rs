//! The real binary in tmux: mark domains and align them side by side
//! (`m`, `C`), save a snapshot (`s`, with the overwrite question) and open
//! one against the live answers (`o`), against lab servers on loopback.

mod support;

use std::process::Command;

use support::TestDns;
use support::tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_mxlens");

#[test]
fn mark_compare_save_and_open_end_to_end() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let new = "@ MX 1 a.mail.test.\n@ MX 5 b.mail.test.";
    let lab = rt.block_on(TestDns::start(&[
        ("one.test.", new),
        ("two.test.", new),
        ("three.test.", "@ MX 10 mx.old.test."),
        (
            "mail.test.",
            "a A 192.0.2.1\nb A 192.0.2.2\nb AAAA 2001:db8::2",
        ),
        ("old.test.", "mx A 198.51.100.1"),
    ]));
    let addr = lab.addr().to_string();
    let Some(t) = Tmux::start("cmp", 120, 40, &[]) else {
        return;
    };
    // The selected domain's security lookups would add their findings
    // to the live side of the comparison: this test is about snapshots.
    t.run(&format!(
        "--no-security --resolver {addr} one.test two.test three.test"
    ));
    t.wait_for("every report", |s| {
        s.contains("Domains (3)") && !s.contains("pending")
    });

    // m marks (◆, visible without colour); C aligns the marked domains.
    for k in ["m", "j", "m", "j", "m"] {
        t.keys(&[k]);
    }
    let s = t.wait_for("three marks", |s| s.matches('◆').count() == 3);
    assert!(s.contains("◆ three.test."), "{s}");
    t.keys(&["C"]);
    let s = t.wait_for("the side-by-side view", |s| {
        s.contains("Side by side · 3 domains")
    });
    assert!(
        s.contains("5 of 7 tiers differ; three.test. differs from the majority in 5"),
        "{s}"
    );
    let exchanges = s.lines().find(|l| l.contains("≠ exchanges")).unwrap();
    assert!(exchanges.contains("≠ 10 mx.old.test."), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("the view closed", |s| !s.contains("Side by side"));

    // s: save every domain to a file of our choosing.
    let snap = t.path("portfolio.jsonl");
    let shown = snap.display().to_string();
    t.keys(&["s"]);
    t.wait_for("the save prompt", |s| s.contains("Save snapshot"));
    t.keys(&["C-u"]);
    t.type_text(&shown);
    t.keys(&["Enter"]);
    t.wait_for("saved", |s| {
        s.contains(&format!("saved 3 reports to {shown}"))
    });
    let saved = std::fs::read_to_string(&snap).unwrap();
    assert_eq!(saved.lines().count(), 3);
    // The file is a snapshot mxlens diff reads: unchanged against the lab.
    let out = Command::new(BIN)
        .args(["diff", "--resolver", &addr])
        .arg(&snap)
        .env("NO_COLOR", "1")
        .env_remove("MXLENS_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent/mxlens-test")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // s again on the same name: asked first; n keeps the file.
    t.keys(&["s"]);
    t.wait_for("the save prompt", |s| s.contains(&shown));
    t.keys(&["Enter"]);
    t.wait_for("the overwrite question", |s| s.contains("exists."));
    t.keys(&["n"]);
    t.wait_for("kept", |s| s.contains("nothing written"));
    assert_eq!(std::fs::read_to_string(&snap).unwrap(), saved);

    // An older snapshot where two.test.'s backup sat at 20: o shows it.
    let older = t.path("older.jsonl");
    let edited: String = saved
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            if v["domain"] == "two.test." {
                v["mx"][1]["preference"] = 20.into();
            }
            format!("{v}\n")
        })
        .collect();
    std::fs::write(&older, edited).unwrap();
    t.keys(&["o"]);
    t.wait_for("the open prompt", |s| s.contains("Open snapshot"));
    t.keys(&["C-u"]);
    t.type_text(&older.display().to_string());
    t.keys(&["Enter"]);
    let s = t.wait_for("live against the snapshot", |s| {
        s.contains("Live vs snapshot") && s.contains("1 of 3 domains changed")
    });
    assert!(s.contains("= one.test.  same"), "{s}");
    assert!(s.contains("± two.test.  1 change"), "{s}");
    assert!(s.contains("~ preference of b.mail.test.: 20 → 5"), "{s}");
    assert!(s.contains("= three.test.  same"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("the view closed", |s| !s.contains("Live vs snapshot"));
    t.keys(&["q"]);
    t.assert_terminal_sane();
    drop(rt);
}
