//! DANE for SMTP (RFC 7672): the TLSA RRset of every exchange, looked up
//! through the validating resolver so each carries its DNSSEC status.

use futures_util::future::join_all;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use crate::dns::security::dnssec::{Validator, combine, from_proof};
use crate::mx::MxReport;
use crate::mx::dnssec::{DnssecStatus, TlsaHost, TlsaLookup, TlsaRecord};

/// The TLSA RRset at `_25._tcp.<exchange>` for every distinct exchange.
/// For an exchange that is an alias, RFC 7672 §2.2.2 has senders look at
/// the fully expanded (canonical) name first, then at the exchange's own
/// name when the first has no TLSA records.
pub async fn lookup_all(validator: &Validator<'_>, report: &MxReport) -> Vec<TlsaHost> {
    let mut exchanges: Vec<(&str, Option<&str>)> = Vec::new();
    for h in report.mx.iter().filter(|h| !h.is_null()) {
        if !exchanges.iter().any(|(e, _)| *e == h.exchange) {
            let canonical = h
                .cname
                .last()
                .map(String::as_str)
                .filter(|c| !c.eq_ignore_ascii_case(&h.exchange));
            exchanges.push((&h.exchange, canonical));
        }
    }
    join_all(exchanges.into_iter().map(|(ex, canonical)| async move {
        if let Some(base) = canonical {
            let mut expanded = lookup(validator, base).await;
            if expanded.lookup != TlsaLookup::None {
                expanded.exchange = ex.to_string();
                return expanded;
            }
        }
        lookup(validator, ex).await
    }))
    .await
}

/// The TLSA RRset at `_25._tcp.<name>`; a `bogus` answer is asked again
/// once (a lost packet during the chase reads as bogus).
async fn lookup(validator: &Validator<'_>, name: &str) -> TlsaHost {
    let first = lookup_once(validator, name).await;
    if first.dnssec == DnssecStatus::Bogus {
        return lookup_once(validator, name).await;
    }
    first
}

async fn lookup_once(validator: &Validator<'_>, exchange: &str) -> TlsaHost {
    let mut out = TlsaHost {
        exchange: exchange.to_string(),
        lookup: TlsaLookup::Failed,
        error: None,
        dnssec: DnssecStatus::Indeterminate,
        records: Vec::new(),
    };
    let Ok(name) = Name::from_ascii(format!("_25._tcp.{exchange}")) else {
        out.error = Some("invalid".into());
        return out;
    };
    if !validator.covers(&name) {
        // No anchor reaches it: the records as the upstream gives them,
        // with no chain of trust (indeterminate).
        match super::query(validator.up, &name, RecordType::TLSA).await {
            Ok(records) => {
                for r in &records {
                    push_record(&mut out, r);
                }
                out.lookup = if out.records.is_empty() {
                    TlsaLookup::None
                } else {
                    TlsaLookup::Found
                };
            }
            Err(crate::dns::wire::Failure::NxDomain(_) | crate::dns::wire::Failure::NoData(_)) => {
                out.lookup = TlsaLookup::None;
            }
            Err(f) => out.error = Some(f.address_status().as_str().to_string()),
        }
        return out;
    }
    let Some(result) = validator.lookup(&name, RecordType::TLSA).await else {
        out.error = Some("timeout".into());
        return out;
    };
    match result {
        Ok(found) => {
            let tlsa: Vec<_> = found
                .answers()
                .iter()
                .filter(|r| r.record_type() == RecordType::TLSA)
                .collect();
            out.dnssec = combine(tlsa.iter().copied());
            for r in &tlsa {
                push_record(&mut out, r);
            }
            out.lookup = if out.records.is_empty() {
                TlsaLookup::None
            } else {
                TlsaLookup::Found
            };
        }
        Err(NetError::Dns(DnsError::DnssecBogus)) => {
            out.dnssec = DnssecStatus::Bogus;
            out.error = Some("bogus".into());
        }
        Err(NetError::Dns(DnsError::Nsec { proof, .. })) => {
            out.dnssec = from_proof(proof);
            if out.dnssec == DnssecStatus::Bogus {
                out.error = Some("bogus".into());
            } else {
                out.lookup = TlsaLookup::None;
            }
        }
        Err(NetError::Dns(DnsError::NoRecordsFound(nr))) => {
            out.lookup = TlsaLookup::None;
            out.dnssec = match &nr.authorities {
                Some(auth) if !auth.is_empty() => combine(auth.iter()),
                _ => DnssecStatus::Indeterminate,
            };
        }
        Err(e) => out.error = Some(failure_word(&e).to_string()),
    }
    out
}

fn push_record(out: &mut TlsaHost, r: &hickory_resolver::proto::rr::Record) {
    if let RData::TLSA(t) = &r.data {
        out.records.push(TlsaRecord {
            usage: t.cert_usage.into(),
            selector: t.selector.into(),
            matching_type: t.matching.into(),
            data: t.cert_data.iter().map(|b| format!("{b:02x}")).collect(),
        });
    }
}

/// A failed TLSA query in the report's words.
fn failure_word(e: &NetError) -> &'static str {
    match e {
        NetError::Dns(DnsError::ResponseCode(code)) => match *code {
            hickory_resolver::proto::op::ResponseCode::ServFail => "servfail",
            hickory_resolver::proto::op::ResponseCode::Refused => "refused",
            _ => "error",
        },
        NetError::Timeout => "timeout",
        NetError::NoConnections => "unreachable",
        _ => "error",
    }
}
