//! One name, one type: the answer records at the end of the alias chain.
//!
//! Reads each response itself instead of trusting a library's summary:
//! only class IN counts, TTLs of 2^31 and more count as 0 (RFC 2181 §8),
//! an alias chain is followed through the whole answer section however
//! long, and restarted with a new query where it leaves the answer, up to
//! [`MAX_RESTARTS`] times (Unbound restarts about as often). The rcode of
//! an answer that holds a chain belongs to the chain's last name
//! (RFC 6604 §2). A name seen twice is a loop; a non-authoritative answer
//! that only names other servers is a referral, not "no data"
//! (RFC 2308 §2.2).

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use hickory_resolver::proto::op::{Message, ResponseCode};
use hickory_resolver::proto::rr::{DNSClass, Name, RData, Record, RecordType};

use crate::dns::upstream::Upstream;
use crate::dns::wire::{Failure, name_to_string, rcode_error};

/// New queries one lookup may start to follow an alias chain that leaves
/// the answer (Unbound's `max-query-restarts` is 11).
pub const MAX_RESTARTS: usize = 12;

/// What a lookup of one name and type found.
#[derive(Debug)]
pub struct Resolution {
    /// The alias chain followed from the queried name (each target, in order).
    pub chain: Vec<String>,
    /// The records of the type at the chain's end (class IN, TTLs sane), or
    /// what the failure at the chain's end was.
    pub result: Result<Vec<Record>, Failure>,
}

/// Looks up `name`/`rtype` on `up`, following aliases, until `deadline`.
pub async fn resolve(
    up: &Upstream,
    name: &Name,
    rtype: RecordType,
    deadline: Instant,
) -> Resolution {
    let mut chain: Vec<Name> = Vec::new();
    let mut seen: HashSet<Name> = HashSet::from([name.clone()]);
    let mut current = name.clone();
    let result = 'outer: {
        for _ in 0..=MAX_RESTARTS {
            let msg = match up.exchange(&current, rtype, deadline).await {
                Ok(msg) => msg,
                Err(f) => break 'outer Err(f),
            };
            let before = chain.len();
            let step = read(&msg, rtype, &mut current, &mut chain, &mut seen);
            match step {
                Step::Done(Err(Failure::Loop(_))) => {
                    break 'outer Err(Failure::Loop(loop_names(name, &chain)));
                }
                Step::Done(result) => break 'outer result,
                Step::Restart if chain.len() > before => continue,
                Step::Restart => break 'outer Err(Failure::NoData(None)),
            }
        }
        Err(Failure::ChainTooLong(chain.len()))
    };
    Resolution {
        chain: chain.iter().map(name_to_string).collect(),
        result,
    }
}

enum Step {
    Done(Result<Vec<Record>, Failure>),
    /// The chain left this answer at `current`: ask again for it.
    Restart,
}

/// Reads one validated response for `current`, moving `current` along the
/// alias chain it holds.
fn read(
    msg: &Message,
    rtype: RecordType,
    current: &mut Name,
    chain: &mut Vec<Name>,
    seen: &mut HashSet<Name>,
) -> Step {
    let code = msg.metadata.response_code;
    if !matches!(code, ResponseCode::NoError | ResponseCode::NXDomain) {
        return Step::Done(Err(Failure::Failed(rcode_error(code))));
    }
    let answers: Vec<&Record> = msg
        .answers
        .iter()
        .filter(|r| r.dns_class == DNSClass::IN)
        .collect();
    // Aliases by owner (the first one wins: an owner has one CNAME).
    let mut aliases: HashMap<&Name, &Name> = HashMap::new();
    if rtype != RecordType::CNAME {
        for r in &answers {
            if let RData::CNAME(target) = &r.data {
                aliases.entry(&r.name).or_insert(&target.0);
            }
        }
    }
    let moved = chain.len();
    loop {
        if answers
            .iter()
            .any(|r| r.record_type() == rtype && r.name == *current)
        {
            break;
        }
        let Some(target) = aliases.get(current) else {
            break;
        };
        let target = (*target).clone();
        chain.push(target.clone());
        if !seen.insert(target.clone()) {
            return Step::Done(Err(Failure::Loop(Vec::new())));
        }
        *current = target;
    }
    let records: Vec<Record> = answers
        .iter()
        .filter(|r| r.record_type() == rtype && r.name == *current)
        .map(|r| sane_ttl((*r).clone()))
        .collect();
    if !records.is_empty() {
        return Step::Done(Ok(records));
    }
    let soa = msg.authorities.iter().find_map(|r| match &r.data {
        RData::SOA(soa) if r.dns_class == DNSClass::IN => Some(ttl(r.ttl).min(ttl(soa.minimum))),
        _ => None,
    });
    if code == ResponseCode::NXDomain {
        return Step::Done(Err(Failure::NxDomain(soa)));
    }
    if soa.is_some() {
        return Step::Done(Err(Failure::NoData(soa)));
    }
    if chain.len() > moved {
        // The chain left the answer with no word on its target: ask for it.
        return Step::Restart;
    }
    let servers: Vec<String> = msg
        .authorities
        .iter()
        .filter(|r| r.dns_class == DNSClass::IN)
        .filter_map(|r| match &r.data {
            RData::NS(ns) => Some(name_to_string(&ns.0)),
            _ => None,
        })
        .collect();
    if !servers.is_empty() && !msg.metadata.authoritative {
        return Step::Done(Err(Failure::Referral(servers)));
    }
    Step::Done(Err(Failure::NoData(None)))
}

/// The names of the loop: from the first occurrence of the repeated name
/// round to itself (`a → b → a`, or `a → a` for a name aliasing itself).
fn loop_names(origin: &Name, chain: &[Name]) -> Vec<String> {
    let path: Vec<&Name> = std::iter::once(origin).chain(chain).collect();
    let Some(last) = path.last() else {
        return Vec::new();
    };
    let first = path.iter().position(|n| n == last).unwrap_or(0);
    path[first..].iter().map(|n| name_to_string(n)).collect()
}

/// RFC 2181 §8: a TTL with the top bit set counts as 0.
pub fn ttl(ttl: u32) -> u32 {
    if ttl >= 1 << 31 { 0 } else { ttl }
}

fn sane_ttl(mut r: Record) -> Record {
    r.ttl = ttl(r.ttl);
    r
}
