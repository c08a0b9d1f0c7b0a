//! What-if: a proposed MX set, to simulate before it is published.
//!
//! Two spellings:
//! - a list, `--mx "10 a.example.test, 20 b.example.test=192.0.2.1/2001:db8::1"`:
//!   comma-separated `PREFERENCE EXCHANGE[=ADDRESS/ADDRESS…]`;
//! - a zone-file fragment (`--mx-file`): `MX`, `A` and `AAAA` lines in master
//!   file syntax (RFC 1035 §5.1: owner, optional TTL and class, `$ORIGIN`,
//!   `@`, relative names, `;` comments). The origin starts as the domain.
//!
//! Exchanges given with addresses are not looked up; the others are. The
//! addresses keep the order written (RFC 5321 §5.1: a sender tries them "in
//! the order presented"), and a name written in several records has the
//! union of their addresses, in both spellings.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use thiserror::Error;

use crate::mx::input::parse_domain;
use crate::mx::report::{Address, AddressStatus, MxHost, MxReport, Outcome};

/// One proposed MX record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposedRecord {
    pub preference: u16,
    /// Lower-case with the trailing dot; `"."` for a null MX.
    pub exchange: String,
    /// Addresses given inline; `None` means "look them up".
    pub addresses: Option<Vec<IpAddr>>,
}

/// A proposed MX set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProposedMx {
    pub records: Vec<ProposedRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WhatIfError {
    #[error(
        "the proposed MX set is empty; give records like \"10 mx1.example.test, 20 mx2.example.test\""
    )]
    Empty,
    #[error("\"{0}\" is not an MX record; write PREFERENCE EXCHANGE, e.g. \"10 mx1.example.test\"")]
    Record(String),
    #[error("\"{0}\" is not a preference; give a number from 0 to 65535")]
    Preference(String),
    #[error("\"{value}\" is not an exchange name: {reason}")]
    Exchange { value: String, reason: String },
    #[error("\"{0}\" is not an IP address; give addresses like 192.0.2.1/2001:db8::1")]
    Address(String),
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
}

fn exchange_name(s: &str) -> Result<String, WhatIfError> {
    let s = s.trim();
    if s == "." {
        return Ok(".".to_string());
    }
    let err = |reason: String| WhatIfError::Exchange {
        value: s.to_string(),
        reason,
    };
    if s.contains('@') {
        return Err(err("an exchange is a host name, not a mail address".into()));
    }
    parse_domain(s).map_err(|e| err(e.to_string()))
}

fn address(s: &str) -> Result<IpAddr, WhatIfError> {
    let t = s.trim();
    t.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| WhatIfError::Address(t.to_string()))
}

