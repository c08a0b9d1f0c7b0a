//! A real HTTPS server on loopback for the MTA-STS tests: rustls with a
//! certificate from a test CA generated in the test (rcgen), answering every
//! request with one canned HTTP response.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A certificate authority made for one test.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    cert: CertificateDer<'static>,
    pem: String,
}

impl TestCa {
    pub fn new(name: &str) -> Self {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).unwrap();
        Self {
            pem: cert.pem(),
            cert: cert.der().clone(),
            issuer: Issuer::new(params, key),
        }
    }

    /// The CA certificate in PEM form, for `--ca-file`.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// A root store holding this CA alone.
    pub fn roots(&self) -> rustls::RootCertStore {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.cert.clone()).unwrap();
        roots
    }

    /// A server certificate for `names`, signed by this CA.
    pub fn leaf(&self, names: &[&str]) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let key = KeyPair::generate().unwrap();
        let params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (
            vec![cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
    }
}

/// What the server does with each connection.
#[derive(Clone)]
pub enum Reply {
    /// Writes these bytes after the request head, then closes.
    Raw(Vec<u8>),
    /// A `200 text/plain` response with this body.
    Policy(String),
    /// Completes the handshake, reads the request, never answers.
    Stall,
    /// Writes a 200 head without length, then data until the client leaves.
    Endless,
    /// A `200 text/plain` response with Content-Length, then the connection
    /// stays open (keep-alive) until the client leaves.
    KeepOpen(String),
}

/// An HTTPS server on 127.0.0.1 (random port).
pub struct HttpsServer {
    port: u16,
    requests: Arc<AtomicUsize>,
    last_head: Arc<std::sync::Mutex<String>>,
    task: tokio::task::JoinHandle<()>,
}

impl HttpsServer {
    pub async fn start(ca: &TestCa, names: &[&str], reply: Reply) -> Self {
        let (chain, key) = ca.leaf(names);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let last_head = Arc::new(std::sync::Mutex::new(String::new()));
        let (count, head_slot) = (requests.clone(), last_head.clone());
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let reply = reply.clone();
                let (count, head_slot) = (count.clone(), head_slot.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                    *head_slot.lock().unwrap() = String::from_utf8_lossy(&head).into_owned();
                    match reply {
                        Reply::Raw(bytes) => {
                            let _ = tls.write_all(&bytes).await;
                        }
                        Reply::Policy(body) => {
                            let bytes = format!(
                                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                                body.len()
                            );
                            let _ = tls.write_all(bytes.as_bytes()).await;
                        }
                        Reply::KeepOpen(body) => {
                            let bytes = format!(
                                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
                                body.len()
                            );
                            let _ = tls.write_all(bytes.as_bytes()).await;
                            let _ = tls.flush().await;
                            let _ = tls.read(&mut buf).await;
                            return;
                        }
                        Reply::Stall => {
                            // Hold the connection open until the client gives up.
                            let _ = tls.read(&mut buf).await;
                            return;
                        }
                        Reply::Endless => {
                            let _ = tls
                                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
                                .await;
                            let line = b"mx: filler.example.test\r\n".repeat(100);
                            while tls.write_all(&line).await.is_ok() {}
                            return;
                        }
                    }
                    let _ = tls.shutdown().await;
                });
            }
        });
        Self {
            port,
            requests,
            last_head,
            task,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Requests received (complete request heads).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// The last request head as received.
    pub fn last_head(&self) -> String {
        self.last_head.lock().unwrap().clone()
    }
}

impl Drop for HttpsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
