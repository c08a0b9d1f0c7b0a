//! Claims about all of a domain's exchanges at once: whether any has an
//! IPv4 address, whether any is reachable from the Internet, and whether
//! there were more than one report resolves.

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::{MAX_EXCHANGES, Out, ip_literal, non_routable};
use crate::mx::{AddressStatus, MxHost};

/// `no-ipv4`, `mx-all-non-routable` and `mx-too-many-exchanges`: claims
/// about all exchanges, made only when every address lookup was answered.
pub(super) fn families_and_routes(out: &mut Out, real: &[&MxHost]) {
    let report = out.report;
    let domain = report.domain.as_str();
    let named: Vec<&&MxHost> = real
        .iter()
        .filter(|h| ip_literal(&h.exchange).is_none())
        .collect();
    let skipped: BTreeSet<&str> = named
        .iter()
        .filter(|h| h.address_status == AddressStatus::Skipped)
        .map(|h| h.exchange.as_str())
        .collect();
    if !skipped.is_empty() {
        let total = skipped.len()
            + named
                .iter()
                .filter(|h| h.address_status != AddressStatus::Skipped)
                .map(|h| h.exchange.as_str())
                .collect::<BTreeSet<_>>()
                .len();
        out.add(
            "mx-too-many-exchanges",
            domain,
            format!(
                "{} names {total} distinct exchanges; only the first {MAX_EXCHANGES} in MX order were resolved, the other {} are shown as skipped. Senders try far fewer (Postfix: 5 addresses): the extra records only slow lookups down.",
                domain,
                skipped.len()
            ),
            "RFC 5321 §5.1",
        );
        return;
    }
    let all_known = named
        .iter()
        .all(|h| !h.a_status.is_failure() && !h.aaaa_status.is_failure());
    let addresses: Vec<IpAddr> = named
        .iter()
        .flat_map(|h| h.addresses.iter().map(|a| a.ip))
        .collect();
    if addresses.is_empty() || !all_known {
        return;
    }
    let a_known = named.iter().all(|h| !h.a_status.is_failure());
    if a_known && !addresses.iter().any(IpAddr::is_ipv4) {
        out.add(
            "no-ipv4",
            domain,
            format!(
                "No exchange of {} has an IPv4 (A) address: IPv4-only senders, still most of them, cannot deliver. Publish an A record for at least one exchange.",
                domain
            ),
            "RFC 5321 §5.1",
        );
    }
    if addresses.iter().all(|ip| non_routable(*ip).is_some()) {
        out.add(
            "mx-all-non-routable",
            domain,
            format!(
                "Every address of every exchange of {} is private, loopback or otherwise unreachable from the Internet: no outside sender can deliver mail to it.",
                domain
            ),
            "RFC 6890",
        );
    }
}
