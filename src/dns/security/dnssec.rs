//! DNSSEC validation by mxlens itself (hickory's validator, `dnssec-ring`),
//! from the built-in root trust anchor or the anchors of `--trust-anchor`,
//! never from an upstream's AD bit.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use futures_util::future::join_all;
use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS};
use hickory_resolver::proto::dnssec::{Algorithm, DigestType, Proof, PublicKeyBuf, TrustAnchors};
use hickory_resolver::proto::rr::{LowerName, Name, RData, Record, RecordType};
use hickory_resolver::{Resolver, TokioResolver};

use crate::dns::security::SecurityError;
use crate::dns::upstream::Upstream;
use crate::mx::MxReport;
use crate::mx::dnssec::{Dnssec, DnssecStatus, ExchangeDnssec};

/// Trust anchors as read from a file, before DS records are matched to keys.
#[derive(Debug, Clone, Default)]
pub struct AnchorFile {
    /// DNSKEY anchors: (owner, key).
    pub keys: Vec<(Name, DNSKEY)>,
    /// DS anchors: (owner, DS record data), matched against the owner's
    /// DNSKEY RRset when a validator is built.
    pub ds: Vec<(Name, DS)>,
}

/// Reads DS and DNSKEY records in zone-file presentation format (comments,
/// `$ORIGIN`, `$TTL`, relative names accepted). Anything else is an error
/// that names the file.
pub fn read_anchor_file(path: &Path) -> Result<AnchorFile, SecurityError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| SecurityError::AnchorRead(shown.clone(), e.to_string()))?;
    parse_anchors(&text).map_err(|e| SecurityError::AnchorBad(shown, e))
}

/// Parses anchor text (see [`read_anchor_file`]): `owner [ttl] [class]
/// DS|DNSKEY rdata`, `;` comments, parentheses across lines, `$ORIGIN`
/// for relative owners, a blank owner repeating the previous one.
pub fn parse_anchors(text: &str) -> Result<AnchorFile, String> {
    let mut out = AnchorFile::default();
    let mut origin = Name::root();
    let mut last_owner: Option<Name> = None;
    for (line_no, line) in logical_lines(text) {
        let at = |msg: String| format!("line {line_no}: {msg}");
        let continues = line.starts_with([' ', '\t']);
        let mut tokens: Vec<&str> = line.split_whitespace().collect();
        if tokens.is_empty() {
            continue;
        }
        match tokens[0].to_ascii_uppercase().as_str() {
            "$ORIGIN" => {
                let o = tokens
                    .get(1)
                    .ok_or_else(|| at("$ORIGIN needs a name".into()))?;
                origin = Name::from_ascii(o).map_err(|e| at(e.to_string()))?;
                continue;
            }
            "$TTL" => continue,
            _ => {}
        }
        let owner = if continues {
            last_owner
                .clone()
                .ok_or_else(|| at("a record without an owner name".into()))?
        } else {
            let raw = tokens.remove(0);
            let name = if raw == "@" {
                origin.clone()
            } else {
                let n = Name::from_ascii(raw).map_err(|e| at(format!("\"{raw}\": {e}")))?;
                if n.is_fqdn() {
                    n
                } else {
                    n.append_domain(&origin).map_err(|e| at(e.to_string()))?
                }
            };
            last_owner = Some(name.clone());
            name
        };
        // Optional TTL and class, in either order.
        while let Some(t) = tokens.first() {
            if t.bytes().all(|b| b.is_ascii_digit()) || t.eq_ignore_ascii_case("IN") {
                tokens.remove(0);
            } else {
                break;
            }
        }
        let Some((rtype, rdata)) = tokens.split_first() else {
            return Err(at("no record type".into()));
        };
        match rtype.to_ascii_uppercase().as_str() {
            "DNSKEY" => out.keys.push((owner, parse_dnskey(rdata).map_err(at)?)),
            "DS" => out.ds.push((owner, parse_ds(rdata).map_err(at)?)),
            other => return Err(at(format!("{other} is neither DS nor DNSKEY"))),
        }
    }
    if out.keys.is_empty() && out.ds.is_empty() {
        return Err("no DS or DNSKEY record in it".into());
    }
    Ok(out)
}

