//! Upstreams: the system resolver, `--resolver ADDR[:PORT]`, the demo.
//!
//! Every lookup goes to the wire (no cache, no hosts file, no search
//! domains: names are absolute), over mxlens' own transport: long-lived UDP
//! sockets ([`crate::dns::udp`]), TCP when an answer comes back truncated
//! ([`crate::dns::tcp`]). Each response is checked (ID, question, class,
//! opcode) before it is read. One round trip gets `timeout` × tries over
//! UDP plus one `timeout` for TCP, and never passes the deadline it is given.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hickory_resolver::proto::op::Message;
use hickory_resolver::proto::rr::{Name, RecordType};
use thiserror::Error;

use crate::dns::demo::DemoServer;
use crate::dns::tcp;
use crate::dns::udp::{Try, UdpPool};
use crate::dns::wire::Failure;
use crate::mx::LookupError;

/// How patient lookups are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LookupOptions {
    /// Wait for each try.
    pub timeout: Duration,
    /// Retries after the first try.
    pub attempts: usize,
}

impl Default for LookupOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(2),
            attempts: 1,
        }
    }
}

impl LookupOptions {
    /// The longest a single query can take before it is reported as a timeout.
    pub fn worst_case(&self) -> Duration {
        self.timeout * (self.attempts as u32 + 1)
    }

    /// The budget of one round trip: every UDP try, plus one TCP exchange
    /// for a truncated answer. Alias chains that need new queries spend it
    /// too: they do not get a fresh budget per hop.
    pub fn round_trip_budget(&self) -> Duration {
        self.timeout * (self.attempts as u32 + 2)
    }

    /// The longest a report can take: two round trips (the MX query, then
    /// the addresses of every exchange at once), whatever the servers do.
    pub fn report_deadline(&self) -> Duration {
        self.round_trip_budget() * 2
    }
}

#[derive(Debug, Error)]
pub enum UpstreamError {
    #[error(
        "cannot read the system resolver configuration (/etc/resolv.conf): {0}; pass --resolver ADDR"
    )]
    SystemConfig(String),
    #[error("the system resolver configuration lists no name servers; pass --resolver ADDR")]
    NoServers,
    #[error("--demo and --resolver cannot be combined: the demo answers every lookup itself")]
    DemoWithResolvers,
    #[error("cannot start the demo server: {0}")]
    Demo(#[source] std::io::Error),
}

/// Which servers answer: the demo, explicit resolvers, or (with neither)
/// the system resolver. Front ends map their options onto this.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpstreamSpec {
    /// Answer every lookup from the built-in demo server.
    pub demo: bool,
    /// Explicit resolvers; several are compared, the first is the primary.
    pub resolvers: Vec<SocketAddr>,
    /// With `demo`: a second demo resolver that still caches the old answer
    /// of the migrating demo domain, to compare with.
    pub demo_resolvers: bool,
    /// How patient lookups are.
    pub options: LookupOptions,
}

/// One DNS upstream: its servers and the label reports carry for it.
#[derive(Clone)]
pub struct Upstream {
    /// Tried in turn, one per try (as resolv.conf's servers are).
    servers: Arc<[UdpPool]>,
    label: Arc<str>,
    options: LookupOptions,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream")
            .field("label", &self.label)
            .finish()
    }
}

impl Upstream {
    /// The name servers of `/etc/resolv.conf`, without its search domains.
    pub fn system(opts: &LookupOptions) -> Result<Self, UpstreamError> {
        let (config, _) = hickory_resolver::system_conf::read_system_conf()
            .map_err(|e| UpstreamError::SystemConfig(e.to_string()))?;
        let mut servers: Vec<SocketAddr> = Vec::new();
        for ns in config.name_servers() {
            let port = ns.connections.first().map_or(53, |c| c.port);
            let addr = SocketAddr::new(ns.ip, port);
            if !servers.contains(&addr) {
                servers.push(addr);
            }
        }
        if servers.is_empty() {
            return Err(UpstreamError::NoServers);
        }
        Ok(Self::build(&servers, "system".into(), opts))
    }

