//! Reverse DNS of exchange addresses: the PTR names of each address and
//! whether one of them resolves back to it (forward-confirmed reverse DNS).
//!
//! Two round trips whatever the number of addresses: every PTR query at
//! once, then the A or AAAA of every PTR name at once. Aliases are followed
//! (RFC 2317 delegates reverse zones of small blocks through CNAMEs).

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use futures_util::future::join_all;
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use crate::dns::upstream::Upstream;
use crate::dns::wire::name_to_string;
use crate::mx::{AddressStatus, MxReport, Ptr};

/// PTR names followed per address: a reverse zone listing more is unusual,
/// and each costs a forward query.
const MAX_NAMES: usize = 8;

/// Looks up the reverse DNS of every address in `report` and fills in
/// `addresses[].ptr`. An address shared by several exchanges is looked up once.
pub async fn fill(up: &Upstream, report: &mut MxReport) {
    let ips: BTreeSet<IpAddr> = report
        .mx
        .iter()
        .flat_map(|h| h.addresses.iter().map(|a| a.ip))
        .collect();
    let found: BTreeMap<IpAddr, Ptr> = join_all(ips.into_iter().map(|ip| {
        let up = up.clone();
        async move { (ip, reverse(&up, ip).await) }
    }))
    .await
    .into_iter()
    .collect();
    for host in &mut report.mx {
        for a in &mut host.addresses {
            a.ptr = found.get(&a.ip).cloned();
        }
    }
}

/// The PTR names of `ip` and whether one resolves back to it.
pub async fn reverse(up: &Upstream, ip: IpAddr) -> Ptr {
    let qname = Name::from(ip);
    let mut ptr = Ptr {
        status: AddressStatus::Ok,
        names: Vec::new(),
        confirmed: false,
    };
    let records = match super::query(up, &qname, RecordType::PTR).await {
        Ok(records) => records,
        Err(failure) => {
            ptr.status = failure.address_status();
            return ptr;
        }
    };
    let targets: Vec<Name> = records
        .iter()
        .filter_map(|r| match &r.data {
            RData::PTR(p) => Some(p.0.clone()),
            _ => None,
        })
        .collect();
    let mut names: Vec<(String, Name)> = targets
        .into_iter()
        .map(|n| (name_to_string(&n), n))
        .collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));
    names.dedup_by(|a, b| a.0 == b.0);
    if names.is_empty() {
        ptr.status = AddressStatus::Nodata;
        return ptr;
    }
    let rtype = match ip {
        IpAddr::V4(_) => RecordType::A,
        IpAddr::V6(_) => RecordType::AAAA,
    };
    let checks = names.iter().take(MAX_NAMES).map(|(_, name)| async move {
        match super::query(up, name, rtype).await {
            Ok(records) => records.iter().any(|r| match &r.data {
                RData::A(a) => IpAddr::V4(a.0) == ip,
                RData::AAAA(a) => IpAddr::V6(a.0) == ip,
                _ => false,
            }),
            Err(_) => false,
        }
    });
    ptr.confirmed = join_all(checks).await.into_iter().any(|ok| ok);
    ptr.names = names.into_iter().map(|(s, _)| s).collect();
    ptr
}
