//! Command-line definitions (DESIGN §4).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    #[arg(long, value_enum, default_value_t = ClipboardMode::Auto, global = true)]
    pub clipboard: ClipboardMode,

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

    /// Seconds to wait for each try (one retry follows a timeout).
    #[arg(long, value_name = "SECS", default_value_t = 2.0, value_parser = parse_timeout, global = true)]
    pub timeout: f64,

    /// DNSSEC trust anchors (DS or DNSKEY records, zone-file form) used instead of the built-in root key.
    #[arg(long, value_name = "FILE", global = true)]
    pub trust_anchor: Option<PathBuf>,

    /// Extra root certificates (PEM) trusted for the MTA-STS policy fetch, besides the system's.
    #[arg(long, value_name = "PEM", global = true)]
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Zone,
    Dig,
    Csv,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClipboardMode {
    /// System clipboard when a display server answers, else OSC 52.
    Auto,
    /// The system clipboard (X11, or XWayland under Wayland) only.
    System,
    /// The terminal's clipboard escape sequence (works over SSH and tmux).
    Osc52,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Output format; json is JSON Lines, one report per domain.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

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

    /// Also look up transport security: reverse DNS of every address,
    /// MTA-STS (with its HTTPS policy) and TLS-RPT. Off by default so a
    /// bulk check keeps its query budget.
    #[arg(long)]
    pub security: bool,

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

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
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

fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 60.0 => Ok(v),
        _ => Err(format!(
            "\"{s}\" is not a timeout; give seconds between 0 and 60, e.g. 2 or 0.5"
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
    fn definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
