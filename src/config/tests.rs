use std::path::Path;

use crossterm::event::{KeyCode, KeyModifiers};

use super::settings::{Flags, Settings, Source};
use super::*;

fn invalid(text: &str) -> (usize, usize, String) {
    match parse(text, Path::new("/cfg/config.toml")) {
        Err(ConfigError::Invalid {
            line,
            column,
            message,
            ..
        }) => (line, column, message),
        other => panic!("expected an error for {text:?}, got {other:?}"),
    }
}

fn config(text: &str) -> Config {
    Config {
        path: None,
        found: true,
        file: parse(text, Path::new("config.toml")).unwrap(),
    }
}

#[test]
fn an_empty_file_means_defaults() {
    let s = Settings::merge(config(""), &Flags::default()).unwrap();
    assert!(s.resolvers.value.is_empty());
    assert_eq!(s.timeout.value, 2.0);
    assert_eq!(s.timeout.source, Source::Default);
    assert_eq!(s.theme.value, ThemeName::Dark);
    assert_eq!(s.color.value, ColorChoice::Auto);
    assert_eq!(s.profile, crate::mx::failover::Profile::rfc());
    let quit = s.keys.iter().find(|k| k.value.0 == Action::Quit).unwrap();
    assert_eq!(quit.value.1.len(), 2);
    assert_eq!(quit.source, Source::Default);
}

const FULL: &str = r#"
resolvers = ["127.0.0.1:5353", "::1"]
timeout = 0.5
theme = "light"
color = "never"

[sender]
profile = "postfix"
address_limit = 3
connect_timeout = 10

[keys]
add = "n"
quit = ["q", "ctrl-q"]

[lists]
clients = ["Example.COM", "user@example.org"]
"#;

#[test]
fn every_key_is_read_with_its_line() {
    let s = Settings::merge(config(FULL), &Flags::default()).unwrap();
    assert_eq!(
        s.resolvers.value,
        vec![
            "127.0.0.1:5353".parse().unwrap(),
            "[::1]:53".parse().unwrap()
        ]
    );
    assert_eq!(s.resolvers.source, Source::File(2));
    assert_eq!(s.timeout.value, 0.5);
    assert_eq!(s.theme.value, ThemeName::Light);
    assert_eq!(s.color.value, ColorChoice::Never);
    assert_eq!(s.profile.name, "postfix");
    assert_eq!(s.profile.address_limit, Some(3));
    assert_eq!(s.profile.connect_timeout_s, 10.0);
    assert_eq!(s.profile_sources[1], Source::File(9));
    let table = s.key_table();
    let add = table.iter().find(|(a, _)| *a == Action::Add).unwrap();
    assert_eq!(add.1[0].code, KeyCode::Char('n'));
    let quit = table.iter().find(|(a, _)| *a == Action::Quit).unwrap();
    assert_eq!(quit.1[1].mods, KeyModifiers::CONTROL);
    assert_eq!(
        s.lists()["clients"].value,
        vec!["example.com.".to_string(), "example.org.".to_string()]
    );
}

#[test]
fn flags_win_over_the_file() {
    let flags = Flags {
        resolvers: vec!["127.0.0.2:53".parse().unwrap()],
        timeout: Some(3.0),
        color: Some(ColorChoice::Always),
        profile: Some("rfc".into()),
        connect_timeout: Some(5.0),
        ..Flags::default()
    };
    let s = Settings::merge(config(FULL), &flags).unwrap();
    assert_eq!(s.resolvers.value, flags.resolvers);
    assert_eq!(s.resolvers.source, Source::Flag("--resolver"));
    assert_eq!(s.timeout.value, 3.0);
    assert_eq!(s.color.value, ColorChoice::Always);
    assert_eq!(s.profile.name, "rfc");
    assert_eq!(s.profile.connect_timeout_s, 5.0);
    // The file's override of a field the flags leave alone still applies.
    assert_eq!(s.profile.address_limit, Some(3));
    // --demo replaces the file's resolvers too.
    let demo = Settings::merge(
        config(FULL),
        &Flags {
            demo: true,
            ..Flags::default()
        },
    )
    .unwrap();
    assert!(demo.resolvers.value.is_empty());
}

#[test]
fn a_malformed_file_names_line_and_column() {
    let (line, column, message) = invalid("timeout = 2\ntheme = \"dark\n");
    assert_eq!((line, column), (2, 14), "{message}");
    assert!(!message.contains('\n'));
    let (line, column, _) = invalid("[sender]\nprofile = = 1\n");
    assert_eq!((line, column), (2, 11));
    let e = parse("a = [", Path::new("/cfg/config.toml")).unwrap_err();
    let shown = e.to_string();
    assert!(shown.starts_with("/cfg/config.toml:1:"), "{shown}");
    assert_eq!(shown.lines().count(), 1, "{shown}");
}

