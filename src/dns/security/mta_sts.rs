//! MTA-STS (RFC 8461): the `_mta-sts` TXT record, then the policy over HTTPS.

use crate::dns::security::SecurityOptions;
use crate::dns::security::https::{FetchError, fetch_policy};
use crate::dns::security::txt;
use crate::dns::upstream::Upstream;
use crate::mx::sts::{MtaSts, StsRecord, StsStatus, parse_policy, parse_sts_record};

/// Looks up the MTA-STS record of `domain` (trailing dot) and, when there
/// is one, fetches and parses its policy.
pub async fn lookup(up: &Upstream, domain: &str, opts: &SecurityOptions) -> MtaSts {
    let mut out = MtaSts {
        status: StsStatus::None,
        record: None,
        id: None,
        policy: None,
        error: None,
    };
    let txts = match txt::lookup(up, "_mta-sts", domain).await {
        Ok(t) => t,
        Err(word) => {
            out.status = StsStatus::Error;
            out.error = Some(format!("the _mta-sts TXT query failed ({word})"));
            return out;
        }
    };
    match parse_sts_record(&txts) {
        StsRecord::Absent => return out,
        StsRecord::Invalid { record, why } => {
            out.status = StsStatus::Invalid;
            out.record = Some(record);
            out.error = Some(why);
            return out;
        }
        StsRecord::Found { record, id } => {
            out.record = Some(record);
            out.id = id;
        }
    }
    let host = format!("mta-sts.{}", domain.trim_end_matches('.'));
    let fetched = fetch_policy(
        up,
        &host,
        opts.https_port,
        opts.tls.clone(),
        opts.fetch_timeout,
    )
    .await;
    match fetched {
        Ok(body) => match parse_policy(&body) {
            Ok(policy) => {
                out.status = StsStatus::Ok;
                out.policy = Some(policy);
            }
            Err(why) => {
                out.status = StsStatus::Invalid;
                out.error = Some(format!(
                    "the policy at https://{host}/.well-known/mta-sts.txt: {why}"
                ));
            }
        },
        Err(FetchError::Unreachable(why)) => {
            out.status = StsStatus::Unreachable;
            out.error = Some(why);
        }
        Err(FetchError::Invalid(why)) => {
            out.status = StsStatus::Invalid;
            out.error = Some(why);
        }
    }
    out
}
