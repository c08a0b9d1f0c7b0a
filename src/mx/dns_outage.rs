//! The domain's authoritative DNS is unreachable: how long senders keep
//! delivering from their caches, from the report's TTLs.
//!
//! A sender needs the MX RRset, then the receiving exchange's A/AAAA; its
//! cache of that path lasts as long as the MX TTL and the longest-lived of
//! the exchange's address records (one cached address is enough to
//! connect). An exchange outside the domain (a provider's host) does not
//! depend on the domain's DNS: only the MX TTL limits its path. A sender that
//! cached the path just before the outage keeps delivering that long; once
//! the longest path TTL has run out no sender has anything cached, every
//! new delivery defers until DNS returns, and a message bounces when the
//! outage outlasts the queue lifetime.

use serde::Serialize;

use crate::mx::MxReport;

/// The outage timeline, in seconds from the moment DNS goes down: the
/// simulation's `dns_outage` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DnsOutage {
    /// The shortest path TTL: every sender that had a fresh cache still
    /// delivers at least this long.
    pub cached_min_s: u32,
    /// The longest path TTL: after it, no sender has a usable cache and
    /// every delivery defers.
    pub all_defer_after_s: u32,
    /// The queue lifetime: an outage longer than this bounces the mail.
    pub bounce_after_s: f64,
}

/// The timeline for `report`; with no exchange that has an address there is
/// nothing to cache, and every delivery defers at once (both times 0).
pub fn outage(report: &MxReport, queue_lifetime_s: f64) -> DnsOutage {
    timeline(report, queue_lifetime_s).unwrap_or(DnsOutage {
        cached_min_s: 0,
        all_defer_after_s: 0,
        bounce_after_s: queue_lifetime_s,
    })
}

/// The timeline for `report`; `None` when no exchange has an address
/// (nothing to cache, senders defer or bounce at once).
pub fn timeline(report: &MxReport, queue_lifetime_s: f64) -> Option<DnsOutage> {
    let paths: Vec<u32> = report
        .mx
        .iter()
        .filter(|h| !h.is_null())
        .filter_map(|h| {
            let addr = h.addresses.iter().map(|a| a.ttl).max()?;
            if in_domain(&h.exchange, &report.domain) {
                Some(h.ttl.min(addr))
            } else {
                Some(h.ttl)
            }
        })
        .collect();
    Some(DnsOutage {
        cached_min_s: *paths.iter().min()?,
        all_defer_after_s: *paths.iter().max()?,
        bounce_after_s: queue_lifetime_s,
    })
}

/// Whether `name` is `domain` or below it (case-insensitive, trailing dot
/// optional): its addresses come from the domain's own DNS.
fn in_domain(name: &str, domain: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    name == domain || name.ends_with(&format!(".{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mx::{Address, MxHost, Outcome};

    #[test]
    fn shortest_ttl_on_each_path() {
        let mut r = MxReport::new("d.test.", "test");
        r.outcome = Outcome::Mx;
        let mut a = MxHost::new(10, "a.d.test.", 3600);
        a.addresses
            .push(Address::new("192.0.2.1".parse().unwrap(), 300));
        a.addresses
            .push(Address::new("2001:db8::1".parse().unwrap(), 600));
        let mut b = MxHost::new(20, "b.d.test.", 3600);
        b.addresses
            .push(Address::new("192.0.2.2".parse().unwrap(), 86400));
        let c = MxHost::new(30, "c.d.test.", 3600); // no address: no path
        r.mx = vec![a, b, c];
        let t = timeline(&r, 432000.0).unwrap();
        // a: its AAAA outlives its A (600 s); b: cut by the MX TTL.
        assert_eq!((t.cached_min_s, t.all_defer_after_s), (600, 3600));
        // A provider's exchange resolves without the domain's DNS: only
        // the MX TTL counts for it.
        let mut p = MxHost::new(5, "mx.provider.test.", 900);
        p.addresses
            .push(Address::new("192.0.2.9".parse().unwrap(), 60));
        r.mx.push(p);
        let t = timeline(&r, 432000.0).unwrap();
        assert_eq!((t.cached_min_s, t.all_defer_after_s), (600, 3600));
        r.mx.retain(|h| h.exchange == "mx.provider.test.");
        assert_eq!(timeline(&r, 1.0).unwrap().cached_min_s, 900);
        assert_eq!(t.bounce_after_s, 432000.0);
        r.mx.truncate(0);
        assert!(timeline(&r, 1.0).is_none());
        let none = outage(&r, 7.0);
        assert_eq!((none.cached_min_s, none.all_defer_after_s), (0, 0));
        assert_eq!(none.bounce_after_s, 7.0);
    }
}