#[test]
fn an_unknown_key_is_named_with_its_line() {
    let (line, column, message) = invalid("timeout = 2\ncolour = \"never\"\n");
    assert_eq!((line, column), (2, 1));
    assert!(message.contains("unknown key `colour`"), "{message}");
    let (line, _, message) = invalid("[sender]\nprofile = \"rfc\"\nretries = 3\n");
    assert_eq!(line, 3);
    assert!(message.contains("retries"), "{message}");
}

#[test]
fn values_of_the_wrong_kind_or_range_are_errors() {
    assert_eq!(invalid("timeout = \"fast\"\n").0, 1);
    let (line, column, message) = invalid("\n\ntimeout = 600\n");
    assert_eq!((line, column), (3, 11));
    assert!(message.contains("600"), "{message}");
    let (line, column, message) = invalid("resolvers = [\"127.0.0.1\", \"dns.example\"]\n");
    assert_eq!((line, column), (1, 27));
    assert!(message.contains("dns.example"), "{message}");
    assert!(
        invalid("theme = \"solarized\"")
            .2
            .contains("dark, light or mono")
    );
    assert!(
        invalid("[sender]\nprofile = \"exim4\"")
            .2
            .contains("rfc or postfix")
    );
    let (line, _, message) = invalid("[sender]\nmin_backoff = 600\nmax_backoff = 60\n");
    assert_eq!(line, 3, "{message}");
    assert_eq!(invalid("[lists]\nx = [\"a..b\"]\n").0, 2);
    assert!(invalid("[lists]\nx = []\n").2.contains("empty"));
}

#[test]
fn control_characters_from_the_file_are_escaped_in_errors() {
    let (_, _, message) = invalid("\"evil\\u001b[2J\" = 1\n");
    assert!(!message.contains('\u{1b}'), "{message:?}");
    assert!(message.contains("evil"), "{message}");
    let c = config("[lists]\n\"x\\u001b[31m\" = [\"a.test\"]\n");
    let e = c.list("nope").unwrap_err();
    assert!(!e.contains('\u{1b}'), "{e:?}");
}

#[test]
fn an_unknown_action_is_named_with_its_line() {
    let (line, column, message) = invalid("[keys]\nadd = \"n\"\nfly = \"f\"\n");
    assert_eq!((line, column), (3, 1));
    assert!(message.contains("unknown action \"fly\""), "{message}");
    assert!(
        message.contains("toggle-down"),
        "lists the actions: {message}"
    );
}

#[test]
fn a_key_bound_twice_is_named_with_its_line() {
    // Twice in the file.
    let (line, _, message) = invalid("[keys]\nadd = \"n\"\nremove = [\"x\", \"n\"]\n");
    assert_eq!(line, 3);
    assert!(message.contains("\"n\" is bound twice"), "{message}");
    // Against a default the file keeps: x clears outages by default.
    let (line, _, message) = invalid("[keys]\n\nadd = \"x\"\n");
    assert_eq!(line, 3);
    assert!(message.contains("clear-outages"), "{message}");
    // Moving the default away makes it fine.
    assert!(
        parse(
            "[keys]\nadd = \"x\"\nclear-outages = \"X\"\n",
            Path::new("c")
        )
        .is_ok()
    );
    // ctrl-C and ctrl-c are the same press.
    assert!(invalid("[keys]\nhelp = \"ctrl-C\"\n").2.contains("quit"));
    // The same action under two spellings.
    assert!(
        invalid("[keys]\npage-up = \"u\"\npage_up = \"U\"\n")
            .2
            .contains("twice")
    );
    assert!(invalid("[keys]\nquit = []\n").2.contains("no key"));
    assert!(
        invalid("[keys]\nquit = \"hyper-q\"\n")
            .2
            .contains("not a key")
    );
}

#[test]
fn the_printed_configuration_reads_back_the_same() {
    let s = Settings::merge(config(FULL), &Flags::default()).unwrap();
    let text = s.to_toml();
    let again = Settings::merge(config(&text), &Flags::default()).unwrap();
    assert_eq!(again.resolvers.value, s.resolvers.value);
    assert_eq!(again.timeout.value, s.timeout.value);
    assert_eq!(again.theme.value, s.theme.value);
    assert_eq!(again.color.value, s.color.value);
    assert_eq!(again.profile, s.profile);
    assert_eq!(key_names(&again), key_names(&s));
    assert_eq!(again.lists()["clients"].value, s.lists()["clients"].value);
    assert!(text.contains("# config line 3"), "{text}");
    assert!(text.contains("# default"), "{text}");
    // The defaults print and read back too.
    let d = Settings::merge(config(""), &Flags::default()).unwrap();
    let back = Settings::merge(config(&d.to_toml()), &Flags::default()).unwrap();
    assert_eq!(back.profile, d.profile);
    assert_eq!(key_names(&back), key_names(&d));
}

