//! DNSSEC status of the RRsets on the mail path (`dnssec` in the report).

use serde::{Deserialize, Serialize};

/// RFC 4033 §5 states, as mxlens's own validation found them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DnssecStatus {
    /// A chain of signatures leads from a trust anchor to the RRset.
    Secure,
    /// Provably unsigned: a signed parent proves there is no DS.
    Insecure,
    /// Should be signed, but signatures fail or records are missing.
    Bogus,
    /// Could not tell (the lookup failed, or the proof could not be fetched).
    Indeterminate,
}

impl DnssecStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DnssecStatus::Secure => "secure",
            DnssecStatus::Insecure => "insecure",
            DnssecStatus::Bogus => "bogus",
            DnssecStatus::Indeterminate => "indeterminate",
        }
    }
}

/// The MX RRset's status and each exchange's address RRsets'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dnssec {
    pub mx: DnssecStatus,
    /// One entry per distinct exchange, in MX order.
    pub exchanges: Vec<ExchangeDnssec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeDnssec {
    pub exchange: String,
    pub a: DnssecStatus,
    pub aaaa: DnssecStatus,
}

/// DANE for SMTP (RFC 7672): the TLSA RRset at `_25._tcp.<exchange>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsaHost {
    pub exchange: String,
    /// `found`, `none` (NXDOMAIN or NODATA) or `failed`.
    pub lookup: TlsaLookup,
    /// Why the lookup failed (`timeout`, `servfail`, `bogus`, …).
    pub error: Option<String>,
    /// The RRset's DNSSEC status (for `none`, that of the denial).
    pub dnssec: DnssecStatus,
    pub records: Vec<TlsaRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsaLookup {
    Found,
    None,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsaRecord {
    pub usage: u8,
    pub selector: u8,
    pub matching_type: u8,
    /// Certificate association data, lower-case hex.
    pub data: String,
}

impl TlsaRecord {
    /// Why RFC 7672 §3.1.3 makes this record unusable for SMTP, if it does:
    /// usages 0 and 1 (PKIX) are not for SMTP; unknown selector or matching
    /// type; a digest of the wrong length.
    pub fn unusable(&self) -> Option<String> {
        match self.usage {
            0 | 1 => {
                return Some(format!(
                    "usage {} (PKIX-{}) is not usable for SMTP: senders ignore it; use 3 (DANE-EE) or 2 (DANE-TA)",
                    self.usage,
                    if self.usage == 0 { "TA" } else { "EE" }
                ));
            }
            2 | 3 => {}
            u => return Some(format!("usage {u} is not defined")),
        }
        if self.selector > 1 {
            return Some(format!("selector {} is not defined", self.selector));
        }
        let want = match self.matching_type {
            0 => None,
            1 => Some(32),
            2 => Some(64),
            m => return Some(format!("matching type {m} is not defined")),
        };
        let bytes = self.data.len() / 2;
        match want {
            Some(n) if bytes != n => Some(format!(
                "matching type {} needs a {n}-byte digest, the record has {bytes} bytes",
                self.matching_type
            )),
            None if bytes == 0 => Some("the association data is empty".into()),
            _ => None,
        }
    }
}

/// Whether the exchange's own address RRsets are signed (secure): its
/// zone is DNSSEC-signed, so DANE senders look up its TLSA (RFC 7672
/// §2.2.2); without that they never ask.
pub fn exchange_signed(report: &crate::mx::MxReport, exchange: &str) -> bool {
    report.dnssec.as_ref().is_some_and(|d| {
        d.exchanges.iter().any(|e| {
            e.exchange == exchange
                && (e.a == DnssecStatus::Secure || e.aaaa == DnssecStatus::Secure)
        })
    })
}

impl TlsaHost {
    /// A secure RRset with at least one usable record: DANE authenticates this host.
    pub fn dane_usable(&self) -> bool {
        self.lookup == TlsaLookup::Found
            && self.dnssec == DnssecStatus::Secure
            && self.records.iter().any(|r| r.unusable().is_none())
    }
}
