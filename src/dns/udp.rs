//! A lean UDP transport for a pinned upstream.
//!
//! Queries go out over a few long-lived connected sockets, multiplexed by
//! random message ID (RFC 5452 §4.3), with the answer's question checked
//! against ours. A socket carries at most [`MAX_IN_FLIGHT`] queries at once;
//! further queries wait for a slot, so the ID space never runs dry and the
//! pending map stays small whatever the load. One call is one try: the
//! caller ([`crate::dns::upstream`]) owns retries, TCP and the deadline.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hickory_resolver::proto::op::{Message, MessageType, OpCode};
use hickory_resolver::proto::rr::{DNSClass, Name, RecordType};
use tokio::net::UdpSocket;
use tokio::sync::{OnceCell, Semaphore, oneshot};
use tokio::task::JoinHandle;

/// Sockets per upstream: enough to spread the kernel work, few enough to
/// stay cheap.
pub const SOCKETS: usize = 4;
/// Queries in flight on one socket at most: 1/16 of the ID space, so a free
/// ID is found at the first draw almost always.
pub const MAX_IN_FLIGHT: usize = 4096;
/// The EDNS buffer size advertised (the DNS flag day 2020 value).
const EDNS_PAYLOAD: u16 = 1232;

/// What one try brought back.
#[derive(Debug)]
pub enum Try {
    /// A response to our question (ID, question and opcode checked).
    Answer(Message),
    /// A response with our ID that could not be used: it did not parse, or
    /// it answered with another opcode or (over TCP) another question.
    Malformed,
    /// Nothing usable within the wait.
    Timeout,
    /// The kernel says nobody listens there (ICMP port unreachable,
    /// connection refused, no route).
    Unreachable,
    /// A local error (no socket could be opened, …).
    Local,
}

enum Reply {
    Answer(Message),
    Malformed,
    Refused,
}

struct Waiter {
    name: Name,
    rtype: RecordType,
    token: u64,
    tx: oneshot::Sender<Reply>,
}

type Pending = Arc<Mutex<HashMap<u16, Waiter>>>;

struct Socket {
    socket: Arc<UdpSocket>,
    pending: Pending,
    slots: Semaphore,
    reader: JoinHandle<()>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Long-lived sockets to one server. Opened on first use.
pub struct UdpPool {
    server: SocketAddr,
    count: usize,
    sockets: OnceCell<Result<Vec<Socket>, std::io::ErrorKind>>,
    next: AtomicUsize,
}

impl UdpPool {
    pub fn new(server: SocketAddr) -> Self {
        Self::with_sockets(server, SOCKETS)
    }

    /// A pool of `count` sockets (at least one).
    pub fn with_sockets(server: SocketAddr, count: usize) -> Self {
        Self {
            server,
            count: count.max(1),
            sockets: OnceCell::new(),
            next: AtomicUsize::new(0),
        }
    }

    pub fn server(&self) -> SocketAddr {
        self.server
    }

    async fn sockets(&self) -> Result<&[Socket], std::io::ErrorKind> {
        let (server, count) = (self.server, self.count);
        self.sockets
            .get_or_init(|| async move { open(server, count).await.map_err(|e| e.kind()) })
            .await
            .as_ref()
            .map(Vec::as_slice)
            .map_err(|e| *e)
    }

    /// One try: waits at most `wait`, including the wait for a free slot.
    pub async fn query(&self, name: &Name, rtype: RecordType, wait: Duration) -> Try {
        match tokio::time::timeout(wait, self.try_once(name, rtype)).await {
            Ok(t) => t,
            Err(_) => Try::Timeout,
        }
    }

    async fn try_once(&self, name: &Name, rtype: RecordType) -> Try {
        let sockets = match self.sockets().await {
            Ok(s) => s,
            Err(kind) => return io_try(kind),
        };
        let s = &sockets[self.next.fetch_add(1, Ordering::Relaxed) % sockets.len()];
        let Ok(_slot) = s.slots.acquire().await else {
            return Try::Local;
        };
        let (tx, rx) = oneshot::channel();
        let token = next_token();
        let id = {
            let mut pending = lock(&s.pending);
            let id = free_id(&pending);
            pending.insert(
                id,
                Waiter {
                    name: name.clone(),
                    rtype,
                    token,
                    tx,
                },
            );
            id
        };
        // Removes our entry however this try ends (answer, error, timeout).
        let _forget = Forget {
            pending: &s.pending,
            id,
            token,
        };
        let Some(packet) = request(id, name, rtype) else {
            return Try::Local;
        };
        if let Err(e) = s.socket.send(&packet).await {
            return io_try(e.kind());
        }
        match rx.await {
            Ok(Reply::Answer(msg)) => Try::Answer(msg),
            Ok(Reply::Malformed) => Try::Malformed,
            Ok(Reply::Refused) => Try::Unreachable,
            Err(_) => Try::Local,
        }
    }
}

struct Forget<'a> {
    pending: &'a Pending,
    id: u16,
    token: u64,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        let mut pending = lock(self.pending);
        if pending.get(&self.id).is_some_and(|w| w.token == self.token) {
            pending.remove(&self.id);
        }
    }
}

