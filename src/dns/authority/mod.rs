//! Authoritative consistency: ask every authoritative address of a domain's
//! zone directly (RD=0) for the MX RRset and for the A/AAAA of the exchanges
//! it is authoritative for, and record what each said
//! ([`crate::mx::authority`] compares them and makes the findings).

mod discover;
pub mod wire;

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use futures_util::future::join_all;
use hickory_resolver::proto::op::{Message, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};

pub use discover::{NameServer, discover};

use crate::dns::upstream::{LookupOptions, Upstream, format_addr};
use crate::dns::wire::{name_to_string, rcode_error};
use crate::mx::authority::{
    AuthorityAddress, AuthorityAnswer, AuthorityCheck, AuthorityMx, AuthorityStatus,
};

/// Which authoritative servers to ask.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AuthoritySource {
    /// None: the authoritative check is off.
    #[default]
    Off,
    /// These addresses (`--authority`), no discovery.
    Given(Vec<SocketAddr>),
    /// The zone's NS set, found through the upstream; every address is asked
    /// on `port` (53 on the Internet; a lab may serve on another port).
    Discover { port: u16 },
}

impl AuthoritySource {
    pub fn is_off(&self) -> bool {
        *self == AuthoritySource::Off
    }

    /// On the built-in demo every server listens on the demo's port:
    /// discovery asks there.
    pub fn on_demo(self, demo: Option<&crate::dns::demo::DemoServer>) -> Self {
        match (self, demo) {
            (AuthoritySource::Discover { .. }, Some(d)) => {
                AuthoritySource::Discover { port: d.port() }
            }
            (other, _) => other,
        }
    }
}

/// Runs the authoritative check for `domain` (lower-case, trailing dot).
/// Never fails: what went wrong is in the result.
pub async fn check(
    up: &Upstream,
    domain: &str,
    source: &AuthoritySource,
    opts: &LookupOptions,
) -> AuthorityCheck {
    let mut out = AuthorityCheck {
        zone: None,
        discovered: matches!(source, AuthoritySource::Discover { .. }),
        error: None,
        servers: Vec::new(),
    };
    let Ok(name) = Name::from_ascii(domain) else {
        out.error = Some("not a domain name".into());
        return out;
    };
    let targets: Vec<(Option<String>, Option<SocketAddr>)> = match source {
        AuthoritySource::Off => return out,
        AuthoritySource::Given(addrs) => addrs.iter().map(|a| (None, Some(*a))).collect(),
        AuthoritySource::Discover { port } => match discover(up, &name, *port).await {
            Ok((zone, servers)) => {
                out.zone = Some(name_to_string(&zone));
                servers
                    .into_iter()
                    .flat_map(|ns| {
                        if ns.addrs.is_empty() {
                            vec![(Some(ns.name), None)]
                        } else {
                            let n = ns.name;
                            ns.addrs
                                .into_iter()
                                .map(|a| (Some(n.clone()), Some(a)))
                                .collect()
                        }
                    })
                    .collect()
            }
            Err(e) => {
                out.error = Some(e);
                return out;
            }
        },
    };
    let zone = out.zone.as_deref().and_then(|z| Name::from_ascii(z).ok());
    let asks = targets.into_iter().map(|(ns, addr)| {
        let name = name.clone();
        let zone = zone.clone();
        async move {
            match addr {
                Some(addr) => ask_one(addr, ns, &name, zone.as_ref(), opts).await,
                None => {
                    let label = ns.clone().unwrap_or_default();
                    AuthorityAnswer::failed(label, ns, AuthorityStatus::Unreachable, "no-address")
                }
            }
        }
    });
    out.servers = join_all(asks).await;
    out
}

/// What one authoritative address says: the MX RRset, then the A and AAAA
/// of every exchange inside the zone, all at once.
async fn ask_one(
    addr: SocketAddr,
    ns: Option<String>,
    domain: &Name,
    zone: Option<&Name>,
    opts: &LookupOptions,
) -> AuthorityAnswer {
    let started = Instant::now();
    let label = format_addr(addr);
    let mut answer = match wire::ask(addr, domain, RecordType::MX, opts).await {
        Err(e) => AuthorityAnswer::failed(label, ns, AuthorityStatus::Unreachable, e.as_str()),
        Ok(msg) => match authority_of(&msg) {
            Err(why) => AuthorityAnswer::failed(label, ns, AuthorityStatus::Lame, &why),
            Ok(()) => {
                let mut a = AuthorityAnswer::failed(label, ns, AuthorityStatus::Answer, "");
                a.error = None;
                a.mx = msg
                    .answers
                    .iter()
                    .filter_map(|r| match &r.data {
                        RData::MX(mx) if r.name == *domain => Some(AuthorityMx {
                            preference: mx.preference,
                            exchange: name_to_string(&mx.exchange),
                            ttl: r.ttl,
                        }),
                        _ => None,
                    })
                    .collect();
                a.mx.sort();
                a.outcome = Some(
                    if msg.metadata.response_code == ResponseCode::NXDomain {
                        "nxdomain"
                    } else if a.mx.is_empty() {
                        "nodata"
                    } else {
                        "mx"
                    }
                    .into(),
                );
                a
            }
        },
    };
    if answer.status == AuthorityStatus::Answer {
        let mut exchanges: Vec<Name> = Vec::new();
        for m in &answer.mx {
            if m.exchange == "." {
                continue;
            }
            if let Ok(n) = Name::from_ascii(&m.exchange)
                && zone.is_none_or(|z| z.zone_of(&n))
                && !exchanges.contains(&n)
            {
                exchanges.push(n);
            }
        }
        let lookups = exchanges.iter().flat_map(|n| {
            [RecordType::A, RecordType::AAAA]
                .map(|t| async move { (n, wire::ask(addr, n, t, opts).await) })
        });
        for (n, result) in join_all(lookups).await {
            // Only what this server answers with authority: an exchange in
            // another zone is that zone's servers' business.
            let Ok(msg) = result else { continue };
            if authority_of(&msg).is_err() {
                continue;
            }
            for r in msg.answers.iter().filter(|r| r.name == *n) {
                let ip = match &r.data {
                    RData::A(a) => IpAddr::V4(a.0),
                    RData::AAAA(a) => IpAddr::V6(a.0),
                    _ => continue,
                };
                answer.addresses.push(AuthorityAddress {
                    exchange: name_to_string(n),
                    ip,
                    ttl: r.ttl,
                });
            }
        }
        answer.addresses.sort();
        answer.addresses.dedup();
    }
    answer.elapsed_ms = (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0;
    answer
}

/// Whether a response speaks with authority; else why not, in one word.
fn authority_of(msg: &Message) -> Result<(), String> {
    match msg.metadata.response_code {
        ResponseCode::NoError | ResponseCode::NXDomain => {}
        code => return Err(rcode_error(code).as_str().to_string()),
    }
    if msg.metadata.authoritative {
        return Ok(());
    }
    let referral = msg.answers.is_empty()
        && msg
            .authorities
            .iter()
            .any(|r| r.record_type() == RecordType::NS);
    Err(if referral {
        "referral".into()
    } else {
        "not-authoritative".into()
    })
}