    /// One server at `addr`, UDP with TCP fallback.
    pub fn server(addr: SocketAddr, opts: &LookupOptions) -> Self {
        Self::build(&[addr], format_addr(addr), opts)
    }

    fn build(servers: &[SocketAddr], label: String, opts: &LookupOptions) -> Self {
        Self {
            servers: servers.iter().map(|a| UdpPool::new(*a)).collect(),
            label: label.into(),
            options: *opts,
        }
    }

    /// Replaces the label reports carry (e.g. `demo`).
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into().into();
        self
    }

    /// The label reports carry: `127.0.0.1:5354`, `[::1]:53`, `system`, `demo`.
    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn options(&self) -> &LookupOptions {
        &self.options
    }

    /// The servers' addresses, in the order they are tried.
    pub fn server_addrs(&self) -> Vec<SocketAddr> {
        self.servers.iter().map(|s| s.server()).collect()
    }

    /// One round trip for `name`/`rtype`: the first usable response, after
    /// at most `attempts + 1` UDP tries (and TCP after a truncated one),
    /// all before `deadline`. The response is checked but not read.
    pub(crate) async fn exchange(
        &self,
        name: &Name,
        rtype: RecordType,
        deadline: Instant,
    ) -> Result<Message, Failure> {
        let tries = self.options.attempts + 1;
        let (mut tried, mut malformed, mut unreachable, mut local) = (0, 0, 0, 0);
        for i in 0..tries {
            let Some(wait) = self.wait(deadline) else {
                break;
            };
            let server = &self.servers[i % self.servers.len()];
            let mut t = server.query(name, rtype, wait).await;
            if let Try::Answer(msg) = &t
                && msg.metadata.truncation
            {
                t = match self.wait(deadline) {
                    Some(wait) => tcp::query(server.server(), name, rtype, wait).await,
                    None => Try::Timeout,
                };
            }
            tried += 1;
            match t {
                Try::Answer(msg) => return Ok(msg),
                Try::Malformed => malformed += 1,
                Try::Unreachable => unreachable += 1,
                Try::Local => local += 1,
                Try::Timeout => {}
            }
        }
        let error = if tried > 0 && malformed == tried {
            LookupError::Other("malformed".into())
        } else if tried > 0 && unreachable == tried {
            LookupError::Unreachable
        } else if tried > 0 && local == tried {
            LookupError::Other("io".into())
        } else {
            LookupError::Timeout
        };
        Err(Failure::Failed(error))
    }

    /// How long the next try may wait: the per-try timeout, cut to the deadline.
    fn wait(&self, deadline: Instant) -> Option<Duration> {
        let left = deadline.checked_duration_since(Instant::now())?;
        (!left.is_zero()).then(|| left.min(self.options.timeout))
    }
}

/// `127.0.0.1:5354`, `[::1]:53`.
pub fn format_addr(addr: SocketAddr) -> String {
    addr.to_string()
}

/// Builds the upstreams `spec` asks for. With `demo` the demo server is
/// started and returned too: keep it alive while you query.
pub async fn connect(
    spec: &UpstreamSpec,
) -> Result<(Vec<Upstream>, Option<DemoServer>), UpstreamError> {
    let opts = &spec.options;
    if spec.demo {
        if !spec.resolvers.is_empty() {
            return Err(UpstreamError::DemoWithResolvers);
        }
        let mut demo = DemoServer::start().await.map_err(UpstreamError::Demo)?;
        // Reports say "demo": the port is random and dies with the process.
        let mut ups = vec![Upstream::server(demo.addr(), opts).with_label("demo")];
        if spec.demo_resolvers {
            let lagging = demo.start_lagging().await.map_err(UpstreamError::Demo)?;
            ups.push(Upstream::server(lagging, opts).with_label(crate::dns::demo::LAGGING_LABEL));
        }
        return Ok((ups, Some(demo)));
    }
    if spec.resolvers.is_empty() {
        return Ok((vec![Upstream::system(opts)?], None));
    }
    Ok((
        spec.resolvers
            .iter()
            .map(|a| Upstream::server(*a, opts))
            .collect(),
        None,
    ))
}
