//! Finding a domain's authoritative servers through the configured upstream:
//! the zone that holds the domain (walking up with SOA queries), its NS set,
//! and the NS names' addresses (glue when a referral carries it, else A and
//! AAAA lookups).
//!
//! The upstream may be a recursive resolver (the SOA comes back in the
//! answer, or in the authority section of a negative answer) or an
//! authoritative server for a parent zone (a referral names the child's
//! servers): both are understood.

use std::net::{IpAddr, SocketAddr};

use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};

use crate::dns::upstream::Upstream;
use crate::dns::wire::{classify, name_to_string};

/// One NS name and the addresses to ask it at.
#[derive(Debug, Clone)]
pub struct NameServer {
    pub name: String,
    pub addrs: Vec<SocketAddr>,
}

/// The zone that holds `domain` and its servers, every address on `port`.
pub async fn discover(
    up: &Upstream,
    domain: &Name,
    port: u16,
) -> Result<(Name, Vec<NameServer>), String> {
    let (zone, mut referral) = find_zone(up, domain).await?;
    if referral.is_empty() {
        referral = ns_set(up, &zone).await?;
    }
    if referral.is_empty() {
        return Err(format!(
            "the zone {} lists no name servers",
            name_to_string(&zone)
        ));
    }
    let lookups = referral.into_iter().map(|(ns, glue)| async move {
        let ips = if glue.is_empty() {
            addresses(up, &ns).await
        } else {
            glue
        };
        NameServer {
            name: name_to_string(&ns),
            addrs: ips
                .into_iter()
                .map(|ip| SocketAddr::new(ip, port))
                .collect(),
        }
    });
    let mut servers = futures_util::future::join_all(lookups).await;
    servers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((zone, servers))
}

type Referral = Vec<(Name, Vec<IpAddr>)>;

/// Walks up from `domain` until a SOA (or a referral) names the zone.
async fn find_zone(up: &Upstream, domain: &Name) -> Result<(Name, Referral), String> {
    let mut candidate = domain.clone();
    loop {
        match up
            .resolver()
            .lookup(candidate.clone(), RecordType::SOA)
            .await
        {
            Ok(lookup) => {
                if lookup
                    .answers()
                    .iter()
                    .any(|r| r.record_type() == RecordType::SOA && r.name == candidate)
                {
                    return Ok((candidate, Vec::new()));
                }
            }
            Err(NetError::Dns(DnsError::NoRecordsFound(nr))) => {
                if let Some(soa) = &nr.soa
                    && soa.name.zone_of(&candidate)
                {
                    return Ok((soa.name.clone(), Vec::new()));
                }
                if let Some(ns) = &nr.ns {
                    // The closest enclosing NS owner is the cut (a referral
                    // may carry the parent's own NS set too).
                    let owner = ns
                        .iter()
                        .map(|d| &d.ns.name)
                        .filter(|o| o.zone_of(&candidate))
                        .max_by_key(|o| o.num_labels())
                        .cloned();
                    if let Some(owner) = owner {
                        let referral: Referral = ns
                            .iter()
                            .filter(|d| d.ns.name == owner)
                            .filter_map(|d| match &d.ns.data {
                                RData::NS(target) => Some((target.0.clone(), glue(&d.glue))),
                                _ => None,
                            })
                            .collect();
                        if !referral.is_empty() {
                            return Ok((owner, referral));
                        }
                    }
                }
            }
            Err(e) => {
                return Err(format!(
                    "the SOA query for {} failed ({})",
                    name_to_string(&candidate),
                    failure_word(&e)
                ));
            }
        }
        if candidate.is_root() || candidate.num_labels() <= 1 {
            return Err(format!(
                "no zone above {} answered with a SOA",
                name_to_string(domain)
            ));
        }
        candidate = candidate.base_name();
    }
}

/// The zone's NS names (with glue when a referral carries it).
async fn ns_set(up: &Upstream, zone: &Name) -> Result<Referral, String> {
    match up.resolver().lookup(zone.clone(), RecordType::NS).await {
        Ok(lookup) => Ok(lookup
            .answers()
            .iter()
            .filter(|r| r.name == *zone)
            .filter_map(|r| match &r.data {
                RData::NS(target) => Some((target.0.clone(), Vec::new())),
                _ => None,
            })
            .collect()),
        Err(NetError::Dns(DnsError::NoRecordsFound(nr))) => Ok(nr
            .ns
            .iter()
            .flat_map(|ns| ns.iter())
            .filter(|d| d.ns.name == *zone)
            .filter_map(|d| match &d.ns.data {
                RData::NS(target) => Some((target.0.clone(), glue(&d.glue))),
                _ => None,
            })
            .collect()),
        Err(e) => Err(format!(
            "the NS query for {} failed ({})",
            name_to_string(zone),
            failure_word(&e)
        )),
    }
}

fn glue(records: &[Record]) -> Vec<IpAddr> {
    records
        .iter()
        .filter_map(|r| match &r.data {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            RData::AAAA(a) => Some(IpAddr::V6(a.0)),
            _ => None,
        })
        .collect()
}

/// The A and AAAA of an NS name, through the upstream.
async fn addresses(up: &Upstream, ns: &Name) -> Vec<IpAddr> {
    let (a, aaaa) = futures_util::join!(
        up.resolver().lookup(ns.clone(), RecordType::A),
        up.resolver().lookup(ns.clone(), RecordType::AAAA),
    );
    let mut out: Vec<IpAddr> = [a, aaaa]
        .into_iter()
        .filter_map(Result::ok)
        .flat_map(|l| glue(l.answers()))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn failure_word(e: &NetError) -> String {
    match classify(e) {
        crate::dns::wire::Failure::Failed(err) => err.as_str().to_string(),
        crate::dns::wire::Failure::NxDomain(_) => "nxdomain".into(),
        crate::dns::wire::Failure::NoData(_) => "nodata".into(),
    }
}
