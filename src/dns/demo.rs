//! The in-process authoritative server: the built-in demo (`--demo`,
//! `serve-demo`) and the DNS test lab both run on it.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_server::Server;
use tokio::net::{TcpListener, UdpSocket};

use crate::dns::demo_dnssec::{ZoneRouter, parse_all, plain_router, signed_router};
use crate::dns::demo_reverse::reverse_zones;
use crate::dns::demo_sts::{PolicyHost, PolicyServer};
use crate::dns::security::dnssec::AnchorFile;

/// One zone: its origin and master-file text.
#[derive(Debug, Clone)]
pub struct ZoneText {
    pub origin: String,
    pub text: String,
}

/// The demo zones, compiled in (see `assets/demo/README.md`).
pub const DEMO_ZONES: &[(&str, &str)] = &[
    ("example.", include_str!("../../assets/demo/example.zone")),
    (
        "healthy.example.",
        include_str!("../../assets/demo/healthy.example.zone"),
    ),
    (
        "equal.example.",
        include_str!("../../assets/demo/equal.example.zone"),
    ),
    (
        "workspace.example.",
        include_str!("../../assets/demo/workspace.example.zone"),
    ),
    (
        "m365.example.",
        include_str!("../../assets/demo/m365.example.zone"),
    ),
    (
        "nullmx.example.",
        include_str!("../../assets/demo/nullmx.example.zone"),
    ),
    (
        "implicit.example.",
        include_str!("../../assets/demo/implicit.example.zone"),
    ),
    (
        "nomail.example.",
        include_str!("../../assets/demo/nomail.example.zone"),
    ),
    (
        "broken.example.",
        include_str!("../../assets/demo/broken.example.zone"),
    ),
    (
        "shared.example.",
        include_str!("../../assets/demo/shared.example.zone"),
    ),
    (
        "hostile.example.",
        include_str!("../../assets/demo/hostile.example.zone"),
    ),
    (
        "xn--bcher-kva.example.",
        include_str!("../../assets/demo/xn--bcher-kva.example.zone"),
    ),
    (
        "google.test.",
        include_str!("../../assets/demo/google.test.zone"),
    ),
    (
        "outlook.test.",
        include_str!("../../assets/demo/outlook.test.zone"),
    ),
    (
        "migrating.example.",
        include_str!("../../assets/demo/migrating.example.zone"),
    ),
    (
        "demo.test.",
        include_str!("../../assets/demo/demo.test.zone"),
    ),
    (
        "dane.example.",
        include_str!("../../assets/demo/dane.example.zone"),
    ),
    (
        "sts.example.",
        include_str!("../../assets/demo/sts.example.zone"),
    ),
];

/// The parent of the `.test` demo zones: served only for the chain of trust
/// (its DNSKEY, the DS answers of its children), so a name under it that no
/// demo zone holds is still refused (`unserved.test`).
const TEST_PARENT: &str = include_str!("../../assets/demo/test.zone");
/// The zones the demo signs when it starts: the two parents (their keys are
/// the demo's trust anchor) and the DANE domain (DS in `example.`). The
/// other demo zones are provably unsigned delegations: `insecure`.
pub const DEMO_SIGNED: &[&str] = &["example.", "test.", "dane.example."];
/// The demo's MTA-STS domain and its policy, served at
/// `https://mta-sts.sts.example/.well-known/mta-sts.txt`: `enforce`, and
/// the backup exchange is not covered.
pub const DEMO_STS_DOMAIN: &str = "sts.example.";
const DEMO_STS_POLICY: &str = include_str!("../../assets/demo/sts.example.policy");

/// The migration in progress: the zone `ns-old` still serves, and what the
/// lagging demo resolver has cached (see `assets/demo/README.md`).
const MIGRATION_OLD: &str = include_str!("../../assets/demo/migration/old.zone");
const MIGRATION_LAGGING: &str = include_str!("../../assets/demo/migration/lagging.zone");
/// The domain whose migration the demo shows.
pub const MIGRATING: &str = "migrating.example.";
/// Where the demo's two authoritative servers for [`MIGRATING`] listen
/// (`ns-old`, `ns-new` in `demo.test.`), on the demo server's port.
pub const DEMO_AUTHORITY_IPS: [[u8; 4]; 2] = [[127, 0, 0, 2], [127, 0, 0, 3]];
/// The label of the demo's second resolver.
pub const LAGGING_LABEL: &str = "demo-lagging";

