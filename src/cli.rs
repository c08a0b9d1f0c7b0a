//! Command-line definitions (DESIGN §4).

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::clipboard::ClipboardMode;
use crate::config::settings::{DEFAULT_TIMEOUT_S, Flags};
use crate::dns::upstream::{LookupOptions, UpstreamSpec};
use crate::export::ExportFormat;
use crate::text::ColorChoice;

/// Explore, check and compare DNS MX configurations.
///
/// With no subcommand mxlens opens the terminal UI on the given domains.
#[derive(Debug, Parser)]
#[command(name = "mxlens", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub upstream: UpstreamArgs,

    /// Where copied text goes (TUI).
    #[arg(long, value_parser = clipboard_modes(), default_value = "auto")]
    pub clipboard: ClipboardMode,

    /// The configuration file [default: $XDG_CONFIG_HOME/mxlens/config.toml,
    /// else ~/.config/mxlens/config.toml; MXLENS_CONFIG when set].
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,

    /// When to use colour (text output and the TUI); auto honours NO_COLOR
    /// and CLICOLOR_FORCE [default: auto].
    #[arg(long, value_name = "WHEN", value_parser = color_choices(), global = true)]
    pub color: Option<ColorChoice>,

    /// Open the domain list NAME from the configuration file ([lists]).
    #[arg(long, value_name = "NAME")]
    pub list: Option<String>,

    /// Start with nothing from the last session (the TUI remembers its
    /// domains, outages and profile when started without domains).
    #[arg(long)]
    pub fresh: bool,

    /// Open the domains listed in PATH too (one or more a line, `#`
    /// comments), as `check --file` reads them. Not `-`: the TUI reads its
    /// keys from the terminal.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// Domains to open in the TUI (names, user@domain or mailto: addresses).
    pub domains: Vec<String>,
}

impl Cli {
    /// What the command line says about settings the configuration file
    /// can also hold (flags win over the file).
    pub fn flags(&self) -> Flags {
        let mut flags = Flags {
            demo: self.upstream.demo,
            resolvers: self.upstream.resolvers.clone(),
            timeout: self.upstream.timeout,
            color: self.color,
            ..Flags::default()
        };
        if let Some(Command::Simulate(s)) = &self.command {
            flags.profile = s.profile.map(|p| p.name().to_string());
            flags.address_limit = s.address_limit;
            flags.connect_timeout = s.connect_timeout;
            flags.min_backoff = s.min_backoff;
            flags.max_backoff = s.max_backoff;
            flags.queue_lifetime = s.queue_lifetime;
        }
        flags
    }
}

/// The command definition with this machine's configuration path in
/// `--help` (completions and the man page use the generic one).
pub fn command_with_paths() -> clap::Command {
    use clap::CommandFactory;
    let path = crate::config::paths::default_path().map_or_else(
        || "none (no home directory)".to_string(),
        |p| p.display().to_string(),
    );
    Cli::command().mut_arg("config", |a| {
        a.help(format!(
            "The configuration file [default here: {path}; MXLENS_CONFIG when set]"
        ))
    })
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Look up domains, run the RFC checks and print a report.
    Check(CheckArgs),
    /// Simulate a sender delivering to a domain while hosts or addresses are down.
    Simulate(SimulateArgs),
    /// Serve the built-in demo zones on their own, for dig and friends.
    ServeDemo(ServeDemoArgs),
    /// Print a shell completion script (see the README for where it goes).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one per command into a directory.
    Man(ManArgs),
    /// Print the configuration in effect as TOML, with where each value comes from.
    Config,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write mxlens.1 and one mxlens-COMMAND.1 per command into DIR.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Which DNS servers answer (shared by every subcommand).
#[derive(Debug, Clone, Args)]
pub struct UpstreamArgs {
    /// Use the built-in demo server (no network needed).
    #[arg(long, global = true)]
    pub demo: bool,

    /// Resolver to query: ADDR or ADDR:PORT (an IPv6 address in brackets when a port follows); repeat to compare.
    #[arg(long = "resolver", value_name = "ADDR[:PORT]", value_parser = parse_resolver, global = true)]
    pub resolvers: Vec<SocketAddr>,

    /// Seconds to wait for each try (one retry follows a timeout) [default: 2].
    #[arg(long, value_name = "SECS", value_parser = parse_timeout, global = true)]
    pub timeout: Option<f64>,
}

impl UpstreamArgs {
    /// The library's view of these flags.
    pub fn spec(&self) -> UpstreamSpec {
        UpstreamSpec {
            demo: self.demo,
            resolvers: self.resolvers.clone(),
            options: LookupOptions {
                timeout: Duration::from_secs_f64(self.timeout.unwrap_or(DEFAULT_TIMEOUT_S)),
                ..LookupOptions::default()
            },
        }
    }
}

/// A clap value parser over a library type's own list of values: the list
/// and each value's help live once, in the library, and clap only maps.
#[derive(Clone)]
struct Choices<T: 'static> {
    all: &'static [T],
    name: fn(T) -> &'static str,
    help: fn(T) -> &'static str,
}

