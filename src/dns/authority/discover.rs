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

use std::time::Instant;

use hickory_resolver::proto::op::{Message, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};

use crate::dns::upstream::Upstream;
use crate::dns::wire::{Failure, name_to_string, rcode_error};

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

/// One query through the upstream, within its round-trip budget.
async fn ask(up: &Upstream, name: &Name, rtype: RecordType) -> Result<Message, String> {
    let deadline = Instant::now() + up.options().round_trip_budget();
    let msg = up
        .exchange(name, rtype, deadline)
        .await
        .map_err(|f| failure_word(&f))?;
    match msg.metadata.response_code {
        ResponseCode::NoError | ResponseCode::NXDomain => Ok(msg),
        code => Err(rcode_error(code).as_str().to_string()),
    }
}

/// Walks up from `domain` until a SOA (or a referral) names the zone.
async fn find_zone(up: &Upstream, domain: &Name) -> Result<(Name, Referral), String> {
    let mut candidate = domain.clone();
    loop {
        let msg = ask(up, &candidate, RecordType::SOA).await.map_err(|e| {
            format!(
                "the SOA query for {} failed ({e})",
                name_to_string(&candidate)
            )
        })?;
        if msg
            .answers
            .iter()
            .any(|r| r.record_type() == RecordType::SOA && r.name == candidate)
        {
            return Ok((candidate, Vec::new()));
        }
        // A negative answer carries the zone's SOA.
        if let Some(soa) = msg
            .authorities
            .iter()
            .find(|r| r.record_type() == RecordType::SOA && r.name.zone_of(&candidate))
        {
            return Ok((soa.name.clone(), Vec::new()));
        }
        // A referral names the child zone's servers: the closest enclosing
        // NS owner is the cut (the parent's own NS set may come along).
        let owner = msg
            .authorities
            .iter()
            .filter(|r| r.record_type() == RecordType::NS && r.name.zone_of(&candidate))
            .map(|r| r.name.clone())
            .max_by_key(Name::num_labels);
        if let Some(owner) = owner {
            let referral = ns_records(&msg.authorities, &owner, &msg.additionals);
            if !referral.is_empty() {
                return Ok((owner, referral));
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
    let msg = ask(up, zone, RecordType::NS)
        .await
        .map_err(|e| format!("the NS query for {} failed ({e})", name_to_string(zone)))?;
    let answer = ns_records(&msg.answers, zone, &msg.additionals);
    if !answer.is_empty() {
        return Ok(answer);
    }
    Ok(ns_records(&msg.authorities, zone, &msg.additionals))
}

/// The NS targets of `owner` in `records`, each with its glue.
fn ns_records(records: &[Record], owner: &Name, additionals: &[Record]) -> Referral {
    records
        .iter()
        .filter(|r| r.name == *owner)
        .filter_map(|r| match &r.data {
            RData::NS(target) => {
                let glue: Vec<Record> = additionals
                    .iter()
                    .filter(|g| g.name == target.0)
                    .cloned()
                    .collect();
                Some((target.0.clone(), addresses_in(&glue)))
            }
            _ => None,
        })
        .collect()
}

fn addresses_in(records: &[Record]) -> Vec<IpAddr> {
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
    let (a, aaaa) = futures_util::join!(ask(up, ns, RecordType::A), ask(up, ns, RecordType::AAAA),);
    let mut out: Vec<IpAddr> = [a, aaaa]
        .into_iter()
        .filter_map(Result::ok)
        .flat_map(|m| addresses_in(&m.answers))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn failure_word(f: &Failure) -> String {
    match f.error() {
        Some(err) => err.as_str().to_string(),
        None if matches!(f, Failure::NxDomain(_)) => "nxdomain".into(),
        None => "nodata".into(),
    }
}
