//! One non-recursive query to one server, as an authoritative check needs
//! it: RD clear, the whole response (flags, authority section) kept, UDP
//! first and TCP when the answer comes back truncated. A refused UDP or TCP
//! port is reported as `unreachable` as soon as the socket says so.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::proto::op::{Edns, Message, MessageType, OpCode, Query};
use hickory_resolver::proto::rr::{Name, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

use crate::dns::upstream::LookupOptions;
use crate::mx::LookupError;

/// The EDNS buffer size advertised (the DNS flag day 2020 value).
const EDNS_PAYLOAD: u16 = 1232;

/// Asks `server` for `name`/`rtype` without recursion.
pub async fn ask(
    server: SocketAddr,
    name: &Name,
    rtype: RecordType,
    opts: &LookupOptions,
) -> Result<Message, LookupError> {
    let id = random_id();
    let packet = request(id, name, rtype)?;
    let msg = udp(server, &packet, id, name, rtype, opts).await?;
    if msg.metadata.truncation {
        return tcp(server, &packet, id, opts.timeout).await;
    }
    Ok(msg)
}

fn request(id: u16, name: &Name, rtype: RecordType) -> Result<Vec<u8>, LookupError> {
    let mut msg = Message::new(id, MessageType::Query, OpCode::Query);
    msg.metadata.recursion_desired = false;
    msg.add_query(Query::query(name.clone(), rtype));
    let mut edns = Edns::new();
    edns.set_max_payload(EDNS_PAYLOAD);
    msg.set_edns(edns);
    msg.to_vec()
        .map_err(|_| LookupError::Other("invalid".into()))
}

fn io_error(e: &std::io::Error) -> LookupError {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused
        | std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::NetworkUnreachable
        | std::io::ErrorKind::HostUnreachable
        | std::io::ErrorKind::AddrNotAvailable => LookupError::Unreachable,
        std::io::ErrorKind::TimedOut => LookupError::Timeout,
        _ => LookupError::Other("io".into()),
    }
}

async fn udp(
    server: SocketAddr,
    packet: &[u8],
    id: u16,
    name: &Name,
    rtype: RecordType,
    opts: &LookupOptions,
) -> Result<Message, LookupError> {
    let local: SocketAddr = if server.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local).await.map_err(|e| io_error(&e))?;
    // Connected: the kernel drops datagrams from anyone else and reports an
    // ICMP port-unreachable as ECONNREFUSED on the next receive.
    socket.connect(server).await.map_err(|e| io_error(&e))?;
    let mut buf = vec![0u8; 65_535];
    for _ in 0..=opts.attempts {
        socket.send(packet).await.map_err(|e| io_error(&e))?;
        let wait = async {
            loop {
                let n = socket.recv(&mut buf).await.map_err(|e| io_error(&e))?;
                let Ok(msg) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                let matches = msg.metadata.id == id
                    && msg.metadata.message_type == MessageType::Response
                    && msg.queries.len() == 1
                    && msg.queries[0].query_type == rtype
                    && msg.queries[0].name == *name;
                if matches {
                    return Ok(msg);
                }
            }
        };
        match tokio::time::timeout(opts.timeout, wait).await {
            Ok(result) => return result,
            Err(_) => continue,
        }
    }
    Err(LookupError::Timeout)
}

async fn tcp(
    server: SocketAddr,
    packet: &[u8],
    id: u16,
    timeout: Duration,
) -> Result<Message, LookupError> {
    let exchange = async {
        let mut stream = TcpStream::connect(server).await.map_err(|e| io_error(&e))?;
        let len = u16::try_from(packet.len()).map_err(|_| LookupError::Other("invalid".into()))?;
        let mut framed = len.to_be_bytes().to_vec();
        framed.extend_from_slice(packet);
        stream.write_all(&framed).await.map_err(|e| io_error(&e))?;
        let mut len = [0u8; 2];
        stream
            .read_exact(&mut len)
            .await
            .map_err(|e| io_error(&e))?;
        let mut body = vec![0u8; u16::from_be_bytes(len) as usize];
        stream
            .read_exact(&mut body)
            .await
            .map_err(|e| io_error(&e))?;
        let msg = Message::from_vec(&body).map_err(|_| LookupError::Other("malformed".into()))?;
        if msg.metadata.id != id {
            return Err(LookupError::Other("malformed".into()));
        }
        Ok(msg)
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .unwrap_or(Err(LookupError::Timeout))
}

/// A random message ID (RFC 5452 §4.3).
fn random_id() -> u16 {
    use std::hash::{BuildHasher, Hasher, RandomState};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish() as u16
}
