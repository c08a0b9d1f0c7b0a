//! The one HTTPS request mxlens makes: `GET /.well-known/mta-sts.txt`.
//!
//! RFC 8461 §3.3: the certificate must chain to a trusted root and match
//! `mta-sts.<domain>`; redirects are not followed; no HTTP cache. On top of
//! that a hostile server can neither flood nor stall us: headers are capped
//! at 16 KiB, the body at [`MAX_POLICY_BYTES`], and the whole exchange
//! (address lookup, connect, handshake, response) at one deadline.
//!
//! The host name is resolved through the configured upstream, like every
//! other name mxlens looks up, never through the system resolver.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::proto::rr::{Name, RData, RecordType};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::dns::upstream::Upstream;
use crate::mx::sts::MAX_POLICY_BYTES;

/// Longest response head (status line and headers) read.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// Why a policy could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// No policy came back (DNS, connect, certificate, HTTP status, redirect,
    /// size, deadline): senders treat the domain as having no usable policy.
    Unreachable(String),
    /// A policy came back in a form senders reject (media type, encoding).
    Invalid(String),
}

/// Fetches `https://<host>/.well-known/mta-sts.txt`, `host` without the
/// trailing dot, within `deadline`.
pub async fn fetch_policy(
    up: &Upstream,
    host: &str,
    port: u16,
    tls: Arc<rustls::ClientConfig>,
    deadline: Duration,
) -> Result<String, FetchError> {
    match tokio::time::timeout(deadline, fetch(up, host, port, tls)).await {
        Ok(result) => result,
        Err(_) => Err(FetchError::Unreachable(format!(
            "https://{host}/.well-known/mta-sts.txt did not answer within {} s",
            deadline.as_secs_f64()
        ))),
    }
}

async fn fetch(
    up: &Upstream,
    host: &str,
    port: u16,
    tls: Arc<rustls::ClientConfig>,
) -> Result<String, FetchError> {
    let unreachable = FetchError::Unreachable;
    let addrs = addresses(up, host).await?;
    let server_name = ServerName::try_from(host.to_string())
        .map_err(|_| unreachable(format!("\"{host}\" is not a valid TLS server name")))?;
    let mut last_error = String::new();
    let mut tcp = None;
    for ip in &addrs {
        // Each address gets a share of the deadline: a silent first address
        // must not use it all up before the next one is tried.
        match tokio::time::timeout(
            CONNECT_TIMEOUT,
            TcpStream::connect(SocketAddr::new(*ip, port)),
        )
        .await
        {
            Ok(Ok(s)) => {
                tcp = Some(s);
                break;
            }
            Ok(Err(e)) => {
                last_error = format!("cannot connect to {host} at {ip} port {port}: {e}");
            }
            Err(_) => {
                last_error = format!(
                    "{host} at {ip} port {port} did not accept a connection within {} s",
                    CONNECT_TIMEOUT.as_secs()
                );
            }
        }
    }
    let tcp = tcp.ok_or_else(|| unreachable(last_error))?;
    let mut stream = TlsConnector::from(tls)
        .connect(server_name, tcp)
        .await
        .map_err(|e| unreachable(format!("TLS with {host} failed: {}", tls_reason(&e))))?;
    let request = format!(
        "GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: {host}\r\nUser-Agent: mxlens/{}\r\nAccept: text/plain\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| unreachable(format!("sending the request to {host} failed: {e}")))?;
    let read = read_capped(&mut stream, MAX_HEAD_BYTES + MAX_POLICY_BYTES + 1).await;
    let (raw, clean) =
        read.map_err(|e| unreachable(format!("reading the answer of {host} failed: {e}")))?;
    parse_response(host, &raw, clean)
}

/// How long one address may take to accept the connection.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// A TLS error in words: certificate problems say what is wrong.
fn tls_reason(e: &std::io::Error) -> String {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::InvalidCertificate(c)) => {
            format!("the certificate is not valid for it ({c:?}); senders refuse the policy")
        }
        Some(other) => other.to_string(),
        None => e.to_string(),
    }
}