impl<T: Copy + Send + Sync + 'static> TypedValueParser for Choices<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        // clap's own parser writes the usual "possible values" error.
        let names = self.all.iter().map(|v| (self.name)(*v));
        let given = PossibleValuesParser::new(names).parse_ref(cmd, arg, value)?;
        self.all
            .iter()
            .copied()
            .find(|v| (self.name)(*v) == given)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.all.iter().map(|v| {
            PossibleValue::new((self.name)(*v)).help((self.help)(*v))
        })))
    }
}

fn export_formats() -> Choices<ExportFormat> {
    Choices {
        all: ExportFormat::all(),
        name: ExportFormat::name,
        help: ExportFormat::description,
    }
}

/// `simulate` writes text or its JSON contract, nothing else.
fn simulation_formats() -> Choices<ExportFormat> {
    Choices {
        all: &[ExportFormat::Text, ExportFormat::Json],
        name: ExportFormat::name,
        help: |f| match f {
            ExportFormat::Json => "one mxlens/simulation/v1 object",
            _ => "aligned text for people",
        },
    }
}

fn color_choices() -> Choices<ColorChoice> {
    Choices {
        all: &ColorChoice::ALL,
        name: ColorChoice::name,
        help: ColorChoice::description,
    }
}

fn clipboard_modes() -> Choices<ClipboardMode> {
    Choices {
        all: &ClipboardMode::ALL,
        name: ClipboardMode::name,
        help: ClipboardMode::description,
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Output format; json is JSON Lines, one report per domain.
    #[arg(long, value_parser = export_formats(), default_value = "text")]
    pub format: ExportFormat,

    /// Read domains from PATH, one per line ('-' for standard input).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// How many domains are looked up at once.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub concurrency: u32,

    /// Compare with a snapshot: a file written earlier by `check --format json`.
    /// Text output then lists what changed since.
    #[arg(long, value_name = "PATH")]
    pub baseline: Option<PathBuf>,

    /// Check the domain list NAME from the configuration file ([lists]).
    #[arg(long, value_name = "NAME")]
    pub list: Option<String>,

    /// Domains to check (with --demo and none given: every demo domain).
    pub domains: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileName {
    /// RFC 5321 §5.1: every address of every host, 30 s connect timeout.
    Rfc,
    /// Postfix defaults: at most 5 addresses per delivery attempt.
    Postfix,
}

impl ProfileName {
    pub fn name(self) -> &'static str {
        match self {
            ProfileName::Rfc => "rfc",
            ProfileName::Postfix => "postfix",
        }
    }
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The domain whose mail is delivered.
    pub domain: String,

    /// An exchange name or an IP address that is down (repeatable).
    #[arg(long, value_name = "HOST|IP")]
    pub down: Vec<String>,

    /// Sender behaviour to model [default: the configuration's, else rfc].
    #[arg(long, value_enum)]
    pub profile: Option<ProfileName>,

    /// Override the profile: most addresses tried per delivery attempt.
    #[arg(long, value_name = "N")]
    pub address_limit: Option<u32>,

    /// Override the profile: seconds before a connection attempt is given up.
    #[arg(long, value_name = "SECS")]
    pub connect_timeout: Option<f64>,

    /// Override the profile: first retry after SECS when deferred.
    #[arg(long, value_name = "SECS")]
    pub min_backoff: Option<f64>,

    /// Override the profile: longest wait between retries.
    #[arg(long, value_name = "SECS")]
    pub max_backoff: Option<f64>,

    /// Override the profile: how long a message stays queued before it bounces.
    #[arg(long, value_name = "SECS")]
    pub queue_lifetime: Option<f64>,

    /// Seed for the example walk (one concrete attempt sequence).
    #[arg(long)]
    pub seed: Option<u64>,

    /// Simulate a proposed MX set instead of the published one:
    /// "10 a.example.test, 20 b.example.test" (addresses inline with
    /// "10 a.example.test=192.0.2.1/2001:db8::1").
    #[arg(long, value_name = "LIST", conflicts_with = "mx_file")]
    pub mx: Option<String>,

    /// Like --mx, from a zone-file fragment (MX, A and AAAA lines).
    #[arg(long, value_name = "PATH")]
    pub mx_file: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_parser = simulation_formats(), default_value = "text")]
    pub format: ExportFormat,
}

