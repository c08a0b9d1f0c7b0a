//! DNS over TCP (RFC 7766): one connection per query, used after a
//! truncated UDP answer. The answer must carry our ID and our question, as
//! over UDP; anything else fails the try instead of being believed.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::proto::op::{Message, OpCode};
use hickory_resolver::proto::rr::{Name, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::dns::udp::{Try, io_try, random_u16, request_with, same_question};

/// One query over a fresh TCP connection, within `wait` (connect included).
pub async fn query(server: SocketAddr, name: &Name, rtype: RecordType, wait: Duration) -> Try {
    match tokio::time::timeout(wait, exchange(server, name, rtype, false)).await {
        Ok(t) => t,
        Err(_) => Try::Timeout,
    }
}

/// [`query`] with the DO bit: the answer carries its RRSIGs (for the trust
/// anchors' DNSKEY RRsets, which mxlens checks itself).
pub async fn query_signed(
    server: SocketAddr,
    name: &Name,
    rtype: RecordType,
    wait: Duration,
) -> Try {
    match tokio::time::timeout(wait, exchange(server, name, rtype, true)).await {
        Ok(t) => t,
        Err(_) => Try::Timeout,
    }
}

async fn exchange(server: SocketAddr, name: &Name, rtype: RecordType, dnssec_ok: bool) -> Try {
    let mut stream = match TcpStream::connect(server).await {
        Ok(s) => s,
        Err(e) => return io_try(e.kind()),
    };
    let id = random_u16();
    let Some(packet) = request_with(id, name, rtype, dnssec_ok) else {
        return Try::Local;
    };
    let Ok(len) = u16::try_from(packet.len()) else {
        return Try::Local;
    };
    let mut framed = Vec::with_capacity(packet.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(&packet);
    if let Err(e) = stream.write_all(&framed).await {
        return io_try(e.kind());
    }
    let mut len = [0u8; 2];
    if let Err(e) = stream.read_exact(&mut len).await {
        // Closed before answering: the server took the query and gave
        // nothing usable back.
        return match e.kind() {
            std::io::ErrorKind::UnexpectedEof => Try::Malformed,
            kind => io_try(kind),
        };
    }
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
    if let Err(e) = stream.read_exact(&mut buf).await {
        return match e.kind() {
            std::io::ErrorKind::UnexpectedEof => Try::Malformed,
            kind => io_try(kind),
        };
    }
    match Message::from_vec(&buf) {
        Ok(msg)
            if msg.metadata.id == id
                && msg.metadata.op_code == OpCode::Query
                && same_question(&msg, name, rtype) =>
        {
            Try::Answer(msg)
        }
        _ => Try::Malformed,
    }
}
