//! A lean UDP transport for a pinned upstream.
//!
//! hickory's resolver binds a fresh UDP socket for every query. That is right
//! for a long-lived stub resolver (source-port randomisation) but makes a
//! bulk `check` spend most of its time creating and closing sockets. For an
//! upstream given as `--resolver ADDR`, queries go out over a few long-lived
//! connected sockets instead, multiplexed by random message ID, with the
//! answer's question checked against ours. Anything this path does not
//! handle itself (a truncated answer, an alias chain that leaves the answer)
//! is handed back to the caller, which asks hickory's resolver (TCP, CNAME
//! chasing) instead.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hickory_resolver::proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use tokio::net::UdpSocket;
use tokio::sync::{OnceCell, oneshot};
use tokio::task::JoinHandle;

use crate::dns::wire::Failure;
use crate::mx::LookupError;

/// Sockets per upstream: enough to spread the kernel work, few enough to
/// stay cheap.
const SOCKETS: usize = 4;
/// The EDNS buffer size advertised (the DNS flag day 2020 value).
const EDNS_PAYLOAD: u16 = 1232;

/// What the fast path made of a query.
pub enum Outcome {
    /// The records of the answer section.
    Answer(Vec<Record>),
    /// A definite negative or failed answer.
    Failure(Failure),
    /// Not handled here: ask the full resolver.
    Fallback,
}

type Waiter = (Name, RecordType, oneshot::Sender<Message>);

struct Socket {
    socket: Arc<UdpSocket>,
    pending: Arc<Mutex<HashMap<u16, Waiter>>>,
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
    sockets: OnceCell<Result<Vec<Socket>, String>>,
    next: AtomicUsize,
    timeout: Duration,
    tries: usize,
}

impl UdpPool {
    pub fn new(server: SocketAddr, timeout: Duration, attempts: usize) -> Self {
        Self {
            server,
            sockets: OnceCell::new(),
            next: AtomicUsize::new(0),
            timeout,
            tries: attempts + 1,
        }
    }

    async fn sockets(&self) -> Option<&[Socket]> {
        let server = self.server;
        self.sockets
            .get_or_init(|| async move { open(server).await.map_err(|e| e.to_string()) })
            .await
            .as_ref()
            .ok()
            .map(Vec::as_slice)
    }

    /// One query, with the configured timeout and retries.
    pub async fn query(&self, name: &Name, rtype: RecordType) -> Outcome {
        let Some(sockets) = self.sockets().await else {
            return Outcome::Fallback;
        };
        for _ in 0..self.tries {
            let s = &sockets[self.next.fetch_add(1, Ordering::Relaxed) % sockets.len()];
            let (tx, rx) = oneshot::channel();
            let id = {
                let mut pending = s.pending.lock().unwrap_or_else(|p| p.into_inner());
                let mut id = random_u16();
                while pending.contains_key(&id) {
                    id = random_u16();
                }
                pending.insert(id, (name.clone(), rtype, tx));
                id
            };
            let Ok(packet) = request(id, name, rtype) else {
                forget(s, id);
                return Outcome::Fallback;
            };
            if let Err(e) = s.socket.send(&packet).await {
                forget(s, id);
                return Outcome::Failure(Failure::Failed(send_error(&e)));
            }
            match tokio::time::timeout(self.timeout, rx).await {
                Ok(Ok(response)) => return classify(response, rtype),
                Ok(Err(_)) => return Outcome::Fallback,
                Err(_) => forget(s, id),
            }
        }
        Outcome::Failure(Failure::Failed(LookupError::Timeout))
    }
}

fn forget(s: &Socket, id: u16) {
    s.pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&id);
}

fn send_error(e: &std::io::Error) -> LookupError {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused
        | std::io::ErrorKind::NetworkUnreachable
        | std::io::ErrorKind::HostUnreachable
        | std::io::ErrorKind::AddrNotAvailable => LookupError::Unreachable,
        _ => LookupError::Other("io".into()),
    }
}

async fn open(server: SocketAddr) -> std::io::Result<Vec<Socket>> {
    let local: SocketAddr = if server.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let mut out = Vec::with_capacity(SOCKETS);
    for _ in 0..SOCKETS {
        let socket = UdpSocket::bind(local).await?;
        // Connected: the kernel drops datagrams from anyone but the server.
        socket.connect(server).await?;
        let socket = Arc::new(socket);
        let pending: Arc<Mutex<HashMap<u16, Waiter>>> = Arc::default();
        let reader = tokio::spawn(read_loop(socket.clone(), pending.clone()));
        out.push(Socket {
            socket,
            pending,
            reader,
        });
    }
    Ok(out)
}

/// Hands each answer to the query waiting for its ID, when the question matches.
async fn read_loop(socket: Arc<UdpSocket>, pending: Arc<Mutex<HashMap<u16, Waiter>>>) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let n = match socket.recv(&mut buf).await {
            Ok(n) => n,
            // ICMP errors surface here on connected sockets; the waiting
            // query times out and reports it.
            Err(_) => continue,
        };
        let Ok(msg) = Message::from_vec(&buf[..n]) else {
            continue;
        };
        if msg.metadata.message_type != MessageType::Response {
            continue;
        }
        let mut pending = pending.lock().unwrap_or_else(|p| p.into_inner());
        let matches = pending
            .get(&msg.metadata.id)
            .is_some_and(|(name, rtype, _)| {
                msg.queries.len() == 1
                    && msg.queries[0].query_type == *rtype
                    && msg.queries[0].name == *name
            });
        if matches && let Some((_, _, tx)) = pending.remove(&msg.metadata.id) {
            let _ = tx.send(msg);
        }
    }
}

fn request(id: u16, name: &Name, rtype: RecordType) -> Result<Vec<u8>, ()> {
    let mut msg = Message::new(id, MessageType::Query, OpCode::Query);
    msg.metadata.recursion_desired = true;
    msg.add_query(Query::query(name.clone(), rtype));
    let mut edns = Edns::new();
    edns.set_max_payload(EDNS_PAYLOAD);
    msg.set_edns(edns);
    msg.to_vec().map_err(|_| ())
}

/// Turns a response into records or a failure, the way the resolver would.
fn classify(msg: Message, rtype: RecordType) -> Outcome {
    if msg.metadata.truncation {
        return Outcome::Fallback;
    }
    let negative_ttl = || {
        msg.authorities.iter().find_map(|r| match &r.data {
            RData::SOA(soa) => Some(r.ttl.min(soa.minimum)),
            _ => None,
        })
    };
    let has_cname = msg
        .answers
        .iter()
        .any(|r| r.record_type() == RecordType::CNAME);
    match msg.metadata.response_code {
        ResponseCode::NoError => {
            let has_data = msg.answers.iter().any(|r| r.record_type() == rtype);
            if has_data {
                Outcome::Answer(msg.answers)
            } else if has_cname {
                // The chain leaves this answer: let the resolver chase it.
                Outcome::Fallback
            } else {
                Outcome::Failure(Failure::NoData(negative_ttl()))
            }
        }
        ResponseCode::NXDomain if !has_cname => Outcome::Failure(Failure::NxDomain(negative_ttl())),
        ResponseCode::NXDomain => Outcome::Fallback,
        code => Outcome::Failure(Failure::Failed(crate::dns::wire::rcode_error(code))),
    }
}

/// A random message ID (RFC 5452 §4.3: IDs must be unpredictable).
fn random_u16() -> u16 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SEED: std::sync::OnceLock<RandomState> = std::sync::OnceLock::new();
    let mut h = SEED.get_or_init(RandomState::new).build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish() as u16
}