/// Parses `"10 a.example.test, 20 b.example.test=192.0.2.1/2001:db8::1"`.
pub fn parse_mx_list(list: &str) -> Result<ProposedMx, WhatIfError> {
    let mut out = ProposedMx::default();
    for entry in list
        .split([',', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let mut parts = entry.split_whitespace();
        let (Some(pref), Some(target), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(WhatIfError::Record(entry.to_string()));
        };
        let preference = pref
            .parse::<u16>()
            .map_err(|_| WhatIfError::Preference(pref.to_string()))?;
        let (name, addrs) = match target.split_once('=') {
            Some((n, a)) => {
                let ips = a
                    .split('/')
                    .filter(|x| !x.trim().is_empty())
                    .map(address)
                    .collect::<Result<Vec<_>, _>>()?;
                if ips.is_empty() {
                    return Err(WhatIfError::Address(a.to_string()));
                }
                (n, Some(ips))
            }
            None => (target, None),
        };
        out.records.push(ProposedRecord {
            preference,
            exchange: exchange_name(name)?,
            addresses: addrs,
        });
    }
    if out.records.is_empty() {
        return Err(WhatIfError::Empty);
    }
    Ok(out)
}

/// Parses a zone-file fragment with MX, A and AAAA lines for `domain`
/// (lower-case FQDN with the trailing dot).
pub fn parse_zone_fragment(text: &str, domain: &str) -> Result<ProposedMx, WhatIfError> {
    let mut origin = domain.to_string();
    let mut owner: Option<String> = None;
    let mut mx: Vec<(u16, String)> = Vec::new();
    let mut addrs: BTreeMap<String, Vec<IpAddr>> = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let err = |message: String| WhatIfError::Line {
            line: line_no,
            message,
        };
        let line = raw.split(';').next().unwrap_or("");
        if line.trim().is_empty() {
            continue;
        }
        let mut tokens: Vec<&str> = line.split_whitespace().collect();
        if tokens[0].eq_ignore_ascii_case("$ORIGIN") {
            let name = tokens
                .get(1)
                .ok_or_else(|| err("$ORIGIN needs a name".into()))?;
            origin = absolute(name, &origin).map_err(|e| err(e.to_string()))?;
            continue;
        }
        if tokens[0].eq_ignore_ascii_case("$TTL") {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            let name = tokens.remove(0);
            owner = Some(absolute(name, &origin).map_err(|e| err(e.to_string()))?);
        }
        let owner_name = owner.clone().unwrap_or_else(|| origin.clone());
        // Optional TTL and class, in either order.
        while let Some(t) = tokens.first() {
            let is_ttl = t.chars().next().is_some_and(|c| c.is_ascii_digit())
                && t.chars().all(|c| c.is_ascii_alphanumeric());
            if is_ttl || t.eq_ignore_ascii_case("IN") {
                tokens.remove(0);
            } else {
                break;
            }
        }
        let Some(rtype) = tokens.first().map(|t| t.to_ascii_uppercase()) else {
            return Err(err("a record type is missing; give MX, A or AAAA".into()));
        };
        let rdata = &tokens[1..];
        match rtype.as_str() {
            "MX" => {
                if owner_name != domain {
                    return Err(err(format!(
                        "the MX record belongs to \"{}\", not to {}; write it for @ or {}",
                        owner_name, domain, domain
                    )));
                }
                let [pref, target] = rdata else {
                    return Err(err(
                        "an MX record needs a preference and an exchange, e.g. \"@ MX 10 mx1\""
                            .into(),
                    ));
                };
                let p = pref
                    .parse::<u16>()
                    .map_err(|_| err(format!("\"{}\" is not a preference (0–65535)", pref)))?;
                let name = if *target == "." {
                    ".".to_string()
                } else {
                    absolute(target, &origin).map_err(|e| err(e.to_string()))?
                };
                mx.push((p, name));
            }
            "A" | "AAAA" => {
                let [ip] = rdata else {
                    return Err(err(format!("an {rtype} record needs exactly one address")));
                };
                let parsed = address(ip).map_err(|e| err(e.to_string()))?;
                if (rtype == "A") != parsed.is_ipv4() {
                    return Err(err(format!(
                        "\"{}\" is not an {} address",
                        ip,
                        if rtype == "A" { "IPv4" } else { "IPv6" }
                    )));
                }
                addrs.entry(owner_name).or_default().push(parsed);
            }
            other => {
                return Err(err(format!(
                    "record type \"{}\" is not supported here; give only MX, A and AAAA lines",
                    other
                )));
            }
        }
    }
    if mx.is_empty() {
        return Err(WhatIfError::Empty);
    }
    let named: std::collections::HashSet<&str> = mx.iter().map(|(_, x)| x.as_str()).collect();
    if let Some(orphan) = addrs.keys().find(|n| !named.contains(n.as_str())) {
        return Err(WhatIfError::Exchange {
            value: orphan.to_string(),
            reason: "it has address records but no MX record names it".into(),
        });
    }
    Ok(ProposedMx {
        records: mx
            .into_iter()
            .map(|(preference, exchange)| ProposedRecord {
                preference,
                addresses: addrs.get(&exchange).cloned(),
                exchange,
            })
            .collect(),
    })
}