/// Lines with comments removed and parenthesised groups joined, each with
/// the number of its first line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split(';').next().unwrap_or("");
        let depth_change = line.matches('(').count() as i32 - line.matches(')').count() as i32;
        let cleaned = line.replace(['(', ')'], " ");
        match open.take() {
            Some((n, mut acc)) => {
                acc.push(' ');
                acc.push_str(&cleaned);
                if depth_change < 0 {
                    out.push((n, acc));
                } else {
                    open = Some((n, acc));
                }
            }
            None if depth_change > 0 => open = Some((i + 1, cleaned)),
            None => out.push((i + 1, cleaned)),
        }
    }
    out.extend(open);
    out
}

fn number<T: std::str::FromStr>(t: Option<&&str>, what: &str) -> Result<T, String> {
    let t = t.ok_or_else(|| format!("the {what} is missing"))?;
    t.parse()
        .map_err(|_| format!("the {what} \"{t}\" is not a number"))
}

/// `flags protocol algorithm base64-key`.
fn parse_dnskey(rdata: &[&str]) -> Result<DNSKEY, String> {
    use base64::Engine as _;
    let flags: u16 = number(rdata.first(), "DNSKEY flags")?;
    let _protocol: u8 = number(rdata.get(1), "DNSKEY protocol")?;
    let algorithm: u8 = number(rdata.get(2), "DNSKEY algorithm")?;
    let key = rdata.get(3..).unwrap_or_default().concat();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key.as_bytes())
        .map_err(|e| format!("the DNSKEY key is not base64: {e}"))?;
    if bytes.is_empty() {
        return Err("the DNSKEY key is missing".into());
    }
    Ok(DNSKEY::with_flags(
        flags,
        PublicKeyBuf::new(bytes, Algorithm::from_u8(algorithm)),
    ))
}

/// `key-tag algorithm digest-type hex-digest`.
fn parse_ds(rdata: &[&str]) -> Result<DS, String> {
    let key_tag: u16 = number(rdata.first(), "DS key tag")?;
    let algorithm: u8 = number(rdata.get(1), "DS algorithm")?;
    let digest_type: u8 = number(rdata.get(2), "DS digest type")?;
    let hex = rdata.get(3..).unwrap_or_default().concat();
    if hex.is_empty() || hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("the DS digest \"{hex}\" is not hexadecimal"));
    }
    let digest = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("checked hex"))
        .collect();
    Ok(DS::new(
        key_tag,
        Algorithm::from_u8(algorithm),
        DigestType::from(digest_type),
        digest,
    ))
}

/// The trust anchors to validate with: the root's built-in keys, or the
/// file's keys and the DNSKEYs its DS records match (looked up through `up`).
pub async fn anchors(up: &Upstream, file: Option<&AnchorFile>) -> Arc<TrustAnchors> {
    let Some(file) = file else {
        return Arc::new(TrustAnchors::default());
    };
    let mut anchors = TrustAnchors::empty();
    for (name, key) in &file.keys {
        anchors.insert_with_name(key.public_key(), LowerName::from(name));
    }
    let owners: BTreeSet<Name> = file.ds.iter().map(|(n, _)| n.clone()).collect();
    for owner in owners {
        let Ok(records) = super::query(up, &owner, RecordType::DNSKEY).await else {
            continue;
        };
        for r in &records {
            let RData::DNSSEC(DNSSECRData::DNSKEY(key)) = r.data.clone() else {
                continue;
            };
            let matched = file
                .ds
                .iter()
                .filter(|(n, _)| *n == owner)
                .any(|(_, ds)| ds.covers(&owner, &key).unwrap_or(false));
            if matched {
                anchors.insert_with_name(key.public_key(), LowerName::from(&owner));
            }
        }
    }
    Arc::new(anchors)
}

