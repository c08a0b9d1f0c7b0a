//! The conventions of a well-kept CLI, on the real binary: the
//! configuration file, `mxlens config`, `@server`, `--color`, shell
//! completions, the man page, and bulk progress staying off pipes.
//!
//! Every run gets its own XDG directories (the user's files are never read)
//! and looks things up only on `--demo` or the lab's server on loopback.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{TestDns, have_tool};

/// A private home for one test: XDG directories and a config file path.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Writes `$XDG_CONFIG_HOME/mxlens/config.toml`.
    fn config(&self, text: &str) -> PathBuf {
        let p = self.dir.path().join("config/mxlens/config.toml");
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn mxlens(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_mxlens"));
        c.env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("HOME", self.dir.path())
            .env_remove("MXLENS_CONFIG")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("MXLENS_LOG");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.mxlens().args(args).output().unwrap()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The one line of an error run, with exit status 2.
fn one_line_error(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(out.stdout.is_empty());
    err
}

#[test]
fn config_prints_defaults_as_toml_that_names_the_file() {
    let home = Home::new();
    let out = home.run(&["config"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    let path = home.dir.path().join("config/mxlens/config.toml");
    assert!(
        shown.contains(&format!("{} (the default place; not found", path.display())),
        "{shown}"
    );
    let v: toml::Table = toml::from_str(&shown).expect("mxlens config prints valid TOML");
    assert_eq!(v["timeout"].as_float(), Some(2.0));
    assert_eq!(v["sender"]["profile"].as_str(), Some("rfc"));
    assert_eq!(v["keys"]["quit"].as_array().unwrap().len(), 2);
}

#[test]
fn the_file_sets_values_and_flags_win() {
    let home = Home::new();
    home.config(
        "timeout = 1.5\ntheme = \"mono\"\n[sender]\nprofile = \"postfix\"\naddress_limit = 3\n[keys]\nadd = \"n\"\n",
    );
    let out = home.run(&["config"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    let line = |key: &str| {
        shown
            .lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("{key} in {shown}"))
            .to_string()
    };
    assert!(line("timeout").contains("1.5") && line("timeout").ends_with("# config line 1"));
    assert!(line("profile").contains("postfix"));
    assert!(line("address_limit").contains('3'));
    assert!(line("add").contains("[\"n\"]") && line("add").ends_with("# config line 7"));
    // Flags win; the file's other values stay.
    let out = home.run(&["--timeout", "3", "--resolver", "127.0.0.1:5300", "config"]);
    let shown = text(&out.stdout);
    assert!(shown.contains("timeout = 3.0"), "{shown}");
    assert!(shown.contains("# flag --timeout"), "{shown}");
    assert!(
        shown.contains("resolvers = [\"127.0.0.1:5300\"]"),
        "{shown}"
    );
    assert!(shown.contains("profile = \"postfix\""), "{shown}");
    // @server is --resolver for config too.
    let out = home.run(&["config", "@127.0.0.9"]);
    assert!(text(&out.stdout).contains("resolvers = [\"127.0.0.9:53\"]"));
}

#[test]
fn a_malformed_file_is_one_line_with_line_and_column() {
    let home = Home::new();
    let path = home.config("timeout = 2\n[sender\nprofile = \"rfc\"\n");
    let err = one_line_error(&home.run(&["config"]));
    assert!(
        err.starts_with(&format!("mxlens: {}:2:", path.display())),
        "{err}"
    );
    // The file is never rewritten.
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "timeout = 2\n[sender\nprofile = \"rfc\"\n"
    );
}

#[test]
fn an_unknown_key_an_unknown_action_and_a_double_binding_name_their_line() {
    let home = Home::new();
    let path = home.config("timeout = 2\n\ntimout = 3\n");
    let err = one_line_error(&home.run(&["check", "--demo", "healthy.example"]));
    assert!(
        err.contains(&format!("{}:3:1: unknown key `timout`", path.display())),
        "{err}"
    );
    home.config("[keys]\nquit = \"q\"\nteleport = \"t\"\n");
    let err = one_line_error(&home.run(&["config"]));
    assert!(err.contains(":3:1: unknown action \"teleport\""), "{err}");
    home.config("[keys]\nadd = \"q\"\n");
    let err = one_line_error(&home.run(&["config"]));
    assert!(err.contains(":2:7: key \"q\" is bound twice"), "{err}");
    assert!(err.contains("quit"), "{err}");
}

#[test]
fn config_and_mxlens_config_env_name_the_file_and_it_must_exist() {
    let home = Home::new();
    let other = home.dir.path().join("elsewhere.toml");
    std::fs::write(&other, "timeout = 4\n").unwrap();
    let out = home
        .mxlens()
        .env("MXLENS_CONFIG", &other)
        .arg("config")
        .output()
        .unwrap();
    let shown = text(&out.stdout);
    assert!(shown.contains("timeout = 4.0"), "{shown}");
    assert!(shown.contains("given with MXLENS_CONFIG"), "{shown}");
    // --config wins over the variable, and a named file must exist.
    let missing = home.dir.path().join("missing.toml");
    let out = home
        .mxlens()
        .env("MXLENS_CONFIG", &other)
        .args(["--config", missing.to_str().unwrap(), "config"])
        .output()
        .unwrap();
    let err = one_line_error(&out);
    assert!(err.contains("missing.toml"), "{err}");
}

#[test]
fn help_shows_the_configuration_path() {
    let home = Home::new();
    let out = home.run(&["--help"]);
    let help = text(&out.stdout);
    let path = home.dir.path().join("config/mxlens/config.toml");
    assert!(help.contains(&path.display().to_string()), "{help}");
}

#[test]
fn a_named_list_is_checked_in_its_order() {
    let home = Home::new();
    home.config("[lists]\nclients = [\"nullmx.example\", \"user@healthy.example\"]\n");
    let out = home.run(&["check", "--demo", "--list", "clients", "--format", "json"]);
    let domains: Vec<String> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["domain"].to_string())
        .collect();
    assert_eq!(domains, ["\"nullmx.example.\"", "\"healthy.example.\""]);
    let err = one_line_error(&home.run(&["check", "--demo", "--list", "nobody"]));
    assert!(
        err.contains("\"nobody\"") && err.contains("clients"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn at_server_is_the_resolver_anywhere_among_the_arguments() {
    let dns = TestDns::start(&[(
        "lab.test.",
        "@ 300 IN MX 10 mx.lab.test.\nmx 300 IN A 192.0.2.25\n",
    )])
    .await;
    let addr = dns.addr().to_string();
    let home = Home::new();
    // A configured resolver that does not answer: @server must replace it.
    home.config("resolvers = [\"127.0.0.1:9\"]\ntimeout = 0.3\n");
    for args in [
        vec![
            "check",
            "--format",
            "json",
            &*format!("@{addr}"),
            "lab.test",
        ],
        vec![
            &*format!("@{addr}"),
            "check",
            "lab.test",
            "--format",
            "json",
        ],
    ] {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut c = home.mxlens();
        c.args(&args);
        let out = tokio::task::spawn_blocking(move || c.output().unwrap())
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["resolver"], addr.as_str(), "{args:?}");
        assert_eq!(v["outcome"], "mx");
    }
}

#[test]
fn color_follows_the_flag_then_the_environment() {
    let home = Home::new();
    let colored = |env: &[(&str, &str)], args: &[&str]| {
        let mut c = home.mxlens();
        c.args(["check", "--demo", "broken.example"]).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        text(&c.output().unwrap().stdout).contains("\x1b[")
    };
    // stdout is a pipe here: auto means no colour.
    assert!(!colored(&[], &[]));
    assert!(colored(&[], &["--color", "always"]));
    assert!(colored(&[("NO_COLOR", "1")], &["--color", "always"]));
    assert!(colored(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!colored(&[("CLICOLOR_FORCE", "0")], &[]));
    assert!(!colored(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]));
    assert!(!colored(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]));
    home.config("color = \"always\"\n");
    assert!(colored(&[], &[]));
    assert!(!colored(&[], &["--color=never"]));
}

#[test]
fn bulk_progress_stays_off_a_pipe() {
    let home = Home::new();
    let list = home.dir.path().join("list");
    std::fs::write(&list, "healthy.example\nnot a domain\nnullmx.example\n").unwrap();
    let out = home.run(&[
        "check",
        "--demo",
        "--format",
        "json",
        "--file",
        list.to_str().unwrap(),
    ]);
    assert_eq!(text(&out.stdout).lines().count(), 2);
    // Only the skipped line, no progress, no summary.
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("mxlens: skipped "), "{err}");
}

#[test]
fn bash_completions_parse() {
    let home = Home::new();
    let out = home.run(&["completions", "bash"]);
    assert!(out.status.success());
    let script = text(&out.stdout);
    assert!(script.contains("simulate") && script.contains("--resolver"));
    let path = home.dir.path().join("mxlens.bash");
    std::fs::write(&path, &script).unwrap();
    let check = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(check.status.success(), "{}", text(&check.stderr));
    for shell in ["zsh", "fish", "powershell"] {
        let out = home.run(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        assert!(text(&out.stdout).contains("resolver"), "{shell}");
    }
    let err = home.run(&["completions", "tcsh"]);
    assert_eq!(err.status.code(), Some(2));
}

#[test]
fn completions_and_man_work_with_a_broken_config() {
    let home = Home::new();
    home.config("this is not toml");
    assert!(home.run(&["completions", "fish"]).status.success());
    assert!(home.run(&["man"]).status.success());
}

#[test]
fn the_man_page_renders() {
    if !have_tool("man", "man-db") {
        return;
    }
    let home = Home::new();
    let out = home.run(&["man"]);
    assert!(out.status.success());
    let page = home.dir.path().join("mxlens.1");
    std::fs::write(&page, &out.stdout).unwrap();
    let rendered = render(&page);
    for want in [
        "NAME",
        "SYNOPSIS",
        "--resolver",
        "EXIT STATUS",
        "ENVIRONMENT",
        "NO_COLOR",
        "FILES",
        "config.toml",
    ] {
        assert!(rendered.contains(want), "{want} missing:\n{rendered}");
    }
    // One page per command with --dir.
    let dir = home.dir.path().join("man1");
    let out = home.run(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let check = render(&dir.join("mxlens-check.1"));
    assert!(check.contains("--file"), "{check}");
    assert!(render(&dir.join("mxlens.1")).contains("EXIT STATUS"));
}

/// `man -l PAGE` as plain text; fails on any groff warning.
fn render(page: &Path) -> String {
    let out = Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .env("MAN_KEEP_FORMATTING", "")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert!(out.status.success(), "man -l: {}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(!err.contains("warning"), "groff: {err}");
    // Undo overstrike bold/underline should a pager setting leave it in.
    let raw = text(&out.stdout);
    let mut clean = String::new();
    for c in raw.chars() {
        if c == '\u{8}' {
            clean.pop();
        } else {
            clean.push(c);
        }
    }
    clean
}