/// `name` made absolute against `origin` (`@` is the origin).
fn absolute(name: &str, origin: &str) -> Result<String, WhatIfError> {
    if name == "@" {
        return Ok(origin.to_string());
    }
    if name.ends_with('.') {
        return exchange_name(name);
    }
    exchange_name(&format!("{name}.{origin}"))
}

impl ProposedMx {
    /// The (preference, exchange) pairs to look up.
    pub fn mx_set(&self) -> Vec<(u16, String)> {
        self.records
            .iter()
            .map(|r| (r.preference, r.exchange.clone()))
            .collect()
    }

    /// Whether some exchange has no inline addresses (a DNS lookup is needed).
    pub fn needs_lookup(&self) -> bool {
        let inline = self.inline();
        self.records
            .iter()
            .any(|r| r.exchange != "." && !inline.contains_key(r.exchange.as_str()))
    }

    /// The inline addresses of each exchange: the union, in the order
    /// written, of every record that names it (addresses belong to the name,
    /// not to one record), each address once.
    pub fn inline(&self) -> HashMap<&str, Vec<IpAddr>> {
        let mut inline: HashMap<&str, Vec<IpAddr>> = HashMap::new();
        for rec in &self.records {
            let Some(ips) = &rec.addresses else { continue };
            let list = inline.entry(&rec.exchange).or_default();
            for ip in ips {
                if !list.contains(ip) {
                    list.push(*ip);
                }
            }
        }
        inline
    }

    /// A report built from the proposal alone: exchanges without inline
    /// addresses get none (status `nodata`).
    pub fn offline_report(&self, domain: &str) -> MxReport {
        let mut r = MxReport::new(domain, "proposed");
        r.outcome = if self.records.iter().all(|x| x.exchange == ".") {
            Outcome::NullMx
        } else {
            Outcome::Mx
        };
        for rec in &self.records {
            let mut h = MxHost::new(rec.preference, rec.exchange.clone(), 0);
            if rec.exchange != "." && rec.addresses.is_none() {
                h.address_status = AddressStatus::Nodata;
            }
            r.mx.push(h);
        }
        self.apply_inline(&mut r);
        r
    }

