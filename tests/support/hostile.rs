//! A hostile DNS server: every answer is crafted byte by byte by the test.
//!
//! UDP and TCP listen on one loopback port. For every query the test's
//! handler returns what to do: send these bytes (any bytes: wrong IDs,
//! foreign questions, truncation, odd classes and opcodes, malformed
//! packets), wait first (slow drips), or nothing at all (a dropped query).
//! Every query received is recorded, so a test can assert on what the
//! client asked.
//!
//! ```ignore
//! let server = Hostile::start(|q| match (q.name.as_str(), q.qtype) {
//!     ("t.test.", MX) => vec![Act::send(Msg::reply(q).answer(Rr::mx("t.test.", 10, "mx.t.test.")))],
//!     _ => vec![Act::send(Msg::reply(q).rcode(3))],
//! }).await;
//! ```

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

use mxlens::dns::upstream::{LookupOptions, Upstream};

pub const A: u16 = 1;
pub const NS: u16 = 2;
pub const CNAME: u16 = 5;
pub const SOA: u16 = 6;
pub const MX: u16 = 15;
pub const AAAA: u16 = 28;
pub const IN: u16 = 1;
pub const CH: u16 = 3;

/// One query as received.
#[derive(Debug, Clone)]
pub struct Query {
    pub id: u16,
    /// Lower-case, trailing dot (`"."` for the root); odd bytes as `\DDD`.
    pub name: String,
    /// The name as it was on the wire (uncompressed labels).
    pub wire_name: Vec<u8>,
    pub qtype: u16,
    pub qclass: u16,
    /// Recursion desired.
    pub rd: bool,
    /// Came over TCP.
    pub tcp: bool,
}

/// What to do for one query, in order.
#[derive(Debug, Clone)]
pub enum Act {
    /// Send these bytes (over TCP with the 2-byte length prefix added).
    Send(Vec<u8>),
    /// Wait before the next act.
    Sleep(Duration),
    /// TCP only: close the connection now.
    Close,
}

impl Act {
    pub fn send(msg: Msg) -> Act {
        Act::Send(msg.bytes())
    }

    pub fn sleep_ms(ms: u64) -> Act {
        Act::Sleep(Duration::from_millis(ms))
    }
}

type Handler = dyn Fn(&Query) -> Vec<Act> + Send + Sync;

pub struct Hostile {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Query>>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Hostile {
    /// UDP and TCP on one random loopback port.
    pub async fn start(handler: impl Fn(&Query) -> Vec<Act> + Send + Sync + 'static) -> Self {
        Self::start_with(handler, true).await
    }

    /// UDP only: TCP connections to the port are refused.
    pub async fn start_udp_only(
        handler: impl Fn(&Query) -> Vec<Act> + Send + Sync + 'static,
    ) -> Self {
        Self::start_with(handler, false).await
    }