/// A hickory resolver for `up`'s servers that validates DNSSEC itself
/// from `anchors`: every record it returns carries its proof. Like the
/// upstream it has no cache, no hosts file and no search domains.
pub fn validating(up: &Upstream, anchors: Arc<TrustAnchors>) -> Result<TokioResolver, String> {
    let servers: Vec<NameServerConfig> = up
        .server_addrs()
        .into_iter()
        .map(|addr| {
            let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
            for conn in &mut ns.connections {
                conn.port = addr.port();
            }
            ns
        })
        .collect();
    let config = ResolverConfig::from_name_servers(servers);
    let mut builder = Resolver::builder_with_config(config, TokioRuntimeProvider::default())
        .with_trust_anchor(anchors);
    let opts = up.options();
    let o: &mut ResolverOpts = builder.options_mut();
    o.timeout = opts.timeout;
    o.attempts = opts.attempts;
    o.cache_size = 0;
    o.use_hosts_file = ResolveHosts::Never;
    o.ndots = 0;
    o.preserve_intermediates = true;
    o.edns0 = true;
    o.validate = true;
    builder.build().map_err(|e| e.to_string())
}

/// Validates the MX RRset and every exchange's A and AAAA RRsets.
pub async fn validate(validator: &TokioResolver, report: &MxReport) -> Option<Dnssec> {
    let domain = Name::from_ascii(&report.domain).ok()?;
    let mut exchanges: Vec<&str> = Vec::new();
    for h in report.mx.iter().filter(|h| !h.is_null()) {
        if !exchanges.contains(&h.exchange.as_str()) {
            exchanges.push(&h.exchange);
        }
    }
    let per_exchange = exchanges.iter().map(|ex| async move {
        let Ok(name) = Name::from_ascii(ex) else {
            return ExchangeDnssec {
                exchange: ex.to_string(),
                a: DnssecStatus::Indeterminate,
                aaaa: DnssecStatus::Indeterminate,
            };
        };
        let (a, aaaa) = futures_util::join!(
            rrset_status(validator, &name, RecordType::A),
            rrset_status(validator, &name, RecordType::AAAA)
        );
        ExchangeDnssec {
            exchange: ex.to_string(),
            a,
            aaaa,
        }
    });
    let (mx, exchanges) = futures_util::join!(
        rrset_status(validator, &domain, RecordType::MX),
        join_all(per_exchange)
    );
    Some(Dnssec { mx, exchanges })
}

/// The status of one RRset; for a negative answer, of its denial proof.
pub async fn rrset_status(
    validator: &TokioResolver,
    name: &Name,
    rtype: RecordType,
) -> DnssecStatus {
    match validator.lookup(name.clone(), rtype).await {
        Ok(lookup) => combine(
            lookup
                .answers()
                .iter()
                .filter(|r| r.record_type() == rtype || r.record_type() == RecordType::CNAME),
        ),
        Err(NetError::Dns(DnsError::DnssecBogus)) => DnssecStatus::Bogus,
        Err(NetError::Dns(DnsError::Nsec { proof, .. })) => from_proof(proof),
        Err(NetError::Dns(DnsError::NoRecordsFound(nr))) => match &nr.authorities {
            Some(auth) if !auth.is_empty() => combine(auth.iter()),
            _ => DnssecStatus::Indeterminate,
        },
        Err(_) => DnssecStatus::Indeterminate,
    }
}

pub(crate) fn from_proof(p: Proof) -> DnssecStatus {
    match p {
        Proof::Secure => DnssecStatus::Secure,
        Proof::Insecure => DnssecStatus::Insecure,
        Proof::Bogus => DnssecStatus::Bogus,
        Proof::Indeterminate => DnssecStatus::Indeterminate,
    }
}

/// Bogus beats everything; secure only when every record is.
pub(crate) fn combine<'a>(records: impl Iterator<Item = &'a Record>) -> DnssecStatus {
    let mut worst: Option<DnssecStatus> = None;
    for r in records {
        let s = from_proof(r.proof);
        worst = Some(match (worst, s) {
            (_, DnssecStatus::Bogus) | (Some(DnssecStatus::Bogus), _) => DnssecStatus::Bogus,
            (None, s) => s,
            (Some(DnssecStatus::Secure), s) => s,
            (Some(w), DnssecStatus::Secure) => w,
            (Some(w), s) => w.max(s),
        });
    }
    worst.unwrap_or(DnssecStatus::Indeterminate)
}
