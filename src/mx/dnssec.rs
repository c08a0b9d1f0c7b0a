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
