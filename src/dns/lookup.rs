//! MX report assembly: the MX query, then the A and AAAA of every exchange at
//! once, so a report costs two round trips however many hosts there are.
//!
//! A report has one deadline: each of its two round trips gets
//! [`LookupOptions::round_trip_budget`](crate::dns::LookupOptions::round_trip_budget)
//! (alias chains that need new queries spend it too), so nothing a server
//! does stretches a report past
//! [`LookupOptions::report_deadline`](crate::dns::LookupOptions::report_deadline).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use futures_util::future::join_all;
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use crate::dns::resolve::resolve;
use crate::dns::upstream::Upstream;
use crate::dns::wire::{Failure, name_to_string};
use crate::mx::{Address, AddressStatus, MxHost, MxReport, Outcome, checks, provider};

/// Distinct exchanges whose addresses one report looks up, in MX order
/// (preference, then name). A larger MX RRset is legal DNS; the rest are
/// reported as `skipped` and a `mx-too-many-exchanges` finding says so.
pub const MAX_EXCHANGES: usize = checks::MAX_EXCHANGES;

/// Looks up `domain` (already parsed: lower-case ASCII with a trailing dot)
/// and returns its report with findings. Never fails: errors are in the report.
pub async fn mx_report(up: &Upstream, domain: &str) -> MxReport {
    let started = Instant::now();
    let budget = up.options().round_trip_budget();
    let mut report = MxReport::new(domain, up.label());
    let Ok(name) = Name::from_ascii(domain) else {
        report.outcome = Outcome::Error;
        report.error = Some(crate::mx::LookupError::Other("invalid".into()));
        return finish(report, started);
    };

    let mx = resolve(up, &name, RecordType::MX, started + budget).await;
    report.mx_query_ms = ms(started);
    report.domain_cname = mx.chain;
    match mx.result {
        Ok(records) => {
            for r in records {
                if let RData::MX(mx) = &r.data {
                    let exchange = name_to_string(&mx.exchange);
                    report.mx.push(MxHost::new(mx.preference, exchange, r.ttl));
                }
            }
            if report.mx.is_empty() {
                implicit(up, &mut report, &name, None).await;
            } else if report.mx.len() == 1 && report.mx[0].is_null() {
                report.outcome = Outcome::NullMx;
                mark_null(&mut report.mx[0]);
            } else {
                report.outcome = Outcome::Mx;
                resolve_exchanges(up, &mut report).await;
            }
        }
        Err(Failure::NxDomain(ttl)) => {
            report.outcome = Outcome::Nxdomain;
            report.negative_ttl = ttl;
        }
        Err(Failure::NoData(ttl)) => implicit(up, &mut report, &name, ttl).await,
        Err(failure) => {
            report.outcome = Outcome::Error;
            report.error = failure.error();
            report.error_detail = failure.detail();
        }
    }
    finish(report, started)
}

/// A report for a proposed MX set (what-if): the records are given, the
/// exchanges' addresses are looked up live.
pub async fn report_for_mx_set(
    up: &Upstream,
    domain: &str,
    records: Vec<(u16, String)>,
) -> MxReport {
    let started = Instant::now();
    let mut report = MxReport::new(domain, up.label());
    for (preference, exchange) in records {
        let exchange = if exchange.ends_with('.') {
            exchange.to_ascii_lowercase()
        } else {
            format!("{}.", exchange.to_ascii_lowercase())
        };
        report.mx.push(MxHost::new(preference, exchange, 0));
    }
    report.outcome = match report.mx.as_slice() {
        [] => Outcome::NoMail,
        [only] if only.is_null() => Outcome::NullMx,
        _ => Outcome::Mx,
    };
    if report.outcome == Outcome::Mx {
        resolve_exchanges(up, &mut report).await;
    }
    finish(report, started)
}

fn finish(mut report: MxReport, started: Instant) -> MxReport {
    report.sort_mx();
    for host in &mut report.mx {
        host.provider = provider::lookup(&host.exchange, &host.cname).map(str::to_string);
    }
    report.findings = checks::run(&report);
    report.elapsed_ms = ms(started);
    report
}

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// One exchange's A and AAAA results.
struct Resolved {
    cname: Vec<String>,
    addresses: Vec<Address>,
    a_status: AddressStatus,
    aaaa_status: AddressStatus,
    detail: Option<String>,
    query_ms: f64,
}

impl Resolved {
    fn unresolved(status: AddressStatus) -> Self {
        Self {
            cname: Vec::new(),
            addresses: Vec::new(),
            a_status: status,
            aaaa_status: status,
            detail: None,
            query_ms: 0.0,
        }
    }
}

