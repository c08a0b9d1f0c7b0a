//! The demo's DNSSEC: zones signed at start-up with freshly generated keys,
//! so no private key and no expiring signature sits in the repository.
//!
//! The demo signs the two parents, `example.` and `test.`, and the DANE
//! domain under `example.`. Every other demo zone is delegated from its
//! parent without a DS record, which the parent's signed NSEC proves: a
//! validator sees those zones as `insecure`, the DANE domain (DS in
//! `example.`) as `secure`. The trust anchor is the two parents' keys.
//!
//! One catalog answers for every zone, and a catalog sends each query to the
//! deepest zone holding the name, while a DS record lives in the parent
//! zone (RFC 4035 §3.1.4.1). [`ZoneRouter`] therefore sends DS queries,
//! and the apex queries of `test.` (a zone only the chain of trust needs),
//! to the parents.

use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use hickory_server::dnssec::NxProofKind;
use hickory_server::net::runtime::{Time, TokioRuntimeProvider};
use hickory_server::proto::dnssec::crypto::EcdsaSigningKey;
use hickory_server::proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS};
use hickory_server::proto::dnssec::{Algorithm, DigestType, DnssecSigner, PublicKey, SigningKey};
use hickory_server::proto::rr::{LowerName, Name, RData, Record, RecordSet, RecordType, RrKey};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};

use crate::dns::demo::ZoneText;
use crate::dns::security::dnssec::AnchorFile;
use crate::dns::zone::parse_zone;

/// How long the start-up signatures stay valid: a `serve-demo` left
/// running for a year still validates.
const SIGNATURE_LIFETIME: Duration = Duration::from_secs(366 * 24 * 3600);
/// The key algorithm: ECDSA P-256 with SHA-256 (13), what most signed
/// zones use; a key is generated in well under a millisecond.
const ALGORITHM: Algorithm = Algorithm::ECDSAP256SHA256;

/// Routes each query to the zone that holds its answer: the deepest zone of
/// the name, except DS (the parent's) and the parent-only zones' own names.
#[derive(Clone)]
pub struct ZoneRouter {
    main: Arc<Catalog>,
    parents: Arc<Catalog>,
    parent_only: Arc<Vec<LowerName>>,
}

impl ZoneRouter {
    fn serves_parent(&self, name: &LowerName, rtype: RecordType) -> bool {
        if self.parents.find(name).is_none() {
            return false;
        }
        rtype == RecordType::DS
            || (self.main.find(name).is_none() && self.parent_only.contains(name))
    }
}

#[async_trait::async_trait]
impl RequestHandler for ZoneRouter {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        response_handle: R,
    ) -> ResponseInfo {
        let to_parent = request
            .request_info()
            .map(|info| self.serves_parent(info.query.name(), info.query.query_type()))
            .unwrap_or(false);
        if to_parent {
            self.parents
                .handle_request::<R, T>(request, response_handle)
                .await
        } else {
            self.main
                .handle_request::<R, T>(request, response_handle)
                .await
        }
    }
}

/// An unsigned catalog of `zones`, every query to the deepest zone (the
/// test lab, the demo's other servers).
pub fn plain_router(zones: &[ZoneText]) -> io::Result<ZoneRouter> {
    let mut main = Catalog::new();
    for zone in zones {
        let (origin, records) = parse(zone)?;
        let handler = handler(&origin, records, None).map_err(|e| bad(zone, e))?;
        main.upsert(LowerName::new(&origin), vec![Arc::new(handler)]);
    }
    Ok(ZoneRouter {
        main: Arc::new(main),
        parents: Arc::new(Catalog::new()),
        parent_only: Arc::new(Vec::new()),
    })
}

/// A zone parsed into hickory's record map.
pub struct ParsedZone {
    pub origin: Name,
    pub records: BTreeMap<RrKey, RecordSet>,
}

/// Parses every zone; the first that fails is the error, naming it.
pub fn parse_all(zones: &[ZoneText]) -> io::Result<Vec<ParsedZone>> {
    zones
        .iter()
        .map(|z| parse(z).map(|(origin, records)| ParsedZone { origin, records }))
        .collect()
}