    async fn start_with(
        handler: impl Fn(&Query) -> Vec<Act> + Send + Sync + 'static,
        tcp: bool,
    ) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        let received = Arc::new(Mutex::new(Vec::new()));
        // A port free for both protocols: take a TCP port, then its UDP twin.
        let (listener, udp) = loop {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            if let Ok(udp) = UdpSocket::bind(("127.0.0.1", port)).await {
                break (listener, udp);
            }
        };
        let addr = udp.local_addr().unwrap();
        let mut tasks = vec![tokio::spawn(serve_udp(
            Arc::new(udp),
            handler.clone(),
            received.clone(),
        ))];
        if tcp {
            tasks.push(tokio::spawn(serve_tcp(listener, handler, received.clone())));
        } else {
            drop(listener);
        }
        Self {
            addr,
            received,
            tasks,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// An upstream pinned to this server with the tests' quick options.
    pub fn upstream(&self) -> Upstream {
        Upstream::server(self.addr, &super::quick())
    }

    pub fn upstream_with(&self, opts: &LookupOptions) -> Upstream {
        Upstream::server(self.addr, opts)
    }

    /// Every query received so far, in arrival order.
    pub fn queries(&self) -> Vec<Query> {
        self.received.lock().unwrap().clone()
    }

    /// How many queries asked for `name`/`qtype`.
    pub fn count(&self, name: &str, qtype: u16) -> usize {
        self.queries()
            .iter()
            .filter(|q| q.name == name && q.qtype == qtype)
            .count()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

async fn serve_udp(
    socket: Arc<UdpSocket>,
    handler: Arc<Handler>,
    received: Arc<Mutex<Vec<Query>>>,
) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let Ok((n, peer)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        let Some(q) = parse_query(&buf[..n], false) else {
            continue;
        };
        received.lock().unwrap().push(q.clone());
        let acts = handler(&q);
        let socket = socket.clone();
        tokio::spawn(async move {
            for act in acts {
                match act {
                    Act::Send(bytes) => {
                        let _ = socket.send_to(&bytes, peer).await;
                    }
                    Act::Sleep(d) => tokio::time::sleep(d).await,
                    Act::Close => {}
                }
            }
        });
    }
}

async fn serve_tcp(listener: TcpListener, handler: Arc<Handler>, received: Arc<Mutex<Vec<Query>>>) {
    while let Ok((mut stream, _)) = listener.accept().await {
        let handler = handler.clone();
        let received = received.clone();
        tokio::spawn(async move {
            loop {
                let mut len = [0u8; 2];
                if stream.read_exact(&mut len).await.is_err() {
                    return;
                }
                let mut buf = vec![0u8; u16::from_be_bytes(len) as usize];
                if stream.read_exact(&mut buf).await.is_err() {
                    return;
                }
                let Some(q) = parse_query(&buf, true) else {
                    return;
                };
                received.lock().unwrap().push(q.clone());
                for act in handler(&q) {
                    match act {
                        Act::Send(bytes) => {
                            let mut framed = (bytes.len() as u16).to_be_bytes().to_vec();
                            framed.extend_from_slice(&bytes);
                            if stream.write_all(&framed).await.is_err() {
                                return;
                            }
                        }
                        Act::Sleep(d) => tokio::time::sleep(d).await,
                        Act::Close => return,
                    }
                }
            }
        });
    }
}

fn parse_query(msg: &[u8], tcp: bool) -> Option<Query> {
    if msg.len() < 12 || u16::from_be_bytes([msg[4], msg[5]]) == 0 {
        return None;
    }
    let mut i = 12;
    let mut name = String::new();
    loop {
        let len = *msg.get(i)? as usize;
        if len == 0 {
            i += 1;
            break;
        }
        if len > 63 {
            return None;
        }
        for &b in msg.get(i + 1..i + 1 + len)? {
            match b.to_ascii_lowercase() {
                b'.' => name.push_str("\\."),
                b'\\' => name.push_str("\\\\"),
                b if b.is_ascii_graphic() => name.push(b as char),
                b => name.push_str(&format!("\\{b:03}")),
            }
        }
        name.push('.');
        i += 1 + len;
    }
    if name.is_empty() {
        name.push('.');
    }
    let wire_name = msg[12..i].to_vec();
    let tail = msg.get(i..i + 4)?;
    Some(Query {
        id: u16::from_be_bytes([msg[0], msg[1]]),
        name,
        wire_name,
        qtype: u16::from_be_bytes([tail[0], tail[1]]),
        qclass: u16::from_be_bytes([tail[2], tail[3]]),
        rd: msg[2] & 0x01 != 0,
        tcp,
    })
}

/// A name in uncompressed wire form. Labels are split at dots; no escapes.
pub fn wire(name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in name
        .trim_end_matches('.')
        .split('.')
        .filter(|l| !l.is_empty())
    {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out
}

/// One resource record, built field by field.
#[derive(Debug, Clone)]
pub struct Rr {
    pub owner: Vec<u8>,
    pub rtype: u16,
    pub class: u16,
    pub ttl: u32,
    pub rdata: Vec<u8>,
}

impl Rr {
    pub fn new(owner: &str, rtype: u16, rdata: Vec<u8>) -> Self {
        Self {
            owner: wire(owner),
            rtype,
            class: IN,
            ttl: 300,
            rdata,
        }
    }

    pub fn a(owner: &str, ip: &str) -> Self {
        let ip: std::net::Ipv4Addr = ip.parse().unwrap();
        Self::new(owner, A, ip.octets().to_vec())
    }

    pub fn aaaa(owner: &str, ip: &str) -> Self {
        let ip: std::net::Ipv6Addr = ip.parse().unwrap();
        Self::new(owner, AAAA, ip.octets().to_vec())
    }

    pub fn mx(owner: &str, preference: u16, exchange: &str) -> Self {
        let mut rdata = preference.to_be_bytes().to_vec();
        rdata.extend(wire(exchange));
        Self::new(owner, MX, rdata)
    }

    pub fn cname(owner: &str, target: &str) -> Self {
        Self::new(owner, CNAME, wire(target))
    }

    pub fn ns(owner: &str, server: &str) -> Self {
        Self::new(owner, NS, wire(server))
    }

    /// An SOA whose minimum (the negative TTL) is 60.
    pub fn soa(owner: &str) -> Self {
        let mut rdata = wire(&format!("ns1.{}", owner.trim_start_matches('.')));
        rdata.extend(wire(&format!(
            "hostmaster.{}",
            owner.trim_start_matches('.')
        )));
        for v in [1u32, 7200, 3600, 1_209_600, 60] {
            rdata.extend(v.to_be_bytes());
        }
        Self::new(owner, SOA, rdata)
    }

    pub fn ttl(mut self, ttl: u32) -> Self {
        self.ttl = ttl;
        self
    }

    pub fn class(mut self, class: u16) -> Self {
        self.class = class;
        self
    }

    fn bytes(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.owner);
        out.extend(self.rtype.to_be_bytes());
        out.extend(self.class.to_be_bytes());
        out.extend(self.ttl.to_be_bytes());
        out.extend((self.rdata.len() as u16).to_be_bytes());
        out.extend_from_slice(&self.rdata);
    }
}

/// A DNS message, built field by field; [`Msg::reply`] starts from a
/// well-formed answer to the query and every field can then be spoiled.
#[derive(Debug, Clone)]
pub struct Msg {
    pub id: u16,
    pub qr: bool,
    pub opcode: u8,
    pub aa: bool,
    pub tc: bool,
    pub rd: bool,
    pub ra: bool,
    pub rcode: u8,
    /// (wire name, type, class); `None` sends no question.
    pub question: Option<(Vec<u8>, u16, u16)>,
    pub answers: Vec<Rr>,
    pub authority: Vec<Rr>,
    pub additional: Vec<Rr>,
}

impl Msg {
    /// A NOERROR answer echoing the question, RA set, AA clear, no records.
    pub fn reply(q: &Query) -> Self {
        Self {
            id: q.id,
            qr: true,
            opcode: 0,
            aa: false,
            tc: false,
            rd: q.rd,
            ra: true,
            rcode: 0,
            question: Some((q.wire_name.clone(), q.qtype, q.qclass)),
            answers: Vec::new(),
            authority: Vec::new(),
            additional: Vec::new(),
        }
    }

    pub fn id(mut self, id: u16) -> Self {
        self.id = id;
        self
    }
    pub fn rcode(mut self, rcode: u8) -> Self {
        self.rcode = rcode;
        self
    }
    pub fn opcode(mut self, opcode: u8) -> Self {
        self.opcode = opcode;
        self
    }
    pub fn aa(mut self, aa: bool) -> Self {
        self.aa = aa;
        self
    }
    pub fn tc(mut self) -> Self {
        self.tc = true;
        self
    }
    pub fn ra(mut self, ra: bool) -> Self {
        self.ra = ra;
        self
    }
    /// Replaces the echoed question.
    pub fn question(mut self, name: &str, qtype: u16, qclass: u16) -> Self {
        self.question = Some((wire(name), qtype, qclass));
        self
    }
    pub fn answer(mut self, rr: Rr) -> Self {
        self.answers.push(rr);
        self
    }
    pub fn answers(mut self, rrs: impl IntoIterator<Item = Rr>) -> Self {
        self.answers.extend(rrs);
        self
    }
    pub fn authority(mut self, rr: Rr) -> Self {
        self.authority.push(rr);
        self
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        out.extend(self.id.to_be_bytes());
        out.push(
            (u8::from(self.qr) << 7)
                | ((self.opcode & 0x0f) << 3)
                | (u8::from(self.aa) << 2)
                | (u8::from(self.tc) << 1)
                | u8::from(self.rd),
        );
        out.push((u8::from(self.ra) << 7) | (self.rcode & 0x0f));
        for n in [
            usize::from(self.question.is_some()),
            self.answers.len(),
            self.authority.len(),
            self.additional.len(),
        ] {
            out.extend((n as u16).to_be_bytes());
        }
        if let Some((name, qtype, qclass)) = &self.question {
            out.extend_from_slice(name);
            out.extend(qtype.to_be_bytes());
            out.extend(qclass.to_be_bytes());
        }
        for rr in self
            .answers
            .iter()
            .chain(&self.authority)
            .chain(&self.additional)
        {
            rr.bytes(&mut out);
        }
        out
    }
}

/// An EDNS OPT record carrying the upper bits of an extended rcode
/// (RFC 6891 §6.1.3): rcode = (ext << 4) | header rcode.
pub fn opt_with_extended_rcode(ext: u8) -> Rr {
    Rr {
        owner: vec![0],
        rtype: 41,
        class: 1232,
        ttl: u32::from(ext) << 24,
        rdata: Vec::new(),
    }
}

impl Msg {
    pub fn additional(mut self, rr: Rr) -> Self {
        self.additional.push(rr);
        self
    }
}
