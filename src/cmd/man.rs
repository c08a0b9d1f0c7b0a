//! `mxlens man`: the manual page (roff) on standard output, or with
//! `--dir DIR` one page per command written into DIR.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

/// Prints mxlens(1), or writes mxlens.1 and mxlens-SUBCOMMAND.1 into `dir`.
pub fn run(cmd: clap::Command, dir: Option<&Path>) -> anyhow::Result<i32> {
    match dir {
        None => {
            let mut page = Vec::new();
            render(cmd, &mut page)?;
            let mut out = std::io::stdout().lock();
            out.write_all(&page)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create \"{}\"", dir.display()))?;
            // One page per subcommand, then the main page with the extra sections.
            clap_mangen::generate_to(cmd.clone(), dir)
                .with_context(|| format!("cannot write man pages into \"{}\"", dir.display()))?;
            let path = dir.join("mxlens.1");
            let mut page = Vec::new();
            render(cmd, &mut page)?;
            std::fs::write(&path, page)
                .with_context(|| format!("cannot write \"{}\"", path.display()))?;
            eprintln!("mxlens: man pages written to \"{}\"", dir.display());
        }
    }
    Ok(super::exit::OK)
}

/// mxlens(1): clap's sections, then exit status, environment, files and examples.
pub fn render(cmd: clap::Command, w: &mut dyn Write) -> std::io::Result<()> {
    let man = Man::new(cmd.disable_help_subcommand(true)).manual("mxlens manual");
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    let mut roff = Roff::default();
    roff.control("SH", ["DESCRIPTION"]);
    roff.text([roman(
        "With no subcommand mxlens opens the terminal UI on the given domains (with none, on the domains, outages and sender profile of the last session). The subcommands are the scriptable CLI: check, simulate, serve-demo, completions, man and config.",
    )]);
    roff.control("PP", []);
    roff.text([
        bold("@ADDR[:PORT]"),
        roman(" anywhere among the arguments means "),
        bold("--resolver ADDR[:PORT]"),
        roman(", as in dig. Flags win over the configuration file; "),
        bold("mxlens config"),
        roman(" prints the settings in effect and where each comes from."),
    ]);
    roff.to_writer(w)?;
    man.render_options_section(w)?;
    man.render_subcommands_section(w)?;
    let mut roff = Roff::default();
    section(
        &mut roff,
        "EXIT STATUS",
        &[
            (
                "0",
                "no finding of severity error (simulate: delivered; diff-like commands: same)",
            ),
            (
                "1",
                "at least one error finding or a domain that does not exist (simulate: deferred or bounced; diff-like commands: different)",
            ),
            (
                "2",
                "usage error, a bad configuration file, or a lookup that could not be completed",
            ),
        ],
    );
    section(
        &mut roff,
        "ENVIRONMENT",
        &[
            (
                "MXLENS_CONFIG",
                "the configuration file, when --config is not given",
            ),
            (
                "XDG_CONFIG_HOME",
                "where the configuration lives (default ~/.config)",
            ),
            (
                "XDG_STATE_HOME",
                "where the terminal UI remembers its last session (default ~/.local/state)",
            ),
            (
                "NO_COLOR",
                "when set and not empty, no colour (unless --color always)",
            ),
            (
                "CLICOLOR_FORCE",
                "when set and not 0, colour even into pipes (unless --color never or NO_COLOR)",
            ),
            (
                "MXLENS_LOG",
                "a file to write a debug log to; nothing is logged to the terminal",
            ),
        ],
    );
    section(
        &mut roff,
        "FILES",
        &[
            (
                "$XDG_CONFIG_HOME/mxlens/config.toml",
                "the configuration file: resolvers, timeout, sender profile, theme, keys, named domain lists; mxlens never writes it. mxlens config prints the configuration in effect",
            ),
            (
                "$XDG_STATE_HOME/mxlens/session.json",
                "the terminal UI's last domains, outages and profile; --fresh ignores it",
            ),
        ],
    );
    roff.control("SH", ["EXAMPLES"]);
    for (cmd, what) in [
        (
            "mxlens --demo",
            "the terminal UI on the built-in demo zones, no network needed",
        ),
        (
            "mxlens check @127.0.0.1:5353 example.com",
            "check one domain against a given resolver, like dig",
        ),
        (
            "mxlens check --file domains.txt --format json > reports.jsonl",
            "a bulk run, JSON Lines on standard output, progress on the terminal",
        ),
        (
            "mxlens simulate example.com --down mx1.example.com --profile postfix",
            "what a Postfix sender does while one host is down",
        ),
        (
            "mxlens --list clients",
            "open the domain list called clients from the configuration file",
        ),
    ] {
        roff.control("TP", []);
        roff.text([bold(cmd)]);
        roff.text([roman(what)]);
    }
    roff.control("SH", ["SEE ALSO"]);
    roff.text([
        bold("dig"),
        roman("(1), "),
        bold("postconf"),
        roman("(5), RFC 5321 §5.1, RFC 7505"),
    ]);
    roff.to_writer(w)?;
    man.render_version_section(w)
}

fn section(roff: &mut Roff, title: &str, items: &[(&str, &str)]) {
    roff.control("SH", [title]);
    for (term, text) in items {
        roff.control("TP", []);
        roff.text([italic(*term)]);
        roff.text([roman(*text)]);
    }
}
