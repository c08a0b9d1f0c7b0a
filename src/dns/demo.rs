//! The in-process authoritative server: the built-in demo (`--demo`,
//! `serve-demo`) and the DNS test lab both run on it.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_server::Server;
use hickory_server::proto::rr::LowerName;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use tokio::net::{TcpListener, UdpSocket};

use crate::dns::zone::parse_zone;

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
];

/// The domains `--demo` shows when none is given, in display order: every
/// outcome and most findings.
pub const DEMO_DOMAINS: &[&str] = &[
    "healthy.example.",
    "equal.example.",
    "workspace.example.",
    "m365.example.",
    "shared.example.",
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
    server: Option<Server<Catalog>>,
}

impl AuthServer {
    /// Serves `zones` on `listen` (port 0: a free port on that address).
    pub async fn start(zones: &[ZoneText], listen: SocketAddr) -> io::Result<Self> {
        let catalog = build_catalog(zones)?;
        let (udp, tcp) = bind_pair(listen).await?;
        let addr = udp.local_addr()?;
        let mut server = Server::new(catalog);
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

/// The built-in demo server.
pub struct DemoServer(AuthServer);

impl DemoServer {
    /// Starts the demo on a random loopback port.
    pub async fn start() -> io::Result<Self> {
        Self::listen(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts the demo on `listen`.
    pub async fn listen(listen: SocketAddr) -> io::Result<Self> {
        Ok(Self(AuthServer::start(&demo_zones(), listen).await?))
    }

    pub fn addr(&self) -> SocketAddr {
        self.0.addr()
    }

    /// Serves until the process is stopped.
    pub async fn run_until_done(self) -> io::Result<()> {
        self.0.run_until_done().await
    }
}

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

fn build_catalog(zones: &[ZoneText]) -> io::Result<Catalog> {
    let mut catalog = Catalog::new();
    for zone in zones {
        let bad = |what: String| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("zone \"{}\": {what}", zone.origin),
            )
        };
        let (origin, records) = parse_zone(&zone.origin, &zone.text).map_err(bad)?;
        let handler =
            InMemoryZoneHandler::<hickory_server::net::runtime::TokioRuntimeProvider>::new(
                origin.clone(),
                records,
                ZoneType::Primary,
                AxfrPolicy::Deny,
            )
            .map_err(bad)?;
        catalog.upsert(LowerName::new(&origin), vec![Arc::new(handler)]);
    }
    Ok(catalog)
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
