//! The DNS test lab: real servers on random loopback ports.
//!
//! - [`TestDns`]: the in-process hickory authoritative server with a test's
//!   own zones (the same server as the built-in demo).
//! - [`RcodeServer`]: answers every query with one response code (SERVFAIL,
//!   REFUSED, …), over a real UDP socket.
//! - [`SilentServer`]: a bound UDP socket that never answers (timeouts).
//! - [`hostile::Hostile`]: UDP and TCP on one port, every answer crafted byte
//!   by byte by the test, every query recorded.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the lab"
)]

pub mod fixtures;
pub mod hostile;
pub mod https;
pub mod nsd;
pub mod tmux;
pub mod tui;
pub mod xvfb;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mxlens::dns::demo::{AuthServer, ZoneText};
use mxlens::dns::upstream::{LookupOptions, Upstream};

/// Fast options for tests: failures show up within a second.
pub fn quick() -> LookupOptions {
    LookupOptions {
        timeout: Duration::from_millis(400),
        attempts: 1,
    }
}

pub struct TestDns {
    server: AuthServer,
}

impl TestDns {
    /// Serves one or more zones: `(origin, text)`; text may omit SOA and NS
    /// (they are added).
    pub async fn start(zones: &[(&str, &str)]) -> Self {
        Self::start_at(zones, "127.0.0.1:0".parse().unwrap())
            .await
            .expect("test zones load and the server binds")
    }

    /// Like [`TestDns::start`], on `listen` (a fixed port may be taken: the
    /// error says so).
    pub async fn start_at(zones: &[(&str, &str)], listen: SocketAddr) -> std::io::Result<Self> {
        let zones: Vec<ZoneText> = zones
            .iter()
            .map(|(origin, text)| ZoneText {
                origin: origin.to_string(),
                text: with_soa(origin, text),
            })
            .collect();
        let server = AuthServer::start(&zones, listen).await?;
        Ok(Self { server })
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn upstream(&self) -> Upstream {
        Upstream::server(self.addr(), &quick())
    }
}

fn with_soa(origin: &str, text: &str) -> String {
    if text.contains(" SOA ") {
        return text.to_string();
    }
    format!(
        "$ORIGIN {origin}\n$TTL 300\n@ 3600 IN SOA ns1.lab.test. hostmaster.lab.test. 1 7200 3600 1209600 60\n@ 3600 IN NS ns1.lab.test.\n{text}\n"
    )
}

/// Answers every query with `rcode`, echoing the question (RFC 1035 §4.1.1).
pub struct RcodeServer {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl RcodeServer {
    pub async fn start(rcode: u8) -> Self {
        Self::start_with(rcode, false).await
    }

    /// Like [`RcodeServer::start`], but the echoed question names another
    /// name (an off-path answer): a client must ignore it.
    pub async fn start_mismatched(rcode: u8) -> Self {
        Self::start_with(rcode, true).await
    }

    async fn start_with(rcode: u8, mismatch: bool) -> Self {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
                if n < 12 {
                    continue;
                }
                let mut reply = buf[..n].to_vec();
                reply[2] = 0x80 | (reply[2] & 0x79); // QR, keep opcode and RD
                reply[3] = 0x80 | (rcode & 0x0f); // RA, rcode
                // No answer, authority or additional records.
                reply[6..12].fill(0);
                let question_end = question_end(&reply).unwrap_or(n);
                reply.truncate(question_end);
                if mismatch && reply.len() > 13 {
                    reply[13] ^= 0x01; // first letter of the question name
                }
                let _ = socket.send_to(&reply, peer).await;
            }
        });
        Self { addr, task }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn upstream(&self) -> Upstream {
        Upstream::server(self.addr, &quick())
    }
}

impl Drop for RcodeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The built binary, isolated from the machine it runs on: no colour, no
/// log, never the user's configuration or state (they could set resolvers,
/// colour, a profile), no policy port from the environment.
pub fn mxlens() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_mxlens"));
    c.env("NO_COLOR", "1")
        .env_remove("MXLENS_LOG")
        .env_remove("MXLENS_CONFIG")
        .env_remove("MXLENS_MTA_STS_PORT")
        .env("XDG_CONFIG_HOME", "/nonexistent/mxlens-test")
        .env("XDG_STATE_HOME", "/nonexistent/mxlens-test");
    c
}

/// Runs `c` off the async runtime, so the in-process servers keep
/// answering while it waits.
pub async fn output(mut c: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

/// The query type of the first question.
pub fn qtype(msg: &[u8]) -> Option<u16> {
    let end = question_end(msg)?;
    Some(u16::from_be_bytes([msg[end - 4], msg[end - 3]]))
}

/// End of the first question (name, type, class) after the 12-byte header.
fn question_end(msg: &[u8]) -> Option<usize> {
    let mut i = 12;
    loop {
        let len = *msg.get(i)? as usize;
        i += 1;
        if len == 0 {
            break;
        }
        i += len;
    }
    Some(i + 4).filter(|&end| end <= msg.len())
}

/// A UDP port that receives and never answers.
pub struct SilentServer {
    socket: std::net::UdpSocket,
}

impl SilentServer {
    pub fn start() -> Self {
        Self {
            socket: std::net::UdpSocket::bind("127.0.0.1:0").unwrap(),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.socket.local_addr().unwrap()
    }

    pub fn upstream(&self) -> Upstream {
        Upstream::server(self.addr(), &quick())
    }
}

/// Codes of a report's findings, sorted.
pub fn codes(report: &mxlens::mx::MxReport) -> Vec<String> {
    let mut c: Vec<String> = report.findings.iter().map(|f| f.code.clone()).collect();
    c.sort();
    c.dedup();
    c
}

/// Whether `tool` is on `PATH`. When it is missing the test is skipped with
/// a note, except under CI (`CI` set), where a skipped test would hide a
/// missing install step: there it fails.
pub fn have_tool(tool: &str, package: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()));
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is missing under CI: install the Debian package {package}"
        );
        eprintln!("skipped: {tool} is not installed (Debian package {package})");
    }
    found
}

/// Longest wait for anything the tests expect on screen or on a clipboard.
pub const WAIT: Duration = Duration::from_secs(15);

/// Polls `probe` until it returns `Some`, for at most [`WAIT`].
pub fn poll<T>(what: &str, mut probe: impl FnMut() -> Option<T>, last: impl Fn() -> String) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; last seen:\n{}",
            last()
        );
        std::thread::sleep(Duration::from_millis(40));
    }
}