#[test]
fn security_settings_come_from_the_file_or_the_flags() {
    let text =
        "[security]\ncheck = true\ntrust_anchor = \"anchors.txt\"\nca_file = \"/etc/ca.pem\"\n";
    let mut c = config(text);
    c.path = Some(ConfigPath {
        path: "/home/u/.config/mxlens/config.toml".into(),
        origin: PathOrigin::Default,
    });
    let s = Settings::merge(c.clone(), &Flags::default()).unwrap();
    assert!(s.security.value);
    assert_eq!(s.security.source, Source::File(2));
    // A relative path is the file's directory's; an absolute one stays.
    assert_eq!(
        s.trust_anchor.as_deref(),
        Some(Path::new("/home/u/.config/mxlens/anchors.txt"))
    );
    assert_eq!(s.ca_file.as_deref(), Some(Path::new("/etc/ca.pem")));
    assert_eq!(s.security_sources[0], Source::File(3));
    // The flags win: --no-security, --ca-file.
    let flags = Flags {
        security: Some(false),
        ca_file: Some("/tmp/other.pem".into()),
        ..Flags::default()
    };
    let s2 = Settings::merge(c, &flags).unwrap();
    assert!(!s2.security.value);
    assert_eq!(s2.security.source, Source::Flag("--no-security"));
    assert_eq!(s2.ca_file.as_deref(), Some(Path::new("/tmp/other.pem")));
    assert_eq!(s2.security_sources[1], Source::Flag("--ca-file"));
    // Printed and read back; unset paths print as comments.
    let printed = s.to_toml();
    assert!(printed.contains("[security]\ncheck = true"), "{printed}");
    let back = Settings::merge(config(&printed), &Flags::default()).unwrap();
    assert!(back.security.value);
    assert_eq!(back.trust_anchor, s.trust_anchor);
    let d = Settings::merge(config(""), &Flags::default()).unwrap();
    assert!(!d.security.value);
    // The TUI runs them unless the file or --no-security says otherwise.
    assert!(d.tui_security.value);
    let off = Settings::merge(config("[security]\ntui = false\n"), &Flags::default()).unwrap();
    assert!(!off.tui_security.value);
    assert_eq!(off.tui_security.source, Source::File(2));
    assert!(off.to_toml().contains("tui = false"), "{}", off.to_toml());
    let flag = Flags {
        tui_security: Some(false),
        ..Flags::default()
    };
    assert!(
        !Settings::merge(config(""), &flag)
            .unwrap()
            .tui_security
            .value
    );
    assert!(
        d.to_toml().contains("# trust_anchor is not set"),
        "{}",
        d.to_toml()
    );
    // Wrong kinds and unknown keys are errors with their line.
    let (line, _, msg) = invalid("[security]\ncheck = \"yes\"\n");
    assert_eq!(line, 2, "{msg}");
    let (line, _, msg) = invalid("[security]\nca_file = \"\"\n");
    assert_eq!(line, 2);
    assert!(msg.contains("security.ca_file is empty"), "{msg}");
    let (_, _, msg) = invalid("[security]\nverify = true\n");
    assert!(msg.contains("unknown key"), "{msg}");
}

fn key_names(s: &Settings) -> Vec<(Action, Vec<String>)> {
    use crate::tui::keyspec::key_name;
    s.key_table()
        .into_iter()
        .map(|(a, keys)| {
            let mut names: Vec<String> = keys.iter().map(key_name).collect();
            names.dedup();
            (a, names)
        })
        .collect()
}

#[test]
fn toml_strings_escape_control_and_bidi_characters() {
    use super::settings::toml_string;
    assert_eq!(toml_string("a\"b\\c"), r#""a\"b\\c""#);
    assert_eq!(
        toml_string("x\u{7f}\u{9b}\u{202e}"),
        r#""x\u007F\u009B\u202E""#
    );
}

#[test]
fn line_and_column_count_characters() {
    assert_eq!(line_column("ab\ncdé\nf", 0), (1, 1));
    assert_eq!(line_column("ab\ncdé\nf", 3), (2, 1));
    assert_eq!(line_column("ab\ncdé\nf", 8), (3, 1));
    assert_eq!(line_column("é", 1), (1, 1));
}
