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

/// The trust anchors to validate with, and the names they can vouch for.
pub struct Anchors {
    pub keys: Arc<TrustAnchors>,
    /// The zones under an anchor; `None` for the built-in root anchor
    /// (every name). A name under none of them has no chain of trust:
    /// its status is `indeterminate` (RFC 4033 §5), never `bogus`.
    pub scope: Option<Vec<Name>>,
}

impl Anchors {
    /// Whether `name` is at or under one of the anchored zones.
    pub fn covers(&self, name: &Name) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|zones| zones.iter().any(|z| z.zone_of(name)))
    }
}

/// The trust anchors: the root's built-in keys, or the file's.
///
/// For each anchored zone mxlens fetches its DNSKEY RRset with RRSIGs.
/// A DS anchor trusts the keys it matches. When an RRSIG over the DNSKEY
/// RRset made by a trusted key verifies, every key of the set is trusted
/// too: a zone with a key-signing key (the anchor) and a separate
/// zone-signing key validates, as with a resolver's trust anchor. A DS
/// anchor whose DNSKEY RRset cannot be fetched leaves its zone without a
/// chain (`indeterminate`); one whose DNSKEYs match none of its DS records
/// keeps the zone in scope with no key, so its answers are `bogus`.
pub async fn anchors(up: &Upstream, file: Option<&AnchorFile>) -> Anchors {
    let Some(file) = file else {
        // The root's keys are built in, but the chain starts with the
        // root's DNSKEY RRset from the upstream. An upstream that cannot
        // give it (an authoritative-only server, a lab) leaves no chain of
        // trust: everything is indeterminate, not bogus.
        // Asked twice before giving up: one lost answer must not make a
        // whole report indeterminate.
        let mut reachable = false;
        for _ in 0..2 {
            let root = super::query(up, &Name::root(), RecordType::DNSKEY).await;
            if root.is_ok_and(|r| !r.is_empty()) {
                reachable = true;
                break;
            }
        }
        return Anchors {
            keys: Arc::new(TrustAnchors::default()),
            scope: if reachable { None } else { Some(Vec::new()) },
        };
    };
    let mut anchors = TrustAnchors::empty();
    let mut scope = Vec::new();
    let owners: BTreeSet<Name> = file
        .keys
        .iter()
        .map(|(n, _)| n.clone())
        .chain(file.ds.iter().map(|(n, _)| n.clone()))
        .collect();
    for owner in owners {
        let given: Vec<DNSKEY> = file
            .keys
            .iter()
            .filter(|(n, _)| *n == owner)
            .map(|(_, k)| k.clone())
            .collect();
        let mut trusted = given.clone();
        match signed_dnskeys(up, &owner).await {
            Some(records) => {
                let keys: Vec<DNSKEY> = records
                    .iter()
                    .filter_map(|r| match &r.data {
                        RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(k.clone()),
                        _ => None,
                    })
                    .collect();
                for key in &keys {
                    let matched = file
                        .ds
                        .iter()
                        .filter(|(n, _)| *n == owner)
                        .any(|(_, ds)| ds.covers(&owner, key).unwrap_or(false));
                    if matched && !trusted.contains(key) {
                        trusted.push(key.clone());
                    }
                }
                if signed_by(&owner, &records, &trusted, unix_now()) {
                    for key in keys {
                        if !trusted.contains(&key) {
                            trusted.push(key);
                        }
                    }
                }
            }
            None if given.is_empty() => continue,
            None => {}
        }
        for key in &trusted {
            anchors.insert_with_name(key.public_key(), LowerName::from(&owner));
        }
        scope.push(owner);
    }
    Anchors {
        keys: Arc::new(anchors),
        scope: Some(scope),
    }
}

/// The DNSKEY RRset of `owner` with its RRSIGs (a TCP query with the DO
/// bit to the upstream's servers in turn); `None` when none answers.
async fn signed_dnskeys(up: &Upstream, owner: &Name) -> Option<Vec<Record>> {
    let wait = up.options().timeout;
    for server in up.server_addrs() {
        if let crate::dns::udp::Try::Answer(msg) =
            crate::dns::tcp::query_signed(server, owner, RecordType::DNSKEY, wait).await
        {
            let records: Vec<Record> = msg
                .answers
                .into_iter()
                .filter(|r| r.name == *owner)
                .collect();
            if records
                .iter()
                .any(|r| r.record_type() == RecordType::DNSKEY)
            {
                return Some(records);
            }
        }
    }
    None
}

/// Whether an RRSIG over `owner`'s DNSKEY RRset (in `records`), valid at
/// `now`, verifies with one of the `trusted` keys.
fn signed_by(owner: &Name, records: &[Record], trusted: &[DNSKEY], now: u32) -> bool {
    use hickory_resolver::proto::dnssec::Verifier;
    use hickory_resolver::proto::rr::{DNSClass, SerialNumber};
    let dnskeys: Vec<&Record> = records
        .iter()
        .filter(|r| r.record_type() == RecordType::DNSKEY)
        .collect();
    records.iter().any(|r| {
        let RData::DNSSEC(DNSSECRData::RRSIG(sig)) = &r.data else {
            return false;
        };
        let input = sig.input();
        if input.type_covered != RecordType::DNSKEY
            || input.signer_name != *owner
            || SerialNumber::new(now) < input.sig_inception
            || SerialNumber::new(now) > input.sig_expiration
        {
            return false;
        }
        trusted.iter().any(|key| {
            key.zone_key()
                && !key.revoke()
                && key.algorithm() == input.algorithm
                && key.calculate_key_tag().ok() == Some(input.key_tag)
                && key
                    .verify_rrsig(owner, DNSClass::IN, sig, dnskeys.iter().copied())
                    .is_ok()
        })
    })
}

