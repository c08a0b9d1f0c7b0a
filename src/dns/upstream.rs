//! Resolver construction: the system resolver, `--resolver ADDR[:PORT]`, the demo.
//!
//! Every upstream is a hickory resolver pinned to its servers with the cache,
//! the hosts file and search domains off: names are absolute and every lookup
//! goes to the wire, so TTLs are the server's and `r` really re-queries.
//! UDP first, TCP when an answer comes back truncated.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{Name, Record, RecordType};
use hickory_resolver::{Resolver, TokioResolver};
use thiserror::Error;

use crate::cli::UpstreamArgs;
use crate::dns::demo::DemoServer;
use crate::dns::udp::{self, UdpPool};
use crate::dns::wire::{Failure, classify};

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
}

#[derive(Debug, Error)]
pub enum UpstreamError {
    #[error(
        "cannot read the system resolver configuration (/etc/resolv.conf): {0}; pass --resolver ADDR"
    )]
    SystemConfig(String),
    #[error("the system resolver configuration lists no name servers; pass --resolver ADDR")]
    NoServers,
    #[error("cannot build the resolver for {0}: {1}")]
    Build(String, String),
}

/// One DNS upstream: a resolver and the label reports carry for it.
#[derive(Clone)]
pub struct Upstream {
    resolver: Arc<TokioResolver>,
    /// Long-lived UDP sockets, for a single pinned server.
    pool: Option<Arc<UdpPool>>,
    label: Arc<str>,
    options: LookupOptions,
    /// The servers, for a validating twin ([`Upstream::validating`]).
    servers: Arc<[NameServerConfig]>,
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
        let servers = config.name_servers().to_vec();
        if servers.is_empty() {
            return Err(UpstreamError::NoServers);
        }
        Self::build(servers, "system".into(), opts)
    }

    /// One server at `addr`, UDP with TCP fallback.
    pub fn server(addr: SocketAddr, opts: &LookupOptions) -> Self {
        let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
        for conn in &mut ns.connections {
            conn.port = addr.port();
        }
        let mut up = Self::build(vec![ns], format_addr(addr), opts)
            .expect("a resolver for a single address always builds");
        up.pool = Some(Arc::new(UdpPool::new(addr, opts.timeout, opts.attempts)));
        up
    }

    fn build(
        servers: Vec<NameServerConfig>,
        label: String,
        opts: &LookupOptions,
    ) -> Result<Self, UpstreamError> {
        let resolver = Self::resolver(servers.clone(), &label, opts, None)?;
        Ok(Self {
            resolver: Arc::new(resolver),
            pool: None,
            label: label.into(),
            options: *opts,
            servers: servers.into(),
        })
    }

    /// A resolver for the same servers that validates DNSSEC itself from
    /// `anchors` (records carry their proof), rather than trusting an AD bit.
    pub fn validating(
        &self,
        anchors: Arc<hickory_resolver::proto::dnssec::TrustAnchors>,
    ) -> Result<TokioResolver, UpstreamError> {
        Self::resolver(
            self.servers.to_vec(),
            &self.label,
            &self.options,
            Some(anchors),
        )
    }

    fn resolver(
        servers: Vec<NameServerConfig>,
        label: &str,
        opts: &LookupOptions,
        anchors: Option<Arc<hickory_resolver::proto::dnssec::TrustAnchors>>,
    ) -> Result<TokioResolver, UpstreamError> {
        let config = ResolverConfig::from_name_servers(servers);
        let mut builder = Resolver::builder_with_config(config, TokioRuntimeProvider::default());
        if let Some(anchors) = anchors {
            builder = builder.with_trust_anchor(anchors);
        }
        let o: &mut ResolverOpts = builder.options_mut();
        o.timeout = opts.timeout;
        o.attempts = opts.attempts;
        o.cache_size = 0;
        o.use_hosts_file = ResolveHosts::Never;
        o.ndots = 0;
        o.preserve_intermediates = true;
        o.edns0 = true;
        // Bulk checks fan out hundreds of queries over one connection.
        o.max_active_requests = 1024;
        o.num_concurrent_reqs = 1;
        builder
            .build()
            .map_err(|e| UpstreamError::Build(label.to_string(), e.to_string()))
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

    /// The answer records for `name`/`rtype`, or what the failure means.
    /// Alias chains are followed; a truncated answer is retried over TCP.
    pub(crate) async fn query(
        &self,
        name: &Name,
        rtype: RecordType,
    ) -> Result<Vec<Record>, Failure> {
        if let Some(pool) = &self.pool {
            match pool.query(name, rtype).await {
                udp::Outcome::Answer(records) => return Ok(records),
                udp::Outcome::Failure(f) => return Err(f),
                udp::Outcome::Fallback => {}
            }
        }
        match self.resolver.lookup(name.clone(), rtype).await {
            Ok(lookup) => Ok(lookup.answers().to_vec()),
            Err(e) => Err(classify(&e)),
        }
    }
}

/// `127.0.0.1:5354`, `[::1]:53`.
pub fn format_addr(addr: SocketAddr) -> String {
    addr.to_string()
}

/// Builds the upstreams the command-line flags ask for. With `--demo` the
/// demo server is started and returned too: keep it alive while you query.
pub async fn resolve_args(
    args: &UpstreamArgs,
) -> anyhow::Result<(Vec<Upstream>, Option<DemoServer>)> {
    let opts = LookupOptions {
        timeout: Duration::from_secs_f64(args.timeout),
        attempts: 1,
    };
    if args.demo {
        if !args.resolvers.is_empty() {
            anyhow::bail!(
                "--demo and --resolver cannot be combined: the demo answers every lookup itself"
            );
        }
        let demo = DemoServer::start().await?;
        // Reports say "demo": the port is random and dies with the process.
        let up = Upstream::server(demo.addr(), &opts).with_label("demo");
        return Ok((vec![up], Some(demo)));
    }
    if args.resolvers.is_empty() {
        return Ok((vec![Upstream::system(&opts)?], None));
    }
    Ok((
        args.resolvers
            .iter()
            .map(|a| Upstream::server(*a, &opts))
            .collect(),
        None,
    ))
}
