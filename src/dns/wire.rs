//! Turning hickory's answers and errors into the report's plain words.

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
    /// A server without the answer named other servers to ask instead
    /// (NS in authority, no SOA, AA clear: RFC 2308 §2.2).
    Referral(Vec<String>),
    /// The alias chain came back to a name already in it: the names of the loop.
    Loop(Vec<String>),
    /// The alias chain needed more new queries than allowed (its length so far).
    ChainTooLong(usize),
}

/// The word for an rcode other than NOERROR and NXDOMAIN.
pub fn rcode_error(code: ResponseCode) -> LookupError {
    match code {
        ResponseCode::ServFail => LookupError::Servfail,
        ResponseCode::Refused => LookupError::Refused,
        // 16 is BADVERS, or BADSIG under TSIG (which mxlens never sends).
        ResponseCode::BADVERS | ResponseCode::BADSIG => LookupError::Other("badvers".into()),
        other => {
            let word: String = format!("{other:?}")
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_lowercase();
            LookupError::Other(if word.is_empty() || word.starts_with("unknown") {
                format!("rcode{}", u16::from(other))
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
            Failure::Failed(_)
            | Failure::Referral(_)
            | Failure::Loop(_)
            | Failure::ChainTooLong(_) => AddressStatus::Error,
        }
    }

    /// The report's error word for this failure (`None` for NXDOMAIN and
    /// NODATA, which are answers).
    pub fn error(&self) -> Option<LookupError> {
        match self {
            Failure::NxDomain(_) | Failure::NoData(_) => None,
            Failure::Failed(e) => Some(e.clone()),
            Failure::Referral(_) => Some(LookupError::Other("referral".into())),
            Failure::Loop(_) => Some(LookupError::Other("cname-loop".into())),
            Failure::ChainTooLong(_) => Some(LookupError::Other("cname-chain-too-long".into())),
        }
    }

    /// What a user needs beyond the word: the servers of a referral, the
    /// names of a loop. Names as received (escape before display).
    pub fn detail(&self) -> Option<String> {
        match self {
            Failure::Referral(servers) => Some(format!(
                "referred to {} instead of answered",
                servers.join(", ")
            )),
            Failure::Loop(names) => Some(format!("alias loop {}", names.join(" → "))),
            Failure::ChainTooLong(n) => Some(format!(
                "alias chain of more than {n} names, still unresolved after {} new queries",
                crate::dns::resolve::MAX_RESTARTS
            )),
            _ => None,
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
        assert_eq!(
            rcode_error(ResponseCode::from(1, 0)),
            LookupError::Other("badvers".into())
        );
        assert_eq!(
            rcode_error(ResponseCode::from(0, 12)),
            LookupError::Other("rcode12".into())
        );
    }
}