/// The signed demo: `zones` served, `parent_only` answering only for the
/// chain of trust, every zone named in `signed` signed with a new key, each
/// zone delegated from the nearest enclosing zone (NS copied from its apex,
/// DS when both are signed). Returns the router and the trust anchor: the
/// keys of the signed zones without a signed parent.
pub fn signed_router(
    zones: Vec<ParsedZone>,
    parent_only: Vec<ParsedZone>,
    signed: &[&str],
) -> io::Result<(ZoneRouter, AnchorFile)> {
    let served = zones.len();
    let mut parsed: Vec<ParsedZone> = zones;
    parsed.extend(parent_only);
    let parent: Vec<Option<usize>> = parsed
        .iter()
        .map(|child| {
            parsed
                .iter()
                .enumerate()
                .filter(|(_, z)| z.origin != child.origin && z.origin.zone_of(&child.origin))
                .max_by_key(|(_, z)| z.origin.num_labels())
                .map(|(i, _)| i)
        })
        .collect();
    let signed: Vec<bool> = parsed
        .iter()
        .map(|z| {
            signed
                .iter()
                .any(|s| Name::from_ascii(s).is_ok_and(|n| n == z.origin))
        })
        .collect();

    // Delegations: the child's apex NS in the parent.
    for (i, p) in parent.iter().enumerate() {
        let Some(p) = *p else { continue };
        let apex = RrKey::new(LowerName::new(&parsed[i].origin), RecordType::NS);
        let ns: Vec<Record> = parsed[i]
            .records
            .get(&apex)
            .map(|set| set.records_without_rrsigs().cloned().collect())
            .unwrap_or_default();
        for record in ns {
            insert(&mut parsed[p].records, record);
        }
    }

    // Children before parents: a child's DS goes into its parent's records
    // before the parent is signed.
    let mut order: Vec<usize> = (0..parsed.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(parsed[i].origin.num_labels()));
    let mut handlers: Vec<Option<Arc<InMemoryZoneHandler>>> = vec![None; parsed.len()];
    let mut anchor = AnchorFile::default();
    for i in order {
        let origin = parsed[i].origin.clone();
        let records = std::mem::take(&mut parsed[i].records);
        let zone_err = |e: String| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("zone \"{origin}\": {e}"),
            )
        };
        if !signed[i] {
            handlers[i] = Some(Arc::new(handler(&origin, records, None).map_err(zone_err)?));
            continue;
        }
        let mut zone = handler(&origin, records, Some(NxProofKind::Nsec)).map_err(zone_err)?;
        let (signer, dnskey) = new_signer(&origin).map_err(zone_err)?;
        zone.add_zone_signing_key_mut(signer)
            .map_err(|e| zone_err(e.to_string()))?;
        zone.secure_zone_mut()
            .map_err(|e| zone_err(e.to_string()))?;
        match parent[i].filter(|&p| signed[p]) {
            Some(p) => {
                let ds = ds_record(&origin, &dnskey).map_err(zone_err)?;
                insert(&mut parsed[p].records, ds);
            }
            None => anchor.keys.push((origin, dnskey)),
        }
        handlers[i] = Some(Arc::new(zone));
    }

    let mut main = Catalog::new();
    let mut parents = Catalog::new();
    let mut only = Vec::new();
    for (i, zone) in parsed.iter().enumerate() {
        let Some(h) = handlers[i].clone() else {
            continue;
        };
        let name = LowerName::new(&zone.origin);
        let h: Arc<dyn ZoneHandler> = h;
        if parent.contains(&Some(i)) {
            parents.upsert(name.clone(), vec![h.clone()]);
        }
        if i >= served {
            only.push(name);
        } else {
            main.upsert(name, vec![h]);
        }
    }
    Ok((
        ZoneRouter {
            main: Arc::new(main),
            parents: Arc::new(parents),
            parent_only: Arc::new(only),
        },
        anchor,
    ))
}

fn parse(zone: &ZoneText) -> io::Result<(Name, BTreeMap<RrKey, RecordSet>)> {
    parse_zone(&zone.origin, &zone.text).map_err(|e| bad(zone, e))
}

fn bad(zone: &ZoneText, what: String) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("zone \"{}\": {what}", zone.origin),
    )
}

fn handler(
    origin: &Name,
    records: BTreeMap<RrKey, RecordSet>,
    proofs: Option<NxProofKind>,
) -> Result<InMemoryZoneHandler, String> {
    InMemoryZoneHandler::<TokioRuntimeProvider>::new(
        origin.clone(),
        records,
        ZoneType::Primary,
        AxfrPolicy::Deny,
        proofs,
    )
}

fn insert(records: &mut BTreeMap<RrKey, RecordSet>, record: Record) {
    let key = RrKey::new(LowerName::new(&record.name), record.record_type());
    records
        .entry(key)
        .or_insert_with(|| RecordSet::new(record.name.clone(), record.record_type(), 0))
        .insert(record, 0);
}

/// A fresh key for `origin` (zone and secure-entry-point flags: one key
/// signs everything) and its DNSKEY.
fn new_signer(origin: &Name) -> Result<(DnssecSigner, DNSKEY), String> {
    let pkcs8 = EcdsaSigningKey::generate_pkcs8(ALGORITHM).map_err(|e| e.to_string())?;
    let key = EcdsaSigningKey::from_pkcs8(&pkcs8, ALGORITHM).map_err(|e| e.to_string())?;
    let public = key.to_public_key().map_err(|e| e.to_string())?;
    let dnskey = DNSKEY::from_key(&public);
    let signer = DnssecSigner::new(
        dnskey.clone(),
        Box::new(key),
        origin.clone(),
        SIGNATURE_LIFETIME,
    );
    Ok((signer, dnskey))
}

/// The DS record (SHA-256) of `child`'s key, for the parent zone.
fn ds_record(child: &Name, dnskey: &DNSKEY) -> Result<Record, String> {
    let digest = dnskey
        .to_digest(child, DigestType::SHA256)
        .map_err(|e| e.to_string())?;
    let tag = dnskey.calculate_key_tag().map_err(|e| e.to_string())?;
    let ds = DS::new(
        tag,
        dnskey.public_key().algorithm(),
        DigestType::SHA256,
        digest.as_ref().to_vec(),
    );
    Ok(Record::from_rdata(
        child.clone(),
        3600,
        RData::DNSSEC(DNSSECRData::DS(ds)),
    ))
}

/// The anchor in zone-file form (what `--trust-anchor` reads).
pub fn anchor_text(anchor: &AnchorFile) -> String {
    let mut out =
        String::from("; The mxlens demo's trust anchor: keys generated when the demo started.\n");
    for (name, key) in &anchor.keys {
        out.push_str(&format!("{name} 3600 IN DNSKEY {key}\n"));
    }
    out
}