/// The addresses of `host` from the upstream, IPv4 first.
async fn addresses(up: &Upstream, host: &str) -> Result<Vec<IpAddr>, FetchError> {
    let name = Name::from_ascii(format!("{host}."))
        .map_err(|_| FetchError::Unreachable(format!("\"{host}\" is not a valid name")))?;
    let (a, aaaa) = futures_util::join!(
        super::query(up, &name, RecordType::A),
        super::query(up, &name, RecordType::AAAA)
    );
    let mut out = Vec::new();
    let mut why = Vec::new();
    for result in [a, aaaa] {
        match result {
            Ok(records) => out.extend(records.iter().filter_map(|r| match &r.data {
                RData::A(a) => Some(IpAddr::V4(a.0)),
                RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                _ => None,
            })),
            Err(f) => why.push(f.address_status().as_str()),
        }
    }
    if out.is_empty() {
        why.dedup();
        return Err(FetchError::Unreachable(format!(
            "{host} has no address ({}), so the policy cannot be fetched",
            if why.is_empty() {
                "nodata".to_string()
            } else {
                why.join(", ")
            }
        )));
    }
    Ok(out)
}

/// Reads until the response is complete (its head and, by Content-Length
/// or chunked framing, its body), EOF, or `cap` bytes. The flag says whether
/// the stream ended cleanly (TLS close_notify); a peer that just drops the
/// connection ends it too, which only a framed response may rely on.
async fn read_capped<R: tokio::io::AsyncRead + Unpin>(
    r: &mut R,
    cap: usize,
) -> std::io::Result<(Vec<u8>, bool)> {
    let mut out = Vec::with_capacity(4096);
    let mut buf = [0u8; 8192];
    while out.len() < cap {
        let want = buf.len().min(cap - out.len());
        match r.read(&mut buf[..want]).await {
            Ok(0) => return Ok((out, true)),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok((out, false)),
            Err(e) => return Err(e),
        }
        if framed_complete(&out) {
            return Ok((out, true));
        }
    }
    Ok((out, true))
}

/// Whether `raw` holds a whole response whose body is framed (by
/// Content-Length or chunked encoding): no need to wait for the close.
fn framed_complete(raw: &[u8]) -> bool {
    let Some(head_end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    let rest = &raw[head_end + 4..];
    for line in head.split("\r\n").skip(1) {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        match k.trim() {
            "transfer-encoding" if v.contains("chunked") => return dechunk(rest).is_some(),
            "content-length" => {
                return v.trim().parse::<usize>().is_ok_and(|len| rest.len() >= len);
            }
            _ => {}
        }
    }
    false
}

/// Status, headers and body of an HTTP/1.x response (Content-Length,
/// chunked, or until close).
fn parse_response(host: &str, raw: &[u8], clean_close: bool) -> Result<String, FetchError> {
    let unreachable = FetchError::Unreachable;
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .filter(|&p| p <= MAX_HEAD_BYTES)
        .ok_or_else(|| {
            unreachable(format!(
                "{host} did not send an HTTP response head (or one over 16 KiB)"
            ))
        })?;
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status: u16 = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|s| s.get(2..5))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            unreachable(format!(
                "{host} answered \"{}\", not HTTP/1.x",
                status_line.chars().take(60).collect::<String>()
            ))
        })?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if (300..400).contains(&status) {
        return Err(unreachable(format!(
            "{host} answered HTTP {status} with a redirect to \"{}\"; senders do not follow redirects (RFC 8461 §3.3)",
            header("location").unwrap_or("(no Location)")
        )));
    }
    if status != 200 {
        return Err(unreachable(format!(
            "{host} answered HTTP {status} for /.well-known/mta-sts.txt"
        )));
    }
    let rest = &raw[head_end + 4..];
    let body: Vec<u8> = if header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        dechunk(rest).ok_or_else(|| unreachable(format!("{host} sent a broken chunked body")))?
    } else if let Some(len) = header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| unreachable(format!("{host} sent Content-Length \"{len}\"")))?;
        if len > MAX_POLICY_BYTES {
            return Err(too_big(host));
        }
        if rest.len() < len {
            return Err(unreachable(format!(
                "{host} closed the connection after {} of {len} bytes",
                rest.len()
            )));
        }
        rest[..len].to_vec()
    } else if clean_close || rest.len() > MAX_POLICY_BYTES {
        rest.to_vec()
    } else {
        // Only the close marks the end of this body: without TLS
        // close_notify it may have been cut short (RFC 8446 §6.1).
        return Err(unreachable(format!(
            "{host} dropped the connection without closing TLS, and its answer has no length: the policy may be cut short"
        )));
    };
    if body.len() > MAX_POLICY_BYTES {
        return Err(too_big(host));
    }
    let media = header("content-type").unwrap_or("");
    if !media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("text/plain")
    {
        return Err(FetchError::Invalid(format!(
            "the policy is served as \"{media}\", not text/plain (RFC 8461 §3.2)"
        )));
    }
    String::from_utf8(body)
        .map_err(|_| FetchError::Invalid("the policy is not valid UTF-8 text".into()))
}

