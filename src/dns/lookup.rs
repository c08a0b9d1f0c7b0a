//! MX report assembly: the MX query, then the A and AAAA of every exchange at
//! once, so a report costs two round trips however many hosts there are.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use futures_util::future::join_all;
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};

use crate::dns::upstream::Upstream;
use crate::dns::wire::{Failure, name_to_string};
use crate::mx::{Address, AddressStatus, LookupError, MxHost, MxReport, Outcome, checks, provider};

/// Looks up `domain` (already parsed: lower-case ASCII with a trailing dot)
/// and returns its report with findings. Never fails: errors are in the report.
pub async fn mx_report(up: &Upstream, domain: &str) -> MxReport {
    let started = Instant::now();
    let mut report = MxReport::new(domain, up.label());
    let Ok(name) = Name::from_ascii(domain) else {
        report.outcome = Outcome::Error;
        report.error = Some(LookupError::Other("invalid".into()));
        return finish(report, started);
    };

    let mx_started = Instant::now();
    let mx = up.query(&name, RecordType::MX).await;
    report.mx_query_ms = ms(mx_started);
    match mx {
        Ok(records) => {
            let answers = parse_answers(&records, &name);
            report.domain_cname = answers.cname;
            for (preference, exchange, ttl) in answers.mx {
                report.mx.push(MxHost::new(preference, exchange, ttl));
            }
            if report.mx.is_empty() {
                // A CNAME with no MX behind it: the same as NODATA.
                implicit(up, &mut report, &name, None).await;
            } else if report.mx.len() == 1 && report.mx[0].is_null() {
                report.outcome = Outcome::NullMx;
                mark_null(&mut report.mx[0]);
            } else {
                report.outcome = Outcome::Mx;
                resolve_exchanges(up, &mut report).await;
            }
        }
        Err(failure) => match failure {
            Failure::NxDomain(ttl) => {
                report.outcome = Outcome::Nxdomain;
                report.negative_ttl = ttl;
            }
            Failure::NoData(ttl) => implicit(up, &mut report, &name, ttl).await,
            Failure::Failed(e) => {
                report.outcome = Outcome::Error;
                report.error = Some(e);
            }
        },
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

/// What one answer section held for the queried name.
#[derive(Default)]
struct Answers {
    /// Alias chain from the queried name (canonical names, in order).
    cname: Vec<String>,
    mx: Vec<(u16, String, u32)>,
    addresses: Vec<Address>,
}

/// Reads the answer section, following the CNAME chain from `qname` so that
/// records for other owners (there should be none) are not mistaken for ours.
fn parse_answers(records: &[Record], qname: &Name) -> Answers {
    let mut out = Answers::default();
    let mut owner = qname.clone();
    // Walk the chain: each CNAME whose owner is the current name moves it on.
    for _ in 0..16 {
        let next = records.iter().find_map(|r| match &r.data {
            RData::CNAME(target) if r.name == owner => Some(target.0.clone()),
            _ => None,
        });
        match next {
            Some(target) if target != owner => {
                out.cname.push(name_to_string(&target));
                owner = target;
            }
            _ => break,
        }
    }
    for r in records {
        if r.name != owner {
            continue;
        }
        match &r.data {
            RData::MX(mx) => out
                .mx
                .push((mx.preference, name_to_string(&mx.exchange), r.ttl)),
            RData::A(a) => out.addresses.push(Address::new(IpAddr::V4(a.0), r.ttl)),
            RData::AAAA(a) => out.addresses.push(Address::new(IpAddr::V6(a.0), r.ttl)),
            _ => {}
        }
    }
    out
}

/// One exchange's A and AAAA results.
struct Resolved {
    cname: Vec<String>,
    addresses: Vec<Address>,
    a_status: AddressStatus,
    aaaa_status: AddressStatus,
    query_ms: f64,
}

async fn resolve_name(up: &Upstream, name: Name) -> Resolved {
    let started = Instant::now();
    let (a, aaaa) = futures_util::join!(
        up.query(&name, RecordType::A),
        up.query(&name, RecordType::AAAA),
    );
    let mut out = Resolved {
        cname: Vec::new(),
        addresses: Vec::new(),
        a_status: AddressStatus::Ok,
        aaaa_status: AddressStatus::Ok,
        query_ms: ms(started),
    };
    for (result, status) in [(a, &mut out.a_status), (aaaa, &mut out.aaaa_status)] {
        match result {
            Ok(records) => {
                let answers = parse_answers(&records, &name);
                if answers.cname.len() > out.cname.len() {
                    out.cname = answers.cname;
                }
                if answers.addresses.is_empty() {
                    *status = AddressStatus::Nodata;
                }
                out.addresses.extend(answers.addresses);
            }
            Err(failure) => *status = failure.address_status(),
        }
    }
    out.addresses.sort_by_key(|a| (a.family, a.ip));
    out.addresses.dedup_by(|x, y| x.ip == y.ip);
    out
}

/// Resolves every distinct exchange concurrently and fills in the hosts.
async fn resolve_exchanges(up: &Upstream, report: &mut MxReport) {
    let mut names: Vec<String> = report
        .mx
        .iter()
        .filter(|h| !h.is_null())
        .map(|h| h.exchange.clone())
        .collect();
    names.sort();
    names.dedup();
    let lookups = names.iter().map(|exchange| {
        let up = up.clone();
        let exchange = exchange.clone();
        async move {
            let resolved = match parse_wire_name(&exchange) {
                Some(name) => resolve_name(&up, name).await,
                None => Resolved {
                    cname: Vec::new(),
                    addresses: Vec::new(),
                    a_status: AddressStatus::Error,
                    aaaa_status: AddressStatus::Error,
                    query_ms: 0.0,
                },
            };
            (exchange, resolved)
        }
    });
    let results: HashMap<String, Resolved> = join_all(lookups).await.into_iter().collect();
    for host in &mut report.mx {
        if host.is_null() {
            mark_null(host);
            continue;
        }
        if let Some(r) = results.get(&host.exchange) {
            apply(host, r);
        }
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
    host.query_ms = r.query_ms;
}

/// No MX RRset: RFC 5321 §5.1 falls back to the domain's own addresses.
async fn implicit(up: &Upstream, report: &mut MxReport, name: &Name, negative_ttl: Option<u32>) {
    report.negative_ttl = negative_ttl;
    let r = resolve_name(up, name.clone()).await;
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
