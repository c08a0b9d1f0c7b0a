//! Mail transport security around the MX records: reverse DNS, DNSSEC,
//! DANE (TLSA), MTA-STS and TLS-RPT. These lookups run only when asked (`check --security`, the TUI's
//! selected domain), so a bulk check keeps its query budget.

pub mod dnssec;
pub mod https;
pub mod mta_sts;
pub mod rdns;
pub mod tls_rpt;
pub mod tlsa;
mod txt;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use thiserror::Error;

use crate::dns::upstream::Upstream;
use crate::mx::{MxReport, Outcome, checks};

/// The HTTPS port of MTA-STS policy hosts (RFC 8461 §3.3).
pub const HTTPS_PORT: u16 = 443;

/// How the security lookups reach and trust the outside world.
#[derive(Clone)]
pub struct SecurityOptions {
    /// TLS client for the MTA-STS policy fetch: system roots plus `--ca-file`.
    pub tls: Arc<rustls::ClientConfig>,
    /// Port of the policy host: [`HTTPS_PORT`]; labs and tests point it elsewhere.
    pub https_port: u16,
    /// Deadline of one policy fetch (address lookup, connect, TLS, response).
    pub fetch_timeout: Duration,
    /// `--trust-anchor`: DS or DNSKEY anchors replacing the built-in root key.
    pub trust_anchor: Option<Arc<dnssec::AnchorFile>>,
}

impl std::fmt::Debug for SecurityOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecurityOptions")
            .field("https_port", &self.https_port)
            .field("fetch_timeout", &self.fetch_timeout)
            .finish()
    }
}

#[derive(Debug, Error)]
pub enum SecurityError {
    #[error("cannot read the CA file \"{0}\": {1}")]
    CaRead(String, String),
    #[error("the CA file \"{0}\" holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")")]
    CaEmpty(String),
    #[error("the CA file \"{0}\" has a certificate that cannot be used: {1}")]
    CaBad(String, String),
    #[error("cannot read the trust anchor file \"{0}\": {1}")]
    AnchorRead(String, String),
    #[error("the trust anchor file \"{0}\" is not DS or DNSKEY records in zone-file form: {1}")]
    AnchorBad(String, String),
    #[error("no trusted root certificates: the system store is empty and no --ca-file was given")]
    NoRoots,
}

impl SecurityOptions {
    /// The system's root certificates plus those of `ca_file` (PEM).
    pub fn new(ca_file: Option<&Path>) -> Result<Self, SecurityError> {
        let mut roots = rustls::RootCertStore::empty();
        // Unreadable files in the system store are skipped, as browsers do.
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        if let Some(path) = ca_file {
            for cert in read_pem(path)? {
                roots
                    .add(cert)
                    .map_err(|e| SecurityError::CaBad(path.display().to_string(), e.to_string()))?;
            }
        }
        Self::with_roots(roots)
    }

    /// Trusts exactly `roots` (tests and the demo use their own CA alone).
    pub fn with_roots(roots: rustls::RootCertStore) -> Result<Self, SecurityError> {
        if roots.is_empty() {
            return Err(SecurityError::NoRoots);
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self {
            tls: Arc::new(tls),
            https_port: HTTPS_PORT,
            fetch_timeout: Duration::from_secs(10),
            trust_anchor: None,
        })
    }
}

/// The certificates of a PEM file.
pub fn read_pem(path: &Path) -> Result<Vec<CertificateDer<'static>>, SecurityError> {
    let shown = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| SecurityError::CaRead(shown.clone(), e.to_string()))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| SecurityError::CaBad(shown.clone(), format!("{e:?}")))?;
    if certs.is_empty() {
        return Err(SecurityError::CaEmpty(shown));
    }
    Ok(certs)
}

/// One name and type through the upstream, aliases followed, within one
/// round-trip budget: the records of the type at the end of the chain.
pub(crate) async fn query(
    up: &Upstream,
    name: &hickory_resolver::proto::rr::Name,
    rtype: hickory_resolver::proto::rr::RecordType,
) -> Result<Vec<hickory_resolver::proto::rr::Record>, crate::dns::wire::Failure> {
    let deadline = Instant::now() + up.options().round_trip_budget();
    crate::dns::resolve::resolve(up, name, rtype, deadline)
        .await
        .result
}

/// Adds the security lookups to a finished report and re-runs the checks:
/// reverse DNS of every address, MTA-STS and TLS-RPT of the domain. All run
/// at once; a domain without mail (NXDOMAIN, lookup error) gets none.
pub async fn add_security(up: &Upstream, report: &mut MxReport, opts: &SecurityOptions) {
    if matches!(report.outcome, Outcome::Nxdomain | Outcome::Error) {
        return;
    }
    let started = Instant::now();
    let domain = report.domain.clone();
    let mut with_ptr = report.clone();
    let anchors = dnssec::anchors(up, opts.trust_anchor.as_deref()).await;
    let validated = async {
        match dnssec::validating(up, anchors) {
            Ok(validator) => futures_util::join!(
                dnssec::validate(&validator, report),
                tlsa::lookup_all(&validator, report)
            ),
            Err(e) => {
                tracing::warn!("no DNSSEC validator: {e}");
                (None, Vec::new())
            }
        }
    };
    let (_, sts, rpt, (dnssec, tlsa)) = futures_util::join!(
        rdns::fill(up, &mut with_ptr),
        mta_sts::lookup(up, &domain, opts),
        tls_rpt::lookup(up, &domain),
        validated,
    );
    report.mx = with_ptr.mx;
    report.dnssec = dnssec;
    report.tlsa = Some(tlsa);
    report.mta_sts = Some(sts);
    report.tls_rpt = Some(rpt);
    report.findings = checks::run(report);
    report.elapsed_ms += (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0;
}