fn unix_now() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32)
}

/// A hickory resolver for `up`'s servers that validates DNSSEC itself
/// from `anchors`: every record it returns carries its proof. Like the
/// upstream it has no cache, no hosts file and no search domains.
pub fn validating(up: &Upstream, anchors: Anchors) -> Result<Validator<'_>, String> {
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
        .with_trust_anchor(anchors.keys.clone());
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
    let resolver = builder.build().map_err(|e| e.to_string())?;
    Ok(Validator {
        resolver,
        anchors,
        up,
        // The chase may walk several zones, each a DNSKEY and a DS query.
        budget: up.options().round_trip_budget() * 4,
    })
}

/// The validating resolver, the names its anchors cover, and a time bound
/// for each validated lookup.
pub struct Validator<'a> {
    resolver: TokioResolver,
    anchors: Anchors,
    /// The plain upstream, for names no anchor covers.
    pub up: &'a Upstream,
    budget: std::time::Duration,
}

impl Validator<'_> {
    /// Whether a chain of trust can reach `name` (see [`Anchors::covers`]).
    pub fn covers(&self, name: &Name) -> bool {
        self.anchors.covers(name)
    }

    /// A validated lookup, bounded in time (`None`: out of time, which is
    /// `indeterminate`). hickory reports a failed DNSKEY or DS fetch as
    /// bogus, so callers ask again once before they believe a `bogus`.
    pub async fn lookup(
        &self,
        name: &Name,
        rtype: RecordType,
    ) -> Option<Result<hickory_resolver::lookup::Lookup, NetError>> {
        tokio::time::timeout(self.budget, self.resolver.lookup(name.clone(), rtype))
            .await
            .ok()
    }
}

/// Validates the MX RRset and every exchange's A and AAAA RRsets.
pub async fn validate(validator: &Validator<'_>, report: &MxReport) -> Option<Dnssec> {
    let domain = Name::from_ascii(&report.domain).ok()?;
    let mut exchanges: Vec<(&str, &[String])> = Vec::new();
    for h in report.mx.iter().filter(|h| !h.is_null()) {
        if !exchanges.iter().any(|(e, _)| *e == h.exchange) {
            exchanges.push((&h.exchange, &h.cname));
        }
    }
    let per_exchange = exchanges.iter().map(|&(ex, chain)| async move {
        let unknown = || ExchangeDnssec {
            exchange: ex.to_string(),
            a: DnssecStatus::Indeterminate,
            aaaa: DnssecStatus::Indeterminate,
        };
        let Ok(name) = Name::from_ascii(ex) else {
            return unknown();
        };
        let (a, aaaa) = if chain.is_empty() {
            futures_util::join!(
                rrset_status(validator, &name, RecordType::A),
                rrset_status(validator, &name, RecordType::AAAA)
            )
        } else {
            // An alias: each CNAME link and the canonical name's RRset are
            // validated one by one (a denial for the canonical name would
            // not match the question's name, and reads as bogus).
            let Ok(links) = alias_links(&name, chain) else {
                return unknown();
            };
            let target = links.last().cloned().unwrap_or_else(|| name.clone());
            let cnames = join_all(
                links[..links.len().saturating_sub(1)]
                    .iter()
                    .map(|n| rrset_status(validator, n, RecordType::CNAME)),
            );
            let (cnames, a, aaaa) = futures_util::join!(
                cnames,
                rrset_status(validator, &target, RecordType::A),
                rrset_status(validator, &target, RecordType::AAAA)
            );
            let links = cnames.into_iter().fold(DnssecStatus::Secure, worse);
            (worse(links, a), worse(links, aaaa))
        };
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

/// The names along an alias chain: the exchange, then each name it leads
/// to, ending with the canonical name.
fn alias_links(exchange: &Name, chain: &[String]) -> Result<Vec<Name>, ()> {
    let mut out = vec![exchange.clone()];
    for n in chain {
        let name = Name::from_ascii(n).map_err(|_| ())?;
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

/// The worse of two statuses, as [`combine`] ranks them.
fn worse(a: DnssecStatus, b: DnssecStatus) -> DnssecStatus {
    match (a, b) {
        (DnssecStatus::Bogus, _) | (_, DnssecStatus::Bogus) => DnssecStatus::Bogus,
        (DnssecStatus::Secure, s) | (s, DnssecStatus::Secure) => s,
        (x, y) => x.max(y),
    }
}

/// The status of one RRset; for a negative answer, of its denial proof.
/// A name no anchor covers is `indeterminate`; a `bogus` is asked again
/// once (a lost packet during the chase reads as bogus).
pub async fn rrset_status(
    validator: &Validator<'_>,
    name: &Name,
    rtype: RecordType,
) -> DnssecStatus {
    if !validator.covers(name) {
        return DnssecStatus::Indeterminate;
    }
    match status_once(validator, name, rtype).await {
        DnssecStatus::Bogus => status_once(validator, name, rtype).await,
        s => s,
    }
}

async fn status_once(validator: &Validator<'_>, name: &Name, rtype: RecordType) -> DnssecStatus {
    let Some(result) = validator.lookup(name, rtype).await else {
        return DnssecStatus::Indeterminate;
    };
    match result {
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

/// Bogus beats everything; secure only when every record is. RRSIGs are
/// skipped: the validator marks only the signature it used, so an unused
/// one (a second key during a rollover) says nothing.
pub(crate) fn combine<'a>(records: impl Iterator<Item = &'a Record>) -> DnssecStatus {
    let mut worst: Option<DnssecStatus> = None;
    for r in records.filter(|r| r.record_type() != RecordType::RRSIG) {
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
