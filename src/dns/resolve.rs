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
    let mut walk = Walk {
        origin: name,
        current: name.clone(),
        chain: Vec::new(),
        seen: HashSet::new(),
    };
    let result = 'outer: {
        for _ in 0..=MAX_RESTARTS {
            let msg = match up.exchange(&walk.current, rtype, deadline).await {
                Ok(msg) => msg,
                Err(f) => break 'outer Err(f),
            };
            match walk.read(msg, rtype) {
                Step::Done(result) => break 'outer result,
                Step::Restart => continue,
            }
        }
        Err(Failure::ChainTooLong(walk.chain.len()))
    };
    Resolution {
        chain: walk.chain.iter().map(name_to_string).collect(),
        result,
    }
}

enum Step {
    Done(Result<Vec<Record>, Failure>),
    /// The chain left this answer at `current`: ask again for it.
    Restart,
}

/// Where a lookup is along its alias chain.
struct Walk<'a> {
    origin: &'a Name,
    /// The name the next record must be owned by.
    current: Name,
    /// Alias targets followed so far.
    chain: Vec<Name>,
    /// Every name of a long chain, for loop detection in constant time
    /// (short chains are searched directly: no allocation on the common path).
    seen: HashSet<Name>,
}

/// Chains up to this length are checked for loops by a linear search.
const SHORT_CHAIN: usize = 16;

impl Walk<'_> {
    /// Whether `name` is already on the chain (the queried name included).
    fn revisits(&mut self, name: &Name) -> bool {
        if self.chain.len() < SHORT_CHAIN {
            return name == self.origin || self.chain.contains(name);
        }
        if self.seen.is_empty() {
            self.seen.insert(self.origin.clone());
            self.seen.extend(self.chain.iter().cloned());
        }
        !self.seen.insert(name.clone())
    }

    /// Reads one checked response for `current`, moving along the alias
    /// chain it holds.
    fn read(&mut self, msg: Message, rtype: RecordType) -> Step {
        let code = msg.metadata.response_code;
        if !matches!(code, ResponseCode::NoError | ResponseCode::NXDomain) {
            return Step::Done(Err(Failure::Failed(rcode_error(code))));
        }
        let authoritative = msg.metadata.authoritative;
        let Message {
            answers,
            authorities,
            ..
        } = msg;
        let is_in = |r: &Record| r.dns_class == DNSClass::IN;
        let has_alias = rtype != RecordType::CNAME
            && answers
                .iter()
                .any(|r| is_in(r) && r.record_type() == RecordType::CNAME);
        let moved = self.chain.len();
        if has_alias {
            // Aliases by owner (the first one wins: an owner has one CNAME).
            let mut aliases: HashMap<&Name, &Name> = HashMap::new();
            for r in answers.iter().filter(|r| is_in(r)) {
                if let RData::CNAME(target) = &r.data {
                    aliases.entry(&r.name).or_insert(&target.0);
                }
            }
            loop {
                let current = &self.current;
                if answers
                    .iter()
                    .any(|r| is_in(r) && r.record_type() == rtype && r.name == *current)
                {
                    break;
                }
                let Some(&target) = aliases.get(current) else {
                    break;
                };
                let target = target.clone();
                let looped = self.revisits(&target);
                self.chain.push(target.clone());
                if looped {
                    return Step::Done(Err(Failure::Loop(loop_names(self.origin, &self.chain))));
                }
                self.current = target;
            }
        }
        let records: Vec<Record> = answers
            .into_iter()
            .filter(|r| is_in(r) && r.record_type() == rtype && r.name == self.current)
            .map(sane_ttl)
            .collect();
        if !records.is_empty() {
            return Step::Done(Ok(records));
        }
        let soa = authorities.iter().find_map(|r| match &r.data {
            RData::SOA(soa) if is_in(r) => Some(ttl(r.ttl).min(ttl(soa.minimum))),
            _ => None,
        });
        if code == ResponseCode::NXDomain {
            return Step::Done(Err(Failure::NxDomain(soa)));
        }
        if soa.is_some() {
            return Step::Done(Err(Failure::NoData(soa)));
        }
        if self.chain.len() > moved {
            // The chain left the answer with no word on its target: ask for it.
            return Step::Restart;
        }
        let servers: Vec<String> = authorities
            .iter()
            .filter(|r| is_in(r))
            .filter_map(|r| match &r.data {
                RData::NS(ns) => Some(name_to_string(&ns.0)),
                _ => None,
            })
            .collect();
        if !servers.is_empty() && !authoritative {
            return Step::Done(Err(Failure::Referral(servers)));
        }
        Step::Done(Err(Failure::NoData(None)))
    }
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