fn too_big(host: &str) -> FetchError {
    FetchError::Unreachable(format!(
        "{host} sent a policy over {} KiB; mxlens stops reading there",
        MAX_POLICY_BYTES / 1024
    ))
}

/// Decodes a chunked body; `None` when malformed. Stops past the size cap
/// (the caller then reports the body as too large).
fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        if out
            .len()
            .checked_add(size)
            .is_none_or(|n| n > MAX_POLICY_BYTES)
        {
            out.resize(MAX_POLICY_BYTES + 1, 0);
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nhelloEXTRA";
        assert_eq!(parse_response("h", ok, true).unwrap(), "hello");
        let chunked = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response("h", chunked, false).unwrap(), "abcde");
        let moved = b"HTTP/1.1 301 Moved\r\nLocation: https://evil.test/\r\n\r\n";
        let e = parse_response("h", moved, true).unwrap_err();
        assert!(
            matches!(&e, FetchError::Unreachable(m) if m.contains("evil.test") && m.contains("redirect")),
            "{e:?}"
        );
        let html = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>";
        assert!(matches!(
            parse_response("h", html, true),
            Err(FetchError::Invalid(_))
        ));
        let big = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
            MAX_POLICY_BYTES + 1
        );
        assert!(
            matches!(parse_response("h", big.as_bytes(), true), Err(FetchError::Unreachable(m)) if m.contains("KiB"))
        );
        assert!(matches!(
            parse_response("h", b"garbage", true),
            Err(FetchError::Unreachable(_))
        ));
        // A body without length ends at the close, which must be clean.
        let open = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nversion: STSv1\r\n";
        assert!(parse_response("h", open, true).is_ok());
        assert!(
            matches!(parse_response("h", open, false), Err(FetchError::Unreachable(m)) if m.contains("cut short"))
        );
        // A hostile chunk size neither overflows nor allocates.
        let huge = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab\r\n0\r\n\r\n";
        assert!(matches!(
            parse_response("h", huge, true),
            Err(FetchError::Unreachable(m)) if m.contains("KiB")
        ));
    }

    #[test]
    fn a_framed_response_is_complete_before_the_close() {
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
        assert!(!framed_complete(&head[..20]));
        assert!(!framed_complete(&[&head[..], b"hell"].concat()));
        assert!(framed_complete(&[&head[..], b"hello"].concat()));
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n";
        assert!(!framed_complete(chunked));
        assert!(framed_complete(&[&chunked[..], b"0\r\n\r\n"].concat()));
        // Without framing only the close ends it.
        assert!(!framed_complete(b"HTTP/1.1 200 OK\r\n\r\nbody"));
    }
}
