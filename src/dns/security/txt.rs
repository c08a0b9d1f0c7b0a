//! TXT lookups for the policy records (`_mta-sts`, `_smtp._tls`).

use hickory_resolver::proto::rr::{Name, RData, RecordType};

use crate::dns::upstream::Upstream;
use crate::dns::wire::Failure;

/// The TXT records at `prefix.domain` (each record's strings joined, bytes
/// that are not UTF-8 replaced), `Ok(empty)` for NXDOMAIN and NODATA,
/// `Err(word)` when the query failed.
pub async fn lookup(up: &Upstream, prefix: &str, domain: &str) -> Result<Vec<String>, String> {
    let Ok(name) = Name::from_ascii(format!("{prefix}.{domain}")) else {
        return Err("invalid".into());
    };
    match super::query(up, &name, RecordType::TXT).await {
        Ok(records) => Ok(records
            .iter()
            .filter_map(|r| match &r.data {
                RData::TXT(t) => Some(
                    t.txt_data
                        .iter()
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect()),
        Err(Failure::NxDomain(_) | Failure::NoData(_)) => Ok(Vec::new()),
        Err(other) => Err(other
            .error()
            .map_or_else(|| "error".to_string(), |e| e.as_str().to_string())),
    }
}
