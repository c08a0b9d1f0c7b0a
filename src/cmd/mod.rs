//! The subcommands' handlers. Each returns the process exit code.

pub mod check;
pub mod compare;
pub mod completions;
pub mod config;
pub mod diff;
mod lines;
pub mod man;
pub mod progress;
pub mod serve_demo;
pub mod simulate;
pub mod tui;
pub mod watch;

use crate::dns::demo::DEMO_DOMAINS;

/// The domains given, or, when none are and `demo` is set, every demo domain.
pub fn domains_or_demo(domains: &[String], demo: bool) -> Vec<String> {
    if domains.is_empty() && demo {
        DEMO_DOMAINS.iter().map(|d| (*d).to_string()).collect()
    } else {
        domains.to_vec()
    }
}

/// Exit codes (DESIGN §4).
pub mod exit {
    /// No finding of severity `error`.
    pub const OK: i32 = 0;
    /// At least one `error` finding, or a domain that does not exist.
    pub const FINDINGS: i32 = 1;
    /// Usage error, or a lookup that could not be completed.
    pub const USAGE_OR_LOOKUP: i32 = 2;
}

/// The security lookups' options: `--ca-file` (added to the system roots),
/// `--trust-anchor` (replacing the root key), and `MXLENS_MTA_STS_PORT`, a
/// lab setting that moves the policy fetch off port 443.
///
/// With `--demo` (`demo` is the running demo), the demo's own CA and trust
/// anchor are used instead of the system roots and the root key (with
/// `--ca-file` and `--trust-anchor` added to them), and the policy fetch
/// goes to the demo's policy host. The demo CA never enters another run.
pub fn security_options(
    settings: &crate::config::settings::Settings,
    demo: Option<&crate::dns::demo::DemoServer>,
) -> anyhow::Result<crate::dns::security::SecurityOptions> {
    use std::sync::Arc;

    use crate::dns::security::{SecurityOptions, dnssec::read_anchor_file, read_pem};

    let anchor_file = match &settings.trust_anchor {
        Some(path) => Some(read_anchor_file(path)?),
        None => None,
    };
    if let Some(demo) = demo {
        let mut roots = demo.policy_roots();
        if let Some(path) = &settings.ca_file {
            for cert in read_pem(path)? {
                roots.add(cert).map_err(|e| {
                    anyhow::anyhow!(
                        "the CA file \"{}\" has a certificate that cannot be used: {e}",
                        path.display()
                    )
                })?;
            }
        }
        let mut opts = SecurityOptions::with_roots(roots)?;
        opts.https_port = demo.https_port();
        let mut anchor = (*demo.anchor()).clone();
        if let Some(file) = anchor_file {
            anchor.keys.extend(file.keys);
            anchor.ds.extend(file.ds);
        }
        opts.trust_anchor = Some(Arc::new(anchor));
        return Ok(opts);
    }
    let mut opts = SecurityOptions::new(settings.ca_file.as_deref())?;
    opts.trust_anchor = anchor_file.map(Arc::new);
    if let Some(port) = std::env::var_os("MXLENS_MTA_STS_PORT") {
        let text = port.to_string_lossy();
        opts.https_port = text.parse().map_err(|_| {
            anyhow::anyhow!("MXLENS_MTA_STS_PORT \"{text}\" is not a port number (1 to 65535)")
        })?;
        anyhow::ensure!(
            opts.https_port != 0,
            "MXLENS_MTA_STS_PORT is 0; give a port number from 1 to 65535"
        );
    }
    Ok(opts)
}

/// What to make of the single-label arguments among `args` (`chekc`,
/// `localhost`): a word within two edits of a subcommand is a typo, a usage
/// error that names the subcommand; any other single label is looked up as
/// given (it may be a top-level name), with a warning in the returned list.
pub fn single_labels(args: &[String]) -> anyhow::Result<Vec<String>> {
    use clap::CommandFactory;
    let command = crate::cli::Cli::command();
    let subcommands: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
    let mut warnings = Vec::new();
    for arg in args {
        let word = arg.trim().trim_end_matches('.');
        if word.is_empty() || word.contains(['.', '@', ':']) {
            continue;
        }
        let lower = word.to_ascii_lowercase();
        if let Some(sub) = subcommands
            .iter()
            .map(|s| (edit_distance(&lower, s), *s))
            // Short names need a closer match: `mail` is not `man`.
            .filter(|(d, s)| *d <= if s.len() <= 4 { 1 } else { 2 })
            .min()
            .map(|(_, s)| s)
        {
            anyhow::bail!(
                "\"{word}\" is not a domain (it has no dot) and no subcommand; did you mean `mxlens {sub}`?"
            );
        }
        warnings.push(format!(
            "\"{word}\" has no dot: looking it up as the top-level name \"{lower}.\""
        ));
    }
    Ok(warnings)
}

/// Edit distance with adjacent transpositions (optimal string alignment),
/// for short words: `chekc` is one edit from `check`.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("chekc", "check"), 1);
        assert_eq!(edit_distance("cehck", "check"), 1);
        assert_eq!(edit_distance("check", "check"), 0);
        assert_eq!(edit_distance("simulat", "simulate"), 1);
        assert_eq!(edit_distance("", "man"), 3);
    }

    #[test]
    fn typos_are_errors_other_single_labels_warnings() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let e = single_labels(&words(&["chekc", "healthy.example"])).unwrap_err();
        assert!(
            e.to_string().contains("did you mean `mxlens check`?"),
            "{e}"
        );
        let e = single_labels(&words(&["Simulat"])).unwrap_err();
        assert!(e.to_string().contains("`mxlens simulate`"), "{e}");
        let w = single_labels(&words(&[
            "localhost",
            "a.example",
            "user@example",
            "x.y.",
            "mail",
        ]))
        .unwrap();
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].contains("\"localhost.\""), "{w:?}");
    }
}
