//! Zone text for the in-process server.
//!
//! hickory's master-file parser reads names as UTF-8 and rejects control
//! bytes, although RFC 1035 §5.1 allows any byte as `\DDD`. Hostile names are
//! exactly what the demo and the tests must serve, so escapes of bytes that
//! the parser refuses are swapped for a placeholder label text before parsing
//! and turned back into the raw bytes afterwards.

use std::collections::BTreeMap;

use hickory_server::proto::rr::rdata::{CNAME, MX};
use hickory_server::proto::rr::{Name, RData, Record, RecordSet, RrKey};
use hickory_server::proto::serialize::txt::Parser;

const MARK: &str = "zqxraw";

/// Parses `text` with origin `origin` into hickory's record map, keeping
/// `\DDD` escapes of control and non-ASCII bytes as raw bytes.
pub fn parse_zone(origin: &str, text: &str) -> Result<(Name, BTreeMap<RrKey, RecordSet>), String> {
    let origin = Name::from_ascii(origin).map_err(|e| e.to_string())?;
    let (text, had_raw) = protect(text);
    let (origin, records) = Parser::new(text.as_str(), None, Some(origin))
        .parse()
        .map_err(|e| e.to_string())?;
    if !had_raw {
        return Ok((origin, records));
    }
    let mut out: BTreeMap<RrKey, RecordSet> = BTreeMap::new();
    for (_, set) in records {
        for record in set.records_without_rrsigs() {
            let name = restore(&record.name);
            let data = match &record.data {
                RData::MX(mx) => RData::MX(MX::new(mx.preference, restore(&mx.exchange))),
                RData::CNAME(c) => RData::CNAME(CNAME(restore(&c.0))),
                other => other.clone(),
            };
            let fixed = Record::from_rdata(name.clone(), record.ttl, data);
            let key = RrKey::new(name.clone().into(), fixed.record_type());
            out.entry(key)
                .or_insert_with(|| RecordSet::new(name, fixed.record_type(), set.serial()))
                .insert(fixed, set.serial());
        }
    }
    Ok((origin, out))
}

/// Replaces escapes (`\\DDD` or `\\X`) of bytes other than letters, digits
/// and `-`, and bare `_` outside quoted strings and comments, by `zqxrawDDD`,
/// which the parser takes as plain label text.
fn protect(text: &str) -> (String, bool) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut had = false;
    let (mut quoted, mut comment) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' && i + 1 < bytes.len() {
            let digits = i + 3 < bytes.len() && bytes[i + 1..i + 4].iter().all(u8::is_ascii_digit);
            let (value, len) = if digits {
                (text[i + 1..i + 4].parse::<u16>().unwrap_or(256), 4)
            } else if bytes[i + 1].is_ascii() {
                (u16::from(bytes[i + 1]), 2)
            } else {
                (256, 1)
            };
            let plain = value < 256 && {
                let b = value as u8;
                b.is_ascii_alphanumeric() || b == b'-'
            };
            if value < 256 && !plain && !quoted && !comment {
                out.push_str(MARK);
                out.push_str(&format!("{value:03}"));
                had = true;
                i += len;
                continue;
            }
            out.push_str(&text[i..i + len.min(2)]);
            i += len.min(2);
            continue;
        }
        match b {
            b'"' if !comment => quoted = !quoted,
            b';' if !quoted => comment = true,
            b'\n' => comment = false,
            b'_' if !quoted && !comment => {
                out.push_str(MARK);
                out.push_str("095");
                had = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        let c = text[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(c);
        i += c.len_utf8();
    }
    (out, had)
}

fn restore(name: &Name) -> Name {
    let labels: Vec<Vec<u8>> = name
        .iter()
        .map(|label| {
            let mut out = Vec::with_capacity(label.len());
            let mut i = 0;
            while i < label.len() {
                let rest = &label[i..];
                if rest.len() >= MARK.len() + 3
                    && rest[..MARK.len()].eq_ignore_ascii_case(MARK.as_bytes())
                    && rest[MARK.len()..MARK.len() + 3]
                        .iter()
                        .all(u8::is_ascii_digit)
                {
                    let digits = &rest[MARK.len()..MARK.len() + 3];
                    let n = std::str::from_utf8(digits)
                        .ok()
                        .and_then(|d| d.parse::<u8>().ok())
                        .unwrap_or(b'?');
                    out.push(n);
                    i += MARK.len() + 3;
                } else {
                    out.push(label[i]);
                    i += 1;
                }
            }
            out
        })
        .collect();
    let mut restored = Name::from_labels(labels.iter().map(Vec::as_slice)).unwrap_or(name.clone());
    restored.set_fqdn(name.is_fqdn());
    restored
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_server::proto::rr::RecordType;

    #[test]
    fn control_bytes_survive_parsing() {
        let zone = "$ORIGIN h.test.\n@ 300 IN SOA ns. host. 1 2 3 4 5\n@ 300 IN MX 10 mx\\027\\09131m\\007red\nmx\\027\\[31m\\007red 300 IN A 192.0.2.1\n";
        let (_, records) = parse_zone("h.test.", zone).unwrap();
        let want = Name::from_labels(vec![&b"mx\x1b[31m\x07red"[..], b"h", b"test"]).unwrap();
        let mx = records
            .values()
            .find(|s| s.record_type() == RecordType::MX)
            .unwrap();
        match &mx.records_without_rrsigs().next().unwrap().data {
            RData::MX(mx) => assert_eq!(mx.exchange, want),
            other => panic!("{other:?}"),
        }
        assert!(
            records
                .values()
                .any(|s| s.record_type() == RecordType::A && *s.name() == want)
        );
    }
}
