//! Command-line words rewritten before clap sees them: `@server` like dig.
//!
//! `mxlens check @127.0.0.1:5353 example.com` means `--resolver
//! 127.0.0.1:5353`, anywhere among the arguments of the TUI and of every
//! subcommand. A word is left alone after `--` and where it is the value
//! of an option (`--file @list` reads the file `@list`).

use std::collections::HashSet;
use std::ffi::OsString;

/// `args` (program name first) with every `@ADDR` turned into `--resolver=ADDR`.
pub fn expand_at_servers(args: Vec<OsString>, cmd: &clap::Command) -> Vec<OsString> {
    let takes_value = options_with_values(cmd);
    let mut out = Vec::with_capacity(args.len());
    let mut iter = args.into_iter();
    out.extend(iter.next());
    let mut value_next = false;
    let mut rest = false;
    for arg in iter {
        if rest || value_next {
            value_next = false;
            out.push(arg);
            continue;
        }
        let Some(s) = arg.to_str() else {
            out.push(arg);
            continue;
        };
        if s == "--" {
            rest = true;
        } else if let Some(server) = s.strip_prefix('@').filter(|r| !r.is_empty()) {
            out.push(OsString::from(format!("--resolver={server}")));
            continue;
        } else if !s.contains('=') && takes_value.contains(s) {
            value_next = true;
        }
        out.push(arg);
    }
    out
}

/// `--long` and `-s` spellings of every option that takes a value, in `cmd`
/// and its subcommands.
fn options_with_values(cmd: &clap::Command) -> HashSet<String> {
    let mut set = HashSet::new();
    let mut stack = vec![cmd];
    while let Some(c) = stack.pop() {
        for arg in c.get_arguments() {
            if arg.is_positional() || !arg.get_action().takes_values() {
                continue;
            }
            for long in arg.get_long_and_visible_aliases().into_iter().flatten() {
                set.insert(format!("--{long}"));
            }
            for short in arg.get_short_and_visible_aliases().into_iter().flatten() {
                set.insert(format!("-{short}"));
            }
        }
        stack.extend(c.get_subcommands());
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn expand(args: &[&str]) -> Vec<String> {
        let args = args.iter().map(OsString::from).collect();
        expand_at_servers(args, &crate::cli::Cli::command())
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn at_server_becomes_resolver_anywhere() {
        assert_eq!(
            expand(&["mxlens", "check", "@127.0.0.1:5353", "example.com"]),
            [
                "mxlens",
                "check",
                "--resolver=127.0.0.1:5353",
                "example.com"
            ]
        );
        assert_eq!(
            expand(&["mxlens", "@::1", "a.test", "@127.0.0.2"]),
            ["mxlens", "--resolver=::1", "a.test", "--resolver=127.0.0.2"]
        );
    }

    #[test]
    fn option_values_and_words_after_double_dash_are_kept() {
        assert_eq!(
            expand(&["mxlens", "check", "--file", "@list", "@127.0.0.1"]),
            ["mxlens", "check", "--file", "@list", "--resolver=127.0.0.1"]
        );
        assert_eq!(
            expand(&["mxlens", "check", "--file=x", "@127.0.0.1", "--", "@a"]),
            [
                "mxlens",
                "check",
                "--file=x",
                "--resolver=127.0.0.1",
                "--",
                "@a"
            ]
        );
        assert_eq!(expand(&["mxlens", "@"]), ["mxlens", "@"]);
    }
}