async fn resolve_name(up: &Upstream, name: Name, deadline: Instant) -> Resolved {
    let started = Instant::now();
    let (a, aaaa) = futures_util::join!(
        resolve(up, &name, RecordType::A, deadline),
        resolve(up, &name, RecordType::AAAA, deadline),
    );
    let mut out = Resolved::unresolved(AddressStatus::Ok);
    out.query_ms = ms(started);
    for (resolution, status) in [(a, &mut out.a_status), (aaaa, &mut out.aaaa_status)] {
        if resolution.chain.len() > out.cname.len() {
            out.cname = resolution.chain;
        }
        match resolution.result {
            Ok(records) => {
                for r in records {
                    match &r.data {
                        RData::A(a) => out.addresses.push(Address::new(IpAddr::V4(a.0), r.ttl)),
                        RData::AAAA(a) => {
                            out.addresses.push(Address::new(IpAddr::V6(a.0), r.ttl));
                        }
                        _ => {}
                    }
                }
            }
            Err(failure) => {
                *status = failure.address_status();
                if out.detail.is_none() {
                    out.detail = failure.detail();
                }
            }
        }
    }
    out.addresses.sort_by_key(|a| (a.family, a.ip));
    out.addresses.dedup_by(|x, y| x.ip == y.ip);
    out
}

/// Resolves the first [`MAX_EXCHANGES`] distinct exchanges concurrently
/// and fills in the hosts.
async fn resolve_exchanges(up: &Upstream, report: &mut MxReport) {
    let deadline = Instant::now() + up.options().round_trip_budget();
    report.sort_mx();
    let mut names: Vec<String> = Vec::new();
    for h in report.mx.iter().filter(|h| !h.is_null()) {
        if names.len() == MAX_EXCHANGES {
            break;
        }
        if !names.contains(&h.exchange) {
            names.push(h.exchange.clone());
        }
    }
    let lookups = names.into_iter().map(|exchange| async move {
        let resolved = match parse_wire_name(&exchange) {
            Some(name) => resolve_name(up, name, deadline).await,
            None => Resolved::unresolved(AddressStatus::Error),
        };
        (exchange, resolved)
    });
    let results: HashMap<String, Resolved> = join_all(lookups).await.into_iter().collect();
    let skipped = Resolved::unresolved(AddressStatus::Skipped);
    for host in &mut report.mx {
        if host.is_null() {
            mark_null(host);
            continue;
        }
        apply(host, results.get(&host.exchange).unwrap_or(&skipped));
    }
}

/// The `.` of a null MX names no host: there is no address to look up.
fn mark_null(host: &mut MxHost) {
    host.address_status = AddressStatus::Nodata;
    host.a_status = AddressStatus::Nodata;
    host.aaaa_status = AddressStatus::Nodata;
}

fn apply(host: &mut MxHost, r: &Resolved) {
    host.cname = r.cname.clone();
    host.addresses = r.addresses.clone();
    host.a_status = r.a_status;
    host.aaaa_status = r.aaaa_status;
    host.address_status =
        AddressStatus::combine(r.a_status, r.aaaa_status, !r.addresses.is_empty());
    host.lookup_detail = r.detail.clone();
    host.query_ms = r.query_ms;
}

/// No MX RRset: RFC 5321 §5.1 falls back to the domain's own addresses.
async fn implicit(up: &Upstream, report: &mut MxReport, name: &Name, negative_ttl: Option<u32>) {
    report.negative_ttl = negative_ttl;
    let deadline = Instant::now() + up.options().round_trip_budget();
    let r = resolve_name(up, name.clone(), deadline).await;
    let status = AddressStatus::combine(r.a_status, r.aaaa_status, !r.addresses.is_empty());
    match status {
        AddressStatus::Nodata | AddressStatus::Nxdomain => report.outcome = Outcome::NoMail,
        _ => {
            report.outcome = Outcome::Implicit;
            let mut host = MxHost::new(0, report.domain.clone(), negative_ttl.unwrap_or(0));
            apply(&mut host, &r);
            report.mx.push(host);
        }
    }
}

/// Parses a name as `name_to_string` wrote it (escapes included).
fn parse_wire_name(s: &str) -> Option<Name> {
    let labels = crate::mx::name::name_labels(s)?;
    let mut name = Name::from_labels(labels.iter().map(Vec::as_slice)).ok()?;
    name.set_fqdn(true);
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for raw in [
            vec![&b"mx1"[..], b"example", b"test"],
            vec![&b"mx\x1b[31m"[..], b"evil", b"test"],
            vec![&b"a.b"[..], b"back\\slash", b"test"],
            vec![&b"caf\xc3\xa9"[..], b"test"],
        ] {
            let name = Name::from_labels(raw).unwrap();
            let s = name_to_string(&name);
            assert_eq!(parse_wire_name(&s).unwrap(), name, "{s:?}");
        }
    }
}
