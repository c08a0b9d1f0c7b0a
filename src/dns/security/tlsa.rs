//! DANE for SMTP (RFC 7672): the TLSA RRset of every exchange, looked up
//! through the validating resolver so each carries its DNSSEC status.

use futures_util::future::join_all;
use hickory_resolver::TokioResolver;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use crate::dns::security::dnssec::{combine, from_proof};
use crate::mx::MxReport;
use crate::mx::dnssec::{DnssecStatus, TlsaHost, TlsaLookup, TlsaRecord};

/// The TLSA RRset at `_25._tcp.<exchange>` for every distinct exchange.
pub async fn lookup_all(validator: &TokioResolver, report: &MxReport) -> Vec<TlsaHost> {
    let mut exchanges: Vec<&str> = Vec::new();
    for h in report.mx.iter().filter(|h| !h.is_null()) {
        if !exchanges.contains(&h.exchange.as_str()) {
            exchanges.push(&h.exchange);
        }
    }
    join_all(exchanges.into_iter().map(|ex| lookup(validator, ex))).await
}

async fn lookup(validator: &TokioResolver, exchange: &str) -> TlsaHost {
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
    match validator.lookup(name.clone(), RecordType::TLSA).await {
        Ok(found) => {
            let tlsa: Vec<_> = found
                .answers()
                .iter()
                .filter(|r| r.record_type() == RecordType::TLSA)
                .collect();
            out.dnssec = combine(tlsa.iter().copied());
            for r in &tlsa {
                if let RData::TLSA(t) = &r.data {
                    out.records.push(TlsaRecord {
                        usage: t.cert_usage.into(),
                        selector: t.selector.into(),
                        matching_type: t.matching.into(),
                        data: t.cert_data.iter().map(|b| format!("{b:02x}")).collect(),
                    });
                }
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