/// The domains `--demo` shows when none is given, in display order: every
/// outcome and most findings.
pub const DEMO_DOMAINS: &[&str] = &[
    "healthy.example.",
    "equal.example.",
    "workspace.example.",
    "m365.example.",
    "shared.example.",
    "migrating.example.",
    "dane.example.",
    "sts.example.",
    "implicit.example.",
    "nullmx.example.",
    "nomail.example.",
    "broken.example.",
    "hostile.example.",
    "xn--bcher-kva.example.",
    "gone.example.",
    "unserved.test.",
];

/// A running authoritative server on UDP and TCP, same port. Stops when dropped.
pub struct AuthServer {
    addr: SocketAddr,
    server: Option<Server<ZoneRouter>>,
}

impl AuthServer {
    /// Serves `zones` (unsigned) on `listen` (port 0: a free port on that address).
    pub async fn start(zones: &[ZoneText], listen: SocketAddr) -> io::Result<Self> {
        Self::serve(plain_router(zones)?, listen).await
    }

    /// Serves what `router` holds on `listen`.
    pub async fn serve(router: ZoneRouter, listen: SocketAddr) -> io::Result<Self> {
        let (udp, tcp) = bind_pair(listen).await?;
        let addr = udp.local_addr()?;
        let mut server = Server::new(router);
        server.register_socket(udp);
        server.register_listener(tcp, Duration::from_secs(5), 65_535);
        Ok(Self {
            addr,
            server: Some(server),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until the task is cancelled or the server fails.
    pub async fn run_until_done(mut self) -> io::Result<()> {
        if let Some(server) = self.server.as_mut() {
            server
                .block_until_done()
                .await
                .map_err(|e| io::Error::other(e.to_string()))?;
        }
        Ok(())
    }
}

impl Drop for AuthServer {
    fn drop(&mut self) {
        if let Some(server) = &self.server {
            server.shutdown_token().cancel();
        }
    }
}

/// The built-in demo: the demo server, and beside it on the same port the
/// two authoritative servers of [`MIGRATING`] that disagree (`ns-old` on
/// 127.0.0.2, `ns-new` on 127.0.0.3). Those two are best effort: where
/// those loopback addresses cannot be bound, the demo runs without them and
/// asking them says they do not answer.
///
/// The demo server signs [`DEMO_SIGNED`] when it starts ([`Self::anchor`]
/// is their trust anchor) and runs the MTA-STS policy host of
/// [`DEMO_STS_DOMAIN`] on 127.0.0.1 with a certificate from a CA generated
/// at start ([`Self::policy_roots`]).
pub struct DemoServer {
    main: AuthServer,
    authorities: Vec<AuthServer>,
    lagging: Option<AuthServer>,
    anchor: Arc<AnchorFile>,
    policy: PolicyServer,
}

impl DemoServer {
    /// Starts the demo on a random loopback port free on all three addresses.
    pub async fn start() -> io::Result<Self> {
        let any = SocketAddr::from(([127, 0, 0, 1], 0));
        let (router, anchor, policy) = prepare().await?;
        let mut last = None;
        for _ in 0..32 {
            let main = AuthServer::serve(router.clone(), any).await?;
            match start_authorities(main.addr().port()).await {
                Ok(authorities) => {
                    return Ok(Self {
                        main,
                        authorities,
                        lagging: None,
                        anchor,
                        policy,
                    });
                }
                Err(e) => last = Some(e),
            }
        }
        tracing::warn!(error = ?last, "the demo's authoritative servers could not start");
        Ok(Self {
            main: AuthServer::serve(router, any).await?,
            authorities: Vec::new(),
            lagging: None,
            anchor,
            policy,
        })
    }

    /// Starts the demo on `listen` (the authoritative servers on its port).
    pub async fn listen(listen: SocketAddr) -> io::Result<Self> {
        let (router, anchor, policy) = prepare().await?;
        let main = AuthServer::serve(router, listen).await?;
        let authorities = if listen.ip().is_loopback() && listen.is_ipv4() {
            start_authorities(main.addr().port())
                .await
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        Ok(Self {
            main,
            authorities,
            lagging: None,
            anchor,
            policy,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.main.addr()
    }

    /// The port every demo server listens on (discovery asks there).
    pub fn port(&self) -> u16 {
        self.main.addr().port()
    }

    /// The trust anchor of the demo's signed zones: the keys of `example.`
    /// and `test.`, generated when the demo started.
    pub fn anchor(&self) -> Arc<AnchorFile> {
        self.anchor.clone()
    }

    /// The demo's CA alone, which signed the policy host's certificate.
    pub fn policy_roots(&self) -> rustls::RootCertStore {
        self.policy.roots()
    }

    /// The demo CA's certificate, PEM.
    pub fn ca_pem(&self) -> &str {
        self.policy.ca_pem()
    }

    /// The port of the MTA-STS policy host (HTTPS on 127.0.0.1).
    pub fn https_port(&self) -> u16 {
        self.policy.addr().port()
    }

    /// The authoritative servers of [`MIGRATING`] that are running.
    pub fn authority_addrs(&self) -> Vec<SocketAddr> {
        self.authorities.iter().map(AuthServer::addr).collect()
    }

    /// Starts the demo's second resolver: every demo zone as the demo server
    /// has it, except [`MIGRATING`], for which it still has the old answer
    /// cached. Returns its address.
    pub async fn start_lagging(&mut self) -> io::Result<SocketAddr> {
        let zones: Vec<ZoneText> = demo_zones()
            .into_iter()
            .map(|z| {
                if z.origin == MIGRATING {
                    ZoneText {
                        origin: z.origin,
                        text: MIGRATION_LAGGING.to_string(),
                    }
                } else {
                    z
                }
            })
            .collect();
        let server = AuthServer::start(&zones, SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = server.addr();
        self.lagging = Some(server);
        Ok(addr)
    }

    /// Serves until the process is stopped.
    pub async fn run_until_done(self) -> io::Result<()> {
        let Self {
            main,
            authorities,
            lagging,
            anchor: _,
            policy,
        } = self;
        let result = main.run_until_done().await;
        drop((authorities, lagging, policy));
        result
    }
}

/// The signed zones and the policy host, made side by side: signing is
/// the costly part of the demo's start (about 2 ms), so it runs on a
/// blocking thread while the CA and certificate are generated.
async fn prepare() -> io::Result<(ZoneRouter, Arc<AnchorFile>, PolicyServer)> {
    let signing = tokio::task::spawn_blocking(demo_router);
    let policy = start_policy().await?;
    let (router, anchor) = signing.await.map_err(io::Error::other)??;
    Ok((router, anchor, policy))
}

/// The demo zones and their reverse zones, signed as [`DEMO_SIGNED`] says,
/// and their trust anchor.
fn demo_router() -> io::Result<(ZoneRouter, Arc<AnchorFile>)> {
    let parent = ZoneText {
        origin: "test.".into(),
        text: TEST_PARENT.into(),
    };
    let mut zones = parse_all(&demo_zones())?;
    let reverse = parse_all(&reverse_zones(&zones))?;
    zones.extend(reverse);
    let (router, anchor) = signed_router(zones, parse_all(&[parent])?, DEMO_SIGNED)?;
    Ok((router, Arc::new(anchor)))
}

/// The policy host of [`DEMO_STS_DOMAIN`] on 127.0.0.1, a free port.
async fn start_policy() -> io::Result<PolicyServer> {
    let host = PolicyHost {
        host: format!("mta-sts.{}", DEMO_STS_DOMAIN.trim_end_matches('.')),
        policy: DEMO_STS_POLICY.to_string(),
    };
    PolicyServer::start(vec![host], SocketAddr::from(([127, 0, 0, 1], 0))).await
}

/// `ns-old` and `ns-new` on 127.0.0.2 and 127.0.0.3, at `port`.
async fn start_authorities(port: u16) -> io::Result<Vec<AuthServer>> {
    let versions = [MIGRATION_OLD, DEMO_ZONES_MIGRATING];
    let mut out = Vec::new();
    for (ip, text) in DEMO_AUTHORITY_IPS.iter().zip(versions) {
        let zone = ZoneText {
            origin: MIGRATING.to_string(),
            text: text.to_string(),
        };
        out.push(AuthServer::start(&[zone], SocketAddr::from((*ip, port))).await?);
    }
    Ok(out)
}

/// The new version of [`MIGRATING`], as the demo server serves it.
const DEMO_ZONES_MIGRATING: &str = include_str!("../../assets/demo/migrating.example.zone");

/// The demo zones as [`ZoneText`]s.
pub fn demo_zones() -> Vec<ZoneText> {
    DEMO_ZONES
        .iter()
        .map(|(origin, text)| ZoneText {
            origin: (*origin).to_string(),
            text: (*text).to_string(),
        })
        .collect()
}

/// Binds UDP and TCP on the same port; with port 0, retries until a free
/// UDP port is also free for TCP.
async fn bind_pair(listen: SocketAddr) -> io::Result<(UdpSocket, TcpListener)> {
    let mut last = None;
    for _ in 0..32 {
        let udp = UdpSocket::bind(listen).await?;
        let addr = udp.local_addr()?;
        match TcpListener::bind(addr).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) if listen.port() == 0 => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free port pair")))
}