fn lock(p: &Pending) -> std::sync::MutexGuard<'_, HashMap<u16, Waiter>> {
    p.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A random ID not pending on the socket. The slot limit keeps the map at
/// most 1/16 full, so this ends after a draw or two; the scan is a bound,
/// not a path taken.
fn free_id(pending: &HashMap<u16, Waiter>) -> u16 {
    for _ in 0..64 {
        let id = random_u16();
        if !pending.contains_key(&id) {
            return id;
        }
    }
    let start = random_u16();
    (0..=u16::MAX)
        .map(|i| start.wrapping_add(i))
        .find(|id| !pending.contains_key(id))
        .unwrap_or(start)
}

fn next_token() -> u64 {
    static TOKEN: AtomicU64 = AtomicU64::new(0);
    TOKEN.fetch_add(1, Ordering::Relaxed)
}

/// The try an I/O error stands for.
pub fn io_try(kind: std::io::ErrorKind) -> Try {
    use std::io::ErrorKind::*;
    match kind {
        ConnectionRefused | ConnectionReset | NetworkUnreachable | HostUnreachable
        | AddrNotAvailable => Try::Unreachable,
        TimedOut => Try::Timeout,
        _ => Try::Local,
    }
}

async fn open(server: SocketAddr, count: usize) -> std::io::Result<Vec<Socket>> {
    let local: SocketAddr = if server.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let socket = UdpSocket::bind(local).await?;
        // Connected: the kernel drops datagrams from anyone but the server,
        // and reports its ICMP errors on this socket.
        socket.connect(server).await?;
        let socket = Arc::new(socket);
        let pending: Pending = Arc::default();
        let reader = tokio::spawn(read_loop(socket.clone(), pending.clone()));
        out.push(Socket {
            socket,
            pending,
            slots: Semaphore::new(MAX_IN_FLIGHT),
            reader,
        });
    }
    Ok(out)
}

/// Hands each answer to the query waiting for its ID, when the question matches.
async fn read_loop(socket: Arc<UdpSocket>, pending: Pending) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let n = match socket.recv(&mut buf).await {
            Ok(n) => n,
            Err(e) => {
                if matches!(io_try(e.kind()), Try::Unreachable) {
                    // An ICMP error on a connected socket: the server is not
                    // there. Every query waiting on this socket learns it now
                    // instead of after its timeout.
                    for (_, w) in lock(&pending).drain() {
                        let _ = w.tx.send(Reply::Refused);
                    }
                } else {
                    // Anything else is local and may repeat: do not spin on it.
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                continue;
            }
        };
        let packet = &buf[..n];
        // Only responses (QR set) with a full header are considered.
        if n < 12 || packet[2] & 0x80 == 0 {
            continue;
        }
        let id = u16::from_be_bytes([packet[0], packet[1]]);
        let reply = match Message::from_vec(packet) {
            Ok(msg) => {
                let p = lock(&pending);
                let Some(w) = p.get(&id) else { continue };
                if !same_question(&msg, &w.name, w.rtype) {
                    // Spoofed or stale: ignore it, the real answer may follow.
                    continue;
                }
                if msg.metadata.op_code != OpCode::Query {
                    Reply::Malformed
                } else {
                    Reply::Answer(msg)
                }
            }
            Err(_) => Reply::Malformed,
        };
        if let Some(w) = lock(&pending).remove(&id) {
            let _ = w.tx.send(reply);
        }
    }
}

/// Whether `msg` is a response to exactly our question (class IN).
pub fn same_question(msg: &Message, name: &Name, rtype: RecordType) -> bool {
    msg.metadata.message_type == MessageType::Response
        && msg.queries.len() == 1
        && msg.queries[0].query_type == rtype
        && msg.queries[0].query_class == DNSClass::IN
        && msg.queries[0].name == *name
}