    /// Replaces the addresses of every exchange given with inline addresses
    /// (kept in the order written: a sender tries them as presented).
    pub fn apply_inline(&self, report: &mut MxReport) {
        let inline = self.inline();
        for h in &mut report.mx {
            if let Some(ips) = inline.get(h.exchange.as_str()) {
                h.addresses = ips.iter().map(|&ip| Address::new(ip, 0)).collect();
                h.addresses_as_written = true;
                h.cname.clear();
                h.address_status = AddressStatus::Ok;
                h.a_status = AddressStatus::Ok;
                h.aaaa_status = AddressStatus::Ok;
            }
        }
        report.sort_mx();
        // The findings must describe the proposal as simulated.
        report.findings = crate::mx::checks::run(report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_addresses_replace_lookup_findings() {
        let p = parse_mx_list("10 a.example.test=192.0.2.1, 20 b.example.test=192.0.2.2").unwrap();
        let mut r = MxReport::new("example.test.", "demo");
        r.outcome = crate::mx::Outcome::Mx;
        for (pref, ex) in [(10, "a.example.test."), (20, "b.example.test.")] {
            let mut h = crate::mx::MxHost::new(pref, ex, 0);
            h.address_status = AddressStatus::Nxdomain;
            h.a_status = AddressStatus::Nxdomain;
            h.aaaa_status = AddressStatus::Nxdomain;
            r.mx.push(h);
        }
        r.findings = crate::mx::checks::run(&r);
        assert!(r.findings.iter().any(|f| f.code == "mx-target-nxdomain"));
        p.apply_inline(&mut r);
        let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["no-ipv6"]);
    }

    #[test]
    fn list_with_inline_addresses() {
        let p =
            parse_mx_list("10 A.example.test, 20 b.example.test.=192.0.2.1/2001:db8::1").unwrap();
        assert_eq!(p.records[0].exchange, "a.example.test.");
        assert_eq!(p.records[0].addresses, None);
        assert_eq!(
            p.records[1].addresses,
            Some(vec![
                "192.0.2.1".parse().unwrap(),
                "2001:db8::1".parse().unwrap()
            ])
        );
        assert!(p.needs_lookup());
        assert_eq!(
            p.mx_set(),
            [
                (10, "a.example.test.".to_string()),
                (20, "b.example.test.".to_string())
            ]
        );
    }

    /// A name written twice keeps every address, in the order written, and
    /// is not looked up when any record gives it addresses.
    #[test]
    fn repeated_names_union_their_addresses_in_order() {
        let p = parse_mx_list(
            "10 a.example.test=2001:db8::1/192.0.2.1, 20 a.example.test=192.0.2.9/192.0.2.1, 30 b.example.test=192.0.2.2, 40 a.example.test",
        )
        .unwrap();
        assert!(!p.needs_lookup());
        let r = p.offline_report("example.test.");
        let a: Vec<String> = r.mx[0].addresses.iter().map(|x| x.ip.to_string()).collect();
        assert_eq!(a, ["2001:db8::1", "192.0.2.1", "192.0.2.9"]);
        assert!(
            r.mx.iter()
                .filter(|h| h.exchange == "a.example.test.")
                .all(|h| h.addresses.len() == 3 && h.addresses_as_written)
        );
        let z = parse_zone_fragment(
            "@ MX 10 a\n@ MX 20 a\na AAAA 2001:db8::1\na A 192.0.2.1\n",
            "example.test.",
        )
        .unwrap();
        let r = z.offline_report("example.test.");
        let a: Vec<String> = r.mx[1].addresses.iter().map(|x| x.ip.to_string()).collect();
        assert_eq!(a, ["2001:db8::1", "192.0.2.1"]);
    }

    #[test]
    fn list_errors_name_the_value() {
        for (input, needle) in [
            ("", "empty"),
            ("ten a.example.test", "\"ten\""),
            ("70000 a.example.test", "\"70000\""),
            ("10", "\"10\""),
            ("10 a.example.test=192.0.2.300", "\"192.0.2.300\""),
            ("10 user@example.test", "\"user@example.test\""),
            ("10 a..example", "\"a..example\""),
        ] {
            let e = parse_mx_list(input).unwrap_err().to_string();
            assert!(e.contains(needle), "{input:?}: {e}");
        }
    }

    #[test]
    fn zone_fragment() {
        let text = "$TTL 300\n@ IN MX 10 mx1 ; primary\n  3600 MX 20 mx2.other.test.\nmx1 A 192.0.2.1\n    AAAA 2001:db8::1\n";
        let p = parse_zone_fragment(text, "example.test.").unwrap();
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.records[0].exchange, "mx1.example.test.");
        assert_eq!(
            p.records[0].addresses,
            Some(vec![
                "192.0.2.1".parse().unwrap(),
                "2001:db8::1".parse().unwrap()
            ])
        );
        assert_eq!(p.records[1].exchange, "mx2.other.test.");
        assert_eq!(p.records[1].addresses, None);
        let r = p.offline_report("example.test.");
        assert_eq!(r.mx[0].addresses.len(), 2);
        assert_eq!(r.mx[1].address_status, AddressStatus::Nodata);
    }

    #[test]
    fn zone_fragment_errors_name_the_line() {
        for (text, needle) in [
            ("@ MX 10 mx1\nmx1 A 2001:db8::1\n", "line 2"),
            ("@ MX 10 mx1\nmx1 TXT hello\n", "\"TXT\""),
            ("other MX 10 mx1\n", "\"other.example.test.\""),
            ("@ MX 10\n", "line 1"),
            ("mx9 A 192.0.2.9\n@ MX 10 mx1\n", "\"mx9.example.test.\""),
            ("; nothing\n", "empty"),
        ] {
            let e = parse_zone_fragment(text, "example.test.")
                .unwrap_err()
                .to_string();
            assert!(e.contains(needle), "{text:?}: {e}");
        }
    }
}
