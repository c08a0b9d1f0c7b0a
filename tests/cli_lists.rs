//! `mxlens check` with lists in one argument, against the built-in demo
//! server on loopback: every listed domain is checked, every bad one named.

use std::process::Command;

fn check(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mxlens"))
        .env("NO_COLOR", "1")
        .env_remove("MXLENS_LOG")
        .args(["check", "--demo", "--format", "json"])
        .args(args)
        .output()
        .unwrap()
}

fn domains(out: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("one JSON report per line");
            v["domain"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn a_comma_separated_argument_checks_every_domain() {
    let out = check(&[
        "healthy.example,equal.example",
        "workspace.example m365.example",
    ]);
    let mut got = domains(&out);
    got.sort();
    assert_eq!(
        got,
        [
            "equal.example.",
            "healthy.example.",
            "m365.example.",
            "workspace.example."
        ],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn every_bad_item_of_a_list_is_reported_and_the_good_ones_checked() {
    let out = check(&["healthy.example,bad..name,192.0.2.1"]);
    assert_eq!(domains(&out), ["healthy.example."]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"bad..name\" has an empty label"), "{err}");
    assert!(err.contains("192.0.2.1"), "{err}");
    assert_eq!(out.status.code(), Some(2), "{err}");
}

#[test]
fn a_mailto_link_keeps_working() {
    let out = check(&["mailto:postmaster@healthy.example?subject=hello,world"]);
    assert_eq!(domains(&out), ["healthy.example."]);
    assert_eq!(out.status.code(), Some(0));
}