#[derive(Debug, Args)]
pub struct ServeDemoArgs {
    /// Address to listen on (UDP and TCP): ADDR[:PORT], port 5353 when none is given.
    #[arg(long, value_name = "ADDR[:PORT]", default_value = "127.0.0.1:5353", value_parser = parse_listen)]
    pub listen: SocketAddr,
}

/// `serve-demo --listen`: like a resolver address, with the demo's port 5353
/// by default (port 53 needs root).
fn parse_listen(s: &str) -> Result<SocketAddr, String> {
    let bare = s.trim().trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => Ok(SocketAddr::new(ip, 5353)),
        Err(_) => s.trim().parse::<SocketAddr>().map_err(|_| {
            format!(
                "\"{}\" is not an address to listen on; use ADDR or ADDR:PORT, e.g. 127.0.0.1:5353",
                crate::mx::escape::visible(s)
            )
        }),
    }
}

/// Parses `ADDR`, `ADDR:PORT`, `[V6]:PORT` or a bare IPv6 address; port 53 by default.
pub fn parse_resolver(s: &str) -> Result<SocketAddr, String> {
    crate::dns::addr::parse_server(s)
}

/// The shortest wait per try: below a millisecond no answer can arrive.
const MIN_TIMEOUT: f64 = 0.001;

fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (MIN_TIMEOUT..=60.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "\"{s}\" is not a timeout; give seconds from {MIN_TIMEOUT} to 60, e.g. 2 or 0.5"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolver_forms() {
        assert_eq!(
            parse_resolver("127.0.0.1").unwrap(),
            "127.0.0.1:53".parse().unwrap()
        );
        assert_eq!(
            parse_resolver("127.0.0.1:5353").unwrap(),
            "127.0.0.1:5353".parse().unwrap()
        );
        assert_eq!(parse_resolver("::1").unwrap(), "[::1]:53".parse().unwrap());
        assert_eq!(
            parse_resolver("[::1]:5353").unwrap(),
            "[::1]:5353".parse().unwrap()
        );
        assert!(
            parse_resolver("dns.example")
                .unwrap_err()
                .contains("dns.example")
        );
    }

    #[test]
    fn port_zero_and_vanishing_timeouts_are_refused() {
        let e = parse_resolver("127.0.0.1:0").unwrap_err();
        assert!(e.contains("port 0"), "{e}");
        assert!(parse_resolver("[::1]:0").is_err());
        for bad in ["1e-300", "0", "-1", "0.0009", "61", "NaN", "inf"] {
            let e = parse_timeout(bad).unwrap_err();
            assert!(e.contains("0.001"), "{bad}: {e}");
        }
        assert_eq!(parse_timeout("0.001"), Ok(0.001));
        assert_eq!(parse_timeout("60"), Ok(60.0));
    }

    #[test]
    fn listen_takes_an_address_without_a_port() {
        assert_eq!(
            parse_listen("127.0.0.1").unwrap(),
            "127.0.0.1:5353".parse().unwrap()
        );
        assert_eq!(
            parse_listen("[::1]").unwrap(),
            "[::1]:5353".parse().unwrap()
        );
        assert_eq!(
            parse_listen("127.0.0.1:53").unwrap(),
            "127.0.0.1:53".parse().unwrap()
        );
        assert!(parse_listen("x\u{1b}").unwrap_err().contains("x\\027"));
    }

    #[test]
    fn definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
