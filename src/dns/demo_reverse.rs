//! The demo's reverse DNS: PTR zones for the documentation ranges, made at
//! start from the demo zones' own A and AAAA records, so every demo address
//! has a PTR name that resolves back to it (forward-confirmed).

use std::collections::BTreeMap;
use std::net::IpAddr;

use hickory_server::proto::rr::{Name, RData};

use crate::dns::demo::ZoneText;
use crate::dns::demo_dnssec::ParsedZone;

/// The reverse zones of the documentation ranges the demo uses
/// (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
const REVERSE_ORIGINS: [&str; 4] = [
    "2.0.192.in-addr.arpa.",
    "100.51.198.in-addr.arpa.",
    "113.0.203.in-addr.arpa.",
    "8.b.d.0.1.0.0.2.ip6.arpa.",
];

/// One reverse zone per documentation range, holding a PTR record for
/// every address of `zones` in it that belongs to a plain host name
/// (names with bytes other than letters, digits, `-` and `_` get none).
pub fn reverse_zones(zones: &[ParsedZone]) -> Vec<ZoneText> {
    let mut ptrs: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for zone in zones {
        for set in zone.records.values() {
            for record in set.records_without_rrsigs() {
                let ip = match &record.data {
                    RData::A(a) => IpAddr::V4(a.0),
                    RData::AAAA(a) => IpAddr::V6(a.0),
                    _ => continue,
                };
                if !plain(&record.name) {
                    continue;
                }
                let reverse = Name::from(ip);
                let Some(origin) = REVERSE_ORIGINS
                    .iter()
                    .find(|o| Name::from_ascii(o).is_ok_and(|o| o.zone_of(&reverse)))
                else {
                    continue;
                };
                let line = format!("{reverse} 3600 IN PTR {}", record.name);
                let lines = ptrs.entry(origin).or_default();
                if !lines.contains(&line) {
                    lines.push(line);
                }
            }
        }
    }
    REVERSE_ORIGINS
        .iter()
        .map(|origin| {
            let mut text = format!(
                "$ORIGIN {origin}\n@ 3600 IN SOA ns1.demo.test. hostmaster.demo.test. 2026113001 7200 3600 1209600 300\n@ 3600 IN NS ns1.demo.test.\n"
            );
            for line in ptrs.get(origin).into_iter().flatten() {
                text.push_str(line);
                text.push('\n');
            }
            ZoneText {
                origin: (*origin).to_string(),
                text,
            }
        })
        .collect()
}

fn plain(name: &Name) -> bool {
    name.iter().all(|label| {
        label
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::zone::parse_zone;

    #[test]
    fn every_plain_demo_address_gets_its_ptr() {
        let zones = vec![ZoneText {
            origin: "r.example.".into(),
            text: "@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nmx IN A 192.0.2.7\nmx IN AAAA 2001:db8::7\nalias IN A 192.0.2.7\nx\\027y IN A 198.51.100.9\nlocal IN A 127.0.0.1\n".into(),
        }];
        let rev = reverse_zones(&crate::dns::demo_dnssec::parse_all(&zones).unwrap());
        assert_eq!(rev.len(), 4);
        let v4 = &rev[0].text;
        assert!(
            v4.contains("7.2.0.192.in-addr.arpa. 3600 IN PTR mx.r.example.\n"),
            "{v4}"
        );
        assert!(
            v4.contains("7.2.0.192.in-addr.arpa. 3600 IN PTR alias.r.example.\n"),
            "{v4}"
        );
        // The hostile name gets no PTR; loopback is outside the ranges.
        assert!(!rev[1].text.contains("PTR"), "{}", rev[1].text);
        assert!(!rev.iter().any(|z| z.text.contains("127")));
        assert!(
            rev[3].text.contains(
                "7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 3600 IN PTR mx.r.example."
            ),
            "{}",
            rev[3].text
        );
        for zone in &rev {
            parse_zone(&zone.origin, &zone.text).unwrap();
        }
    }
}
