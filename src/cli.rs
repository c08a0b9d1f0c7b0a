//! Command-line definitions (DESIGN §4).

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::clipboard::ClipboardMode;
use crate::dns::upstream::{LookupOptions, UpstreamSpec};
use crate::export::ExportFormat;

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

    #[command(flatten)]
    pub authority: AuthorityArgs,

    /// Domains to open in the TUI (names, user@domain or mailto: addresses).
    pub domains: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Look up domains, run the RFC checks and print a report.
    Check(CheckArgs),
    /// Simulate a sender delivering to a domain while hosts or addresses are down.
    Simulate(SimulateArgs),
    /// Serve the built-in demo zones on their own, for dig and friends.
    ServeDemo(ServeDemoArgs),
    /// Look domains up again as their TTLs expire and print what changed, on every resolver (and authoritative server).
    Watch(WatchArgs),
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Domains to watch.
    #[arg(required = true)]
    pub domains: Vec<String>,

    /// Look again every SECS seconds (at least 1) instead of when the shortest TTL expires (at least 5 s).
    #[arg(long, value_name = "SECS", value_parser = parse_every)]
    pub every: Option<f64>,

    /// Stop at the first change, with exit code 1.
    #[arg(long, conflicts_with = "until_consistent")]
    pub until_change: bool,

    /// Stop, with exit code 0, once every resolver and authoritative server gives the same answer.
    #[arg(long)]
    pub until_consistent: bool,

    /// Output format.
    #[arg(long, value_parser = watch_formats(), default_value = "text")]
    pub format: ExportFormat,

    #[command(flatten)]
    pub authority: AuthorityArgs,
}

/// `watch` writes a text timeline or JSON Lines events.
fn watch_formats() -> Choices<ExportFormat> {
    Choices {
        all: &[ExportFormat::Text, ExportFormat::Json],
        name: ExportFormat::name,
        help: |f| match f {
            ExportFormat::Json => "one mxlens/watch/v1 event per line",
            _ => "a timeline for people",
        },
    }
}

fn parse_every(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (1.0..=86_400.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "\"{s}\" is not an interval; give seconds from 1 to 86400, e.g. --every 1"
        )),
    }
}

/// Which DNS servers answer (shared by every subcommand).
#[derive(Debug, Clone, Args)]
pub struct UpstreamArgs {
    /// Use the built-in demo server (no network needed).
    #[arg(long, global = true)]
    pub demo: bool,

    /// With --demo: compare two demo resolvers, the second still caching the old answer of migrating.example.
    #[arg(long, global = true, requires = "demo")]
    pub demo_resolvers: bool,

    /// Resolver to query: ADDR or ADDR:PORT (an IPv6 address in brackets when a port follows); repeat to compare.
    #[arg(long = "resolver", value_name = "ADDR[:PORT]", value_parser = parse_resolver, global = true)]
    pub resolvers: Vec<SocketAddr>,

    /// Seconds to wait for each try (one retry follows a timeout).
    #[arg(long, value_name = "SECS", default_value_t = 2.0, value_parser = parse_timeout, global = true)]
    pub timeout: f64,
}

impl UpstreamArgs {
    /// The library's view of these flags.
    pub fn spec(&self) -> UpstreamSpec {
        UpstreamSpec {
            demo: self.demo,
            resolvers: self.resolvers.clone(),
            demo_resolvers: self.demo_resolvers,
            options: LookupOptions {
                timeout: Duration::from_secs_f64(self.timeout),
                ..LookupOptions::default()
            },
        }
    }
}

/// Which authoritative servers to ask directly (check, watch, the TUI).
#[derive(Debug, Clone, Default, Args)]
pub struct AuthorityArgs {
    /// Ask this authoritative server directly (RD=0) and compare its answer with the others' (repeatable; skips discovery).
    #[arg(long = "authority", value_name = "ADDR[:PORT]", value_parser = parse_resolver)]
    pub authority: Vec<SocketAddr>,

    /// Find each domain's authoritative servers (SOA, NS, their addresses) and ask each one directly.
    #[arg(long)]
    pub authorities: bool,

    /// Port the discovered authoritative servers are asked on (for labs that serve elsewhere than 53).
    #[arg(long, value_name = "PORT", default_value_t = 53, value_parser = clap::value_parser!(u16).range(1..))]
    pub authority_port: u16,
}

impl AuthorityArgs {
    /// The servers these flags ask for: given ones win over discovery.
    pub fn source(&self, discover_by_default: bool) -> crate::dns::authority::AuthoritySource {
        use crate::dns::authority::AuthoritySource;
        if !self.authority.is_empty() {
            AuthoritySource::Given(self.authority.clone())
        } else if self.authorities || discover_by_default {
            AuthoritySource::Discover {
                port: self.authority_port,
            }
        } else {
            AuthoritySource::Off
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

    #[command(flatten)]
    pub authority: AuthorityArgs,

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

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The domain whose mail is delivered.
    pub domain: String,

    /// An exchange name or an IP address that is down (repeatable).
    #[arg(long, value_name = "HOST|IP")]
    pub down: Vec<String>,

    /// Sender behaviour to model.
    #[arg(long, value_enum, default_value_t = ProfileName::Rfc)]
    pub profile: ProfileName,

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
    /// Address to listen on (UDP and TCP).
    #[arg(long, default_value = "127.0.0.1:5353")]
    pub listen: SocketAddr,
}

/// Parses `ADDR`, `ADDR:PORT`, `[V6]:PORT` or a bare IPv6 address; port 53 by default.
pub fn parse_resolver(s: &str) -> Result<SocketAddr, String> {
    let s = s.trim();
    if let Ok(sa) = s.parse::<SocketAddr>() {
        if sa.port() == 0 {
            return Err(format!(
                "\"{s}\" names port 0, where no server can answer; give the server's port, e.g. {}:53",
                sa.ip()
            ));
        }
        return Ok(sa);
    }
    let bare = s.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    Err(format!(
        "\"{s}\" is not a resolver address; use ADDR, ADDR:PORT or [IPv6]:PORT, e.g. 127.0.0.1:5353"
    ))
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
    fn definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
