//! Turning hickory's answers and errors into the report's plain words.

use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::Name;

use crate::mx::{AddressStatus, LookupError};

/// A name as received: lower-case, trailing dot, `"."` for the root.
///
/// Bytes are kept as they came (control characters included: JSON escapes
/// them, the text front ends show them as `\DDD`), except that a dot or a
/// backslash inside a label is written `\.` / `\\` and a byte above 127 as
/// `\DDD`, so the string is unambiguous and valid master-file syntax once the
/// control characters are escaped too.
pub fn name_to_string(name: &Name) -> String {
    if name.is_root() {
        return ".".to_string();
    }
    let mut out = String::with_capacity(name.len() + 1);
    for label in name.iter() {
        for &b in label {
            match b.to_ascii_lowercase() {
                b'.' => out.push_str("\\."),
                b'\\' => out.push_str("\\\\"),
                b if b >= 0x80 => out.push_str(&format!("\\{b:03}")),
                b => out.push(b as char),
            }
        }
        out.push('.');
    }
    out
}

/// What a failed lookup means for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The name does not exist (negative TTL from the SOA when present).
    NxDomain(Option<u32>),
    /// The name exists but has no record of the type.
    NoData(Option<u32>),
    /// No usable answer.
    Failed(LookupError),
}

/// Classifies by matching variants (the `Display` texts are not for users).
pub fn classify(err: &NetError) -> Failure {
    match err {
        NetError::Dns(DnsError::NoRecordsFound(nr)) => {
            if nr.response_code == ResponseCode::NXDomain {
                Failure::NxDomain(nr.negative_ttl)
            } else {
                Failure::NoData(nr.negative_ttl)
            }
        }
        NetError::Dns(DnsError::ResponseCode(code)) => Failure::Failed(rcode_error(*code)),
        NetError::Timeout => Failure::Failed(LookupError::Timeout),
        NetError::NoConnections => Failure::Failed(LookupError::Unreachable),
        NetError::Io(io) => Failure::Failed(match io.kind() {
            std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::NetworkUnreachable
            | std::io::ErrorKind::HostUnreachable
            | std::io::ErrorKind::AddrNotAvailable => LookupError::Unreachable,
            std::io::ErrorKind::TimedOut => LookupError::Timeout,
            _ => LookupError::Other("io".into()),
        }),
        NetError::Busy => Failure::Failed(LookupError::Other("busy".into())),
        NetError::Proto(_) => Failure::Failed(LookupError::Other("malformed".into())),
        _ => Failure::Failed(LookupError::Other("error".into())),
    }
}

pub fn rcode_error(code: ResponseCode) -> LookupError {
    match code {
        ResponseCode::ServFail => LookupError::Servfail,
        ResponseCode::Refused => LookupError::Refused,
        other => {
            let word: String = format!("{other:?}")
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_lowercase();
            LookupError::Other(if word.is_empty() {
                "rcode".into()
            } else {
                word
            })
        }
    }
}

impl Failure {
    /// The address-lookup status this failure stands for.
    pub fn address_status(&self) -> AddressStatus {
        match self {
            Failure::NxDomain(_) => AddressStatus::Nxdomain,
            Failure::NoData(_) => AddressStatus::Nodata,
            Failure::Failed(LookupError::Timeout) => AddressStatus::Timeout,
            Failure::Failed(LookupError::Servfail) => AddressStatus::Servfail,
            Failure::Failed(LookupError::Refused) => AddressStatus::Refused,
            Failure::Failed(_) => AddressStatus::Error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_received() {
        let n = Name::from_ascii("MX1.Example.TEST.").unwrap();
        assert_eq!(name_to_string(&n), "mx1.example.test.");
        assert_eq!(name_to_string(&Name::root()), ".");
        let raw = Name::from_labels(vec![&b"mx\x1b[31m"[..], b"a.b", b"test"]).unwrap();
        assert_eq!(name_to_string(&raw), "mx\u{1b}[31m.a\\.b.test.");
    }

    #[test]
    fn rcodes_become_words() {
        assert_eq!(rcode_error(ResponseCode::ServFail), LookupError::Servfail);
        assert_eq!(rcode_error(ResponseCode::Refused), LookupError::Refused);
        assert_eq!(
            rcode_error(ResponseCode::FormErr),
            LookupError::Other("formerr".into())
        );
        assert_eq!(
            rcode_error(ResponseCode::NotImp),
            LookupError::Other("notimp".into())
        );
    }
}