/// A recursive query for `name`/`rtype` with EDNS (RFC 6891: OPT with
/// our buffer size, version 0, no options), written straight into one
/// buffer: the fast path builds no `Message` per query.
pub fn request(id: u16, name: &Name, rtype: RecordType) -> Option<Vec<u8>> {
    request_with(id, name, rtype, false)
}

/// [`request`], with the DO bit (RFC 3225) set when `dnssec_ok`: the
/// server then adds the RRSIGs of what it returns.
pub fn request_with(id: u16, name: &Name, rtype: RecordType, dnssec_ok: bool) -> Option<Vec<u8>> {
    const HEADER: [u8; 10] = [
        0x01, 0x00, // RD
        0, 1, // one question
        0, 0, // no answers
        0, 0, // no authority
        0, 1, // one additional: the OPT record
    ];
    let mut out = Vec::with_capacity(12 + name.len() + 2 + 4 + 11);
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&HEADER);
    for label in name.iter() {
        let len = u8::try_from(label.len())
            .ok()
            .filter(|l| (1..=63).contains(l))?;
        out.push(len);
        out.extend_from_slice(label);
    }
    out.push(0);
    out.extend_from_slice(&u16::from(rtype).to_be_bytes());
    out.extend_from_slice(&u16::from(DNSClass::IN).to_be_bytes());
    // OPT: root owner, type 41, class = payload size, TTL = extended rcode,
    // version and flags (all 0), no data.
    out.extend_from_slice(&[0, 0, 41]);
    out.extend_from_slice(&EDNS_PAYLOAD.to_be_bytes());
    let flags = if dnssec_ok { 0x80 } else { 0 };
    out.extend_from_slice(&[0, 0, flags, 0, 0, 0]);
    Some(out)
}

/// A random message ID (RFC 5452 §4.3: IDs must be unpredictable).
pub fn random_u16() -> u16 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SEED: std::sync::OnceLock<RandomState> = std::sync::OnceLock::new();
    let mut h = SEED.get_or_init(RandomState::new).build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish() as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse_as_the_query_they_stand_for() {
        let name = Name::from_ascii("Mx1.Example.TEST.").unwrap();
        let bytes = request(0xbeef, &name, RecordType::AAAA).unwrap();
        let msg = Message::from_vec(&bytes).unwrap();
        assert_eq!(msg.metadata.id, 0xbeef);
        assert_eq!(msg.metadata.message_type, MessageType::Query);
        assert_eq!(msg.metadata.op_code, OpCode::Query);
        assert!(msg.metadata.recursion_desired);
        assert_eq!(msg.queries.len(), 1);
        assert_eq!(msg.queries[0].name, name);
        assert_eq!(msg.queries[0].query_type, RecordType::AAAA);
        assert_eq!(msg.queries[0].query_class, DNSClass::IN);
        let edns = msg.edns.expect("an OPT record");
        assert_eq!(edns.max_payload(), EDNS_PAYLOAD);
        assert_eq!(edns.version(), 0);
        assert!(!edns.flags().dnssec_ok);
        let signed = request_with(0xbeef, &name, RecordType::AAAA, true).unwrap();
        let msg = Message::from_vec(&signed).unwrap();
        assert!(msg.edns.expect("an OPT record").flags().dnssec_ok);
        assert!(msg.answers.is_empty() && msg.authorities.is_empty());
        assert_eq!(
            request(1, &Name::root(), RecordType::NS).unwrap().len(),
            12 + 1 + 4 + 11
        );
    }

    /// More queries than one socket has IDs, all pending at once against a
    /// server that never answers: every one ends as a timeout, none spins
    /// (before the slot limit, the ID draw looped forever holding the lock).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn more_pending_queries_than_ids_end_in_timeouts() {
        const QUERIES: usize = 70_000;
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let pool = Arc::new(UdpPool::with_sockets(silent.local_addr().unwrap(), 1));
        let name = Name::from_ascii("t.test.").unwrap();
        let tasks: Vec<_> = (0..QUERIES)
            .map(|_| {
                let pool = pool.clone();
                let name = name.clone();
                tokio::spawn(async move {
                    pool.query(&name, RecordType::A, Duration::from_millis(300))
                        .await
                })
            })
            .collect();
        let all = futures_util::future::join_all(tasks);
        let results = tokio::time::timeout(Duration::from_secs(60), all)
            .await
            .expect("the burst ends: no query spins waiting for an ID");
        assert_eq!(results.len(), QUERIES);
        assert!(results.iter().all(|t| matches!(t, Ok(Try::Timeout))));
    }
}
