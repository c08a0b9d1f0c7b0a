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
use crate::mx::failover::profile::SenderFamily;
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

    /// Open the domains of PATH, one per line ('#' starts a comment).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// Start with nothing from the last session (the TUI remembers its
    /// domains, outages and profile when started without domains).
    #[arg(long)]
    pub fresh: bool,

    /// No transport-security lookups (reverse DNS, DNSSEC, DANE, MTA-STS
    /// over HTTPS, TLS-RPT): not for the TUI's selected domain, not for
    /// `check` even when the configuration turns them on. Wins over
    /// `check --security`.
    #[arg(long, global = true)]
    pub no_security: bool,
    #[command(flatten)]
    pub authority: AuthorityArgs,

    /// Domains to open in the TUI (names, user@domain or mailto: addresses).
    pub domains: Vec<String>,
}

impl Cli {
    /// What the command line says about settings the configuration file
    /// can also hold (flags win over the file).
    pub fn flags(&self) -> Flags {
        let mut flags = Flags {
            demo: self.upstream.demo,
            demo_resolvers: self.upstream.demo_resolvers,
            resolvers: self.upstream.resolvers.clone(),
            timeout: self.upstream.timeout,
            color: self.color,
            trust_anchor: self.upstream.trust_anchor.clone(),
            ca_file: self.upstream.ca_file.clone(),
            ..Flags::default()
        };
        if let Some(Command::Simulate(s)) = &self.command {
            flags.profile = s.profile.map(|p| p.name().to_string());
            flags.sender_family = Some(match s.sender_family {
                SenderFamilyName::Dual => SenderFamily::Dual,
                SenderFamilyName::Ipv4 => SenderFamily::Ipv4,
                SenderFamilyName::Ipv6 => SenderFamily::Ipv6,
            });
            flags.address_limit = s.address_limit;
            flags.connect_timeout = s.connect_timeout;
            flags.min_backoff = s.min_backoff;
            flags.max_backoff = s.max_backoff;
            flags.queue_lifetime = s.queue_lifetime;
        }
        if let Some(Command::Check(c)) = &self.command
            && c.security
        {
            flags.security = Some(true);
        }
        if self.no_security {
            flags.security = Some(false);
            flags.tui_security = Some(false);
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
    /// Several domains side by side, aligned by tier, differences marked.
    ///
    /// Exit codes like diff(1): 0 every tier agrees, 1 some tier differs,
    /// 2 a lookup failed or a usage error.
    Compare(CompareArgs),
    /// What changed: a snapshot against another snapshot or the live answers.
    ///
    /// Exit codes like diff(1): 0 nothing changed, 1 something changed, 2 a
    /// snapshot that cannot be used or a live lookup that failed.
    Diff(DiffArgs),
    /// Print a shell completion script (see the README for where it goes).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one per command into a directory.
    Man(ManArgs),
    /// Print the configuration in effect as TOML, with where each value comes from.
    Config,
    /// Look domains up again as their TTLs expire and print what changed, on every resolver (and authoritative server).
    Watch(WatchArgs),
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

    /// Seconds to wait for each try (one retry follows a timeout) [default: 2].
    #[arg(long, value_name = "SECS", value_parser = parse_timeout, global = true)]
    pub timeout: Option<f64>,

    /// DNSSEC trust anchors (DS or DNSKEY records, zone-file form) used instead of the built-in root key.
    #[arg(long, value_name = "FILE", global = true)]
    pub trust_anchor: Option<PathBuf>,

    /// Extra root certificates (PEM) trusted for the MTA-STS policy fetch, besides the system's.
    #[arg(long, value_name = "PEM", global = true)]
    pub ca_file: Option<PathBuf>,
}

impl UpstreamArgs {
    /// The library's view of these flags.
    pub fn spec(&self) -> UpstreamSpec {
        UpstreamSpec {
            demo: self.demo,
            resolvers: self.resolvers.clone(),
            demo_resolvers: self.demo_resolvers,
            options: LookupOptions {
                timeout: Duration::from_secs_f64(self.timeout.unwrap_or(DEFAULT_TIMEOUT_S)),
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

fn color_choices() -> Choices<ColorChoice> {
    Choices {
        all: &ColorChoice::ALL,
        name: ColorChoice::name,
        help: ColorChoice::description,
    }
}

/// `compare` writes text or its JSON contract.
fn compare_formats() -> Choices<ExportFormat> {
    Choices {
        all: &[ExportFormat::Text, ExportFormat::Json],
        name: ExportFormat::name,
        help: |f| match f {
            ExportFormat::Json => "one mxlens/compare/v1 object",
            _ => "the domains aligned by tier, for people",
        },
    }
}

/// `diff` writes text or its JSON contract.
fn diff_formats() -> Choices<ExportFormat> {
    Choices {
        all: &[ExportFormat::Text, ExportFormat::Json],
        name: ExportFormat::name,
        help: |f| match f {
            ExportFormat::Json => "JSON Lines, one mxlens/diff/v1 object per domain",
            _ => "one block per domain with a + - ~ sign column, for people",
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

    /// Also look up transport security: reverse DNS of every address,
    /// DNSSEC, DANE (TLSA), MTA-STS (with its HTTPS policy) and TLS-RPT.
    /// Off by default so a bulk check keeps its query budget; the
    /// configuration's `[security] check = true` turns it on.
    #[arg(long)]
    pub security: bool,

    /// Check the domain list NAME from the configuration file ([lists]).
    #[arg(long, value_name = "NAME")]
    pub list: Option<String>,
    #[command(flatten)]
    pub authority: AuthorityArgs,

    /// Domains to check (with --demo and none given: every demo domain).
    pub domains: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileName {
    /// RFC 5321 §5.1: every address of every host, 30 s connect timeout.
    Rfc,
    /// Postfix defaults: equal-preference addresses shuffled together, at
    /// most 5 per delivery attempt, both families kept.
    Postfix,
    /// Exim defaults: hosts_max_try 5 (more within one preference), hard
    /// limit 50, IPv6 before IPv4, the default retry rule.
    Exim,
}

/// The address families the sending host can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SenderFamilyName {
    /// IPv4 and IPv6.
    Dual,
    /// IPv4 only: IPv6 addresses are unusable (AAAA-only exchanges are down).
    Ipv4,
    /// IPv6 only: IPv4 addresses are unusable.
    Ipv6,
}

impl ProfileName {
    pub fn name(self) -> &'static str {
        match self {
            ProfileName::Rfc => "rfc",
            ProfileName::Postfix => "postfix",
            ProfileName::Exim => "exim",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnforceName {
    /// Opportunistic TLS: nothing is refused.
    None,
    /// MTA-STS in mode enforce: exchanges outside the policy are refused.
    MtaSts,
    /// DANE (RFC 7672): an exchange with secure addresses whose TLSA lookup
    /// fails is refused; exchanges without TLSA get unauthenticated TLS.
    Dane,
    /// Mandatory DANE (Postfix dane-only): every exchange without usable
    /// DNSSEC-secure TLSA is refused.
    DaneOnly,
}

impl From<EnforceName> for crate::mx::enforce::Enforce {
    fn from(e: EnforceName) -> Self {
        match e {
            EnforceName::None => Self::None,
            EnforceName::MtaSts => Self::MtaSts,
            EnforceName::Dane => Self::Dane,
            EnforceName::DaneOnly => Self::DaneOnly,
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

    /// A sender that enforces a transport-security policy: the exchanges it
    /// must refuse count as down (runs the security lookups).
    #[arg(long, value_enum, default_value_t = EnforceName::None)]
    pub enforce: EnforceName,

    /// The domain's authoritative DNS is down: add how long senders deliver
    /// from their caches, from the report's TTLs (text output).
    #[arg(long)]
    pub dns_down: bool,

    /// Sender behaviour to model [default: the configuration's, else rfc].
    #[arg(long, value_enum)]
    pub profile: Option<ProfileName>,

    /// The address families the sender can use.
    #[arg(long, value_enum, default_value_t = SenderFamilyName::Dual)]
    pub sender_family: SenderFamilyName,

    /// Override the profile: most addresses tried per delivery attempt
    /// (Postfix smtp_mx_address_limit, Exim hosts_max_try; 0 for none).
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
    /// "10 a.example.test=192.0.2.1/2001:db8::1", tried in the order
    /// written; a name given twice has the addresses of both).
    #[arg(long, value_name = "LIST", conflicts_with = "mx_file")]
    pub mx: Option<String>,

    /// Like --mx, from a zone-file fragment (MX, A and AAAA lines).
    #[arg(long, value_name = "PATH")]
    pub mx_file: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_parser = simulation_formats(), default_value = "text")]
    pub format: ExportFormat,
}

/// Exit codes of compare: 0 every tier agrees, 1 some tier differs, 2 a
/// lookup failed or a usage error.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Two or more domains to align (names, user@domain or mailto: addresses).
    #[arg(required = true, num_args = 2.., value_name = "DOMAIN")]
    pub domains: Vec<String>,

    /// Output format.
    #[arg(long, value_parser = compare_formats(), default_value = "text")]
    pub format: ExportFormat,
}

/// Exit codes like diff(1): 0 no change, 1 some change, 2 an error (a bad
/// snapshot, a lookup that failed).
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier snapshot (written by `mxlens check --format json`).
    #[arg(value_name = "OLD.jsonl")]
    pub old: PathBuf,

    /// The later snapshot; without it the domains of OLD are looked up now,
    /// with the upstream options (--resolver, --demo, --timeout).
    #[arg(value_name = "NEW.jsonl")]
    pub new: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_parser = diff_formats(), default_value = "text")]
    pub format: ExportFormat,

    /// Do not report TTL changes (a caching resolver counts TTLs down, so
    /// against one they always differ).
    #[arg(long)]
    pub ignore_ttl: bool,

    /// How many domains are looked up at once (live comparison).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub concurrency: u32,
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
