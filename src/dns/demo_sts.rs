//! The demo's MTA-STS policy host: an HTTPS server on loopback with a
//! certificate from a CA generated when the demo starts. Only `--demo`
//! (and whoever is handed the CA file `serve-demo` writes) trusts that CA.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Longest request head the server reads.
const MAX_REQUEST: usize = 8 * 1024;
/// A client that has not sent its request head by then is dropped.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);
/// Where RFC 8461 §3.3 puts the policy.
const POLICY_PATH: &str = "/.well-known/mta-sts.txt";

/// One policy host: `mta-sts.<domain>` (no trailing dot) and its policy.
#[derive(Debug, Clone)]
pub struct PolicyHost {
    pub host: String,
    pub policy: String,
}

/// The running policy server. Stops when dropped.
pub struct PolicyServer {
    addr: SocketAddr,
    ca_pem: String,
    ca_der: CertificateDer<'static>,
    task: JoinHandle<()>,
}

impl PolicyServer {
    /// Generates the demo CA and one certificate for every host, and serves
    /// the policies on `listen` (port 0: a free port).
    pub async fn start(hosts: Vec<PolicyHost>, listen: SocketAddr) -> io::Result<Self> {
        let tls_err = |e: String| io::Error::other(format!("the demo's policy server: {e}"));
        let (ca_pem, ca_der, chain, key) = demo_certificates(&hosts).map_err(tls_err)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| tls_err(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| tls_err(e.to_string()))?;
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let hosts = Arc::new(hosts);
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, hosts) = (acceptor.clone(), hosts.clone());
                tokio::spawn(async move {
                    let serve = async {
                        let mut tls = acceptor.accept(tcp).await.ok()?;
                        let head = read_head(&mut tls).await?;
                        let answer = respond(&head, &hosts);
                        tls.write_all(answer.as_bytes()).await.ok()?;
                        tls.shutdown().await.ok()
                    };
                    let _ = tokio::time::timeout(REQUEST_DEADLINE, serve).await;
                });
            }
        });
        Ok(Self {
            addr,
            ca_pem,
            ca_der,
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The demo CA's certificate, PEM (for `--ca-file`).
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// A root store holding the demo CA alone.
    pub fn roots(&self) -> rustls::RootCertStore {
        let mut roots = rustls::RootCertStore::empty();
        // A certificate rcgen has just made always parses.
        let _ = roots.add(self.ca_der.clone());
        roots
    }
}

impl Drop for PolicyServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Certificates = (
    String,
    CertificateDer<'static>,
    Vec<CertificateDer<'static>>,
    PrivateKeyDer<'static>,
);

/// The CA (PEM and DER) and a leaf for every host, signed by it.
fn demo_certificates(hosts: &[PolicyHost]) -> Result<Certificates, String> {
    let err = |e: rcgen::Error| e.to_string();
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.distinguished_name.push(
        DnType::CommonName,
        "mxlens demo CA (generated at demo start)",
    );
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    let (ca_pem, ca_der) = (ca_cert.pem(), ca_cert.der().clone());
    let issuer = Issuer::new(ca, ca_key);
    let leaf_key = KeyPair::generate().map_err(err)?;
    let names: Vec<String> = hosts.iter().map(|h| h.host.clone()).collect();
    let leaf = CertificateParams::new(names)
        .map_err(err)?
        .signed_by(&leaf_key, &issuer)
        .map_err(err)?;
    Ok((
        ca_pem,
        ca_der,
        vec![leaf.der().clone()],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    ))
}

/// The request head, up to [`MAX_REQUEST`] bytes.
async fn read_head<S: tokio::io::AsyncRead + Unpin>(s: &mut S) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_REQUEST {
            return None;
        }
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// The response to one request: the policy of the `Host` asked for at
/// [`POLICY_PATH`], 404 for anything else.
fn respond(head: &str, hosts: &[PolicyHost]) -> String {
    let mut lines = head.split("\r\n");
    let mut request = lines.next().unwrap_or("").split(' ');
    let (method, path) = (request.next().unwrap_or(""), request.next().unwrap_or(""));
    let host = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("host"))
        .map(|(_, v)| {
            v.trim()
                .split(':')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let found = hosts
        .iter()
        .find(|h| h.host.eq_ignore_ascii_case(host.trim_end_matches('.')));
    match found {
        Some(h) if method == "GET" && path == POLICY_PATH => format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{}",
            h.policy.len(),
            h.policy
        ),
        _ => "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_the_policy_of_the_host_asked_for_only() {
        let hosts = vec![PolicyHost {
            host: "mta-sts.a.example".into(),
            policy: "version: STSv1\r\n".into(),
        }];
        let ok = respond(
            "GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: MTA-STS.a.example\r\n\r\n",
            &hosts,
        );
        assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
        assert!(ok.ends_with("version: STSv1\r\n"), "{ok}");
        for head in [
            "GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.b.example\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: mta-sts.a.example\r\n\r\n",
            "POST /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.a.example\r\n\r\n",
        ] {
            assert!(respond(head, &hosts).starts_with("HTTP/1.1 404"), "{head}");
        }
    }
}
