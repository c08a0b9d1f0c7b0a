//! Authoritative consistency: what each of a zone's authoritative servers
//! says about a domain's MX RRset (and the addresses of the exchanges it
//! holds), compared. Plain data: the DNS layer fills it in, this module turns
//! it into findings and one-line summaries.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::mx::escape::visible;
use crate::mx::{Finding, Severity};

/// Every code this module can produce, with its severity (DESIGN §5).
pub const CODES: &[(&str, Severity)] = &[
    ("mx-inconsistent-authorities", Severity::Warning),
    ("authority-unreachable", Severity::Warning),
    ("authority-lame", Severity::Warning),
];

/// RFC 1034 §4.3.5: the zone's servers must all hold the same data; RFC
/// 2181 §5: an RRset is the unit of data, served whole.
pub const REF_INCONSISTENT: &str = "RFC 1034 §4.3.5, RFC 2181 §5";
/// RFC 1912 §2.8: a listed server that does not answer authoritatively.
pub const REF_LAME: &str = "RFC 1912 §2.8, RFC 1034 §4.3.2";
/// RFC 2182 §4: listed servers must be reachable.
pub const REF_UNREACHABLE: &str = "RFC 2182 §4";

/// The authoritative side of one domain: which servers were asked and what
/// each of them said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorityCheck {
    /// The zone that holds the domain (lower-case, trailing dot), when known.
    pub zone: Option<String>,
    /// `true` when the servers were found from the zone's NS set, `false`
    /// when they were given (`--authority`).
    pub discovered: bool,
    /// Why discovery could not find the servers (then `servers` is empty).
    pub error: Option<String>,
    /// One entry per authoritative address, in the order asked.
    pub servers: Vec<AuthorityAnswer>,
}

/// What one authoritative address answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorityAnswer {
    /// `ADDR:PORT`, or the NS name when it has no address.
    pub server: String,
    /// The NS name this address belongs to (discovery only).
    pub ns: Option<String>,
    pub status: AuthorityStatus,
    /// `answer`: null. `lame`: `referral`, `not-authoritative`, `refused`,
    /// `servfail` or another rcode word. `unreachable`: `timeout`,
    /// `unreachable`, `no-address` or another short word.
    pub error: Option<String>,
    /// With `answer`: `mx`, `nodata` or `nxdomain`.
    pub outcome: Option<String>,
    /// The MX RRset as served, sorted by (preference, exchange).
    pub mx: Vec<AuthorityMx>,
    /// Addresses of the exchanges this server is authoritative for, sorted.
    pub addresses: Vec<AuthorityAddress>,
    /// Wall time of this server's queries.
    pub elapsed_ms: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorityStatus {
    /// An authoritative answer (AA set).
    Answer,
    /// An answer without authority: referral, AA clear, REFUSED, SERVFAIL.
    Lame,
    /// No answer: timeout, unreachable, no address.
    Unreachable,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AuthorityMx {
    pub preference: u16,
    pub exchange: String,
    pub ttl: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AuthorityAddress {
    pub exchange: String,
    pub ip: IpAddr,
    pub ttl: u32,
}

impl AuthorityAnswer {
    /// A server that gave no usable answer.
    pub fn failed(server: String, ns: Option<String>, status: AuthorityStatus, why: &str) -> Self {
        Self {
            server,
            ns,
            status,
            error: Some(why.to_string()),
            outcome: None,
            mx: Vec::new(),
            addresses: Vec::new(),
            elapsed_ms: 0.0,
        }
    }

    /// The server as people name it: `127.0.0.1:53 (ns1.example.)`.
    pub fn name(&self) -> String {
        match &self.ns {
            Some(ns) if *ns != self.server => format!("{} ({})", self.server, visible(ns)),
            _ => visible(&self.server).into_owned(),
        }
    }

    /// What the server said, comparable between servers: outcome, records
    /// and addresses without TTLs.
    pub fn signature(&self) -> Option<String> {
        (self.status == AuthorityStatus::Answer).then(|| self.summary())
    }

    /// One line: `MX 10 mx1.example., 20 mx2.example.; mx1.example. 192.0.2.1`,
    /// `no MX (NODATA)`, `NXDOMAIN`, or the failure. Names escaped.
    pub fn summary(&self) -> String {
        match self.status {
            AuthorityStatus::Answer => {}
            AuthorityStatus::Lame => {
                return format!("lame ({})", self.error.as_deref().unwrap_or("lame"));
            }
            AuthorityStatus::Unreachable => {
                return format!("no answer ({})", self.error.as_deref().unwrap_or("error"));
            }
        }
        let mut out = match self.outcome.as_deref() {
            Some("nxdomain") => "NXDOMAIN".to_string(),
            Some("mx") if !self.mx.is_empty() => {
                let records: Vec<String> = self
                    .mx
                    .iter()
                    .map(|m| format!("{} {}", m.preference, visible(&m.exchange)))
                    .collect();
                format!("MX {}", records.join(", "))
            }
            _ => "no MX (NODATA)".to_string(),
        };
        let mut by_host: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for a in &self.addresses {
            by_host
                .entry(a.exchange.as_str())
                .or_default()
                .push(a.ip.to_string());
        }
        for (host, ips) in by_host {
            out.push_str(&format!("; {} {}", visible(host), ips.join(" ")));
        }
        out
    }
}

impl AuthorityCheck {
    /// Groups of servers that gave the same answer, largest first: the
    /// answer and the servers that gave it.
    pub fn groups(&self) -> Vec<(String, Vec<&AuthorityAnswer>)> {
        let mut groups: Vec<(String, Vec<&AuthorityAnswer>)> = Vec::new();
        for s in &self.servers {
            let Some(sig) = s.signature() else { continue };
            match groups.iter_mut().find(|(g, _)| *g == sig) {
                Some((_, members)) => members.push(s),
                None => groups.push((sig, vec![s])),
            }
        }
        groups.sort_by_key(|(_, m)| std::cmp::Reverse(m.len()));
        groups
    }

    /// Whether every server that answered gave the same answer.
    pub fn consistent(&self) -> bool {
        self.groups().len() <= 1
    }

    /// The findings for `domain`: one per unreachable or lame server, and
    /// one naming every answer when the servers disagree.
    pub fn findings(&self, domain: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        let groups = self.groups();
        if groups.len() > 1 {
            let parts: Vec<String> = groups
                .iter()
                .map(|(sig, members)| {
                    let names: Vec<String> = members.iter().map(|m| m.name()).collect();
                    format!("{} {} {sig}", names.join(", "), verb(members.len()))
                })
                .collect();
            out.push(finding(
                "mx-inconsistent-authorities",
                domain,
                format!(
                    "The authoritative servers of {} disagree: {}. Resolvers get one answer or the other depending on the server they ask, until every server serves the same zone (check that the secondaries transferred the latest serial).",
                    domain,
                    parts.join("; ")
                ),
                REF_INCONSISTENT,
            ));
        }
        for s in &self.servers {
            let why = s.error.as_deref().unwrap_or("error");
            match s.status {
                AuthorityStatus::Answer => {}
                AuthorityStatus::Unreachable => out.push(finding(
                    "authority-unreachable",
                    &s.server,
                    format!(
                        "The authoritative server {} gave no answer for {} ({why}): resolvers that pick it wait, retry elsewhere, and may give up.",
                        s.name(),
                        domain
                    ),
                    REF_UNREACHABLE,
                )),
                AuthorityStatus::Lame => out.push(finding(
                    "authority-lame",
                    &s.server,
                    format!(
                        "The server {} is listed for {} but answered without authority ({}): a lame delegation. Load the zone on it or remove it from the NS set.",
                        s.name(),
                        domain,
                        lame_words(why)
                    ),
                    REF_LAME,
                )),
            }
        }
        out
    }
}

/// Puts `check` into `report`: its findings join the report's (most severe
/// first, as [`crate::mx::checks::run`] orders them).
pub fn attach(report: &mut crate::mx::MxReport, check: AuthorityCheck) {
    report.findings.extend(check.findings(&report.domain));
    report
        .findings
        .sort_by_key(|f| std::cmp::Reverse(f.severity));
    report.authorities = Some(check);
}

fn verb(n: usize) -> &'static str {
    if n == 1 { "serves" } else { "serve" }
}

fn lame_words(why: &str) -> String {
    match why {
        "referral" => "a referral to other servers".into(),
        "not-authoritative" => "the AA flag was clear".into(),
        "refused" => "REFUSED".into(),
        "servfail" => "SERVFAIL".into(),
        other => other.to_uppercase(),
    }
}

fn finding(code: &str, subject: &str, message: String, reference: &str) -> Finding {
    Finding::listed(CODES, code, subject, message, reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(server: &str, mx: &[(u16, &str)], addrs: &[(&str, &str)]) -> AuthorityAnswer {
        AuthorityAnswer {
            server: server.into(),
            ns: None,
            status: AuthorityStatus::Answer,
            error: None,
            outcome: Some("mx".into()),
            mx: mx
                .iter()
                .map(|(p, e)| AuthorityMx {
                    preference: *p,
                    exchange: (*e).into(),
                    ttl: 300,
                })
                .collect(),
            addresses: addrs
                .iter()
                .map(|(e, ip)| AuthorityAddress {
                    exchange: (*e).into(),
                    ip: ip.parse().unwrap(),
                    ttl: 60,
                })
                .collect(),
            elapsed_ms: 0.0,
        }
    }

    fn check(servers: Vec<AuthorityAnswer>) -> AuthorityCheck {
        AuthorityCheck {
            zone: Some("d.test.".into()),
            discovered: false,
            error: None,
            servers,
        }
    }

    #[test]
    fn agreeing_servers_give_no_finding() {
        let mut b = answer(
            "b:53",
            &[(10, "mx.d.test.")],
            &[("mx.d.test.", "192.0.2.1")],
        );
        b.mx[0].ttl = 60; // TTLs are not compared
        let c = check(vec![
            answer(
                "a:53",
                &[(10, "mx.d.test.")],
                &[("mx.d.test.", "192.0.2.1")],
            ),
            b,
        ]);
        assert!(c.consistent());
        assert!(c.findings("d.test.").is_empty());
    }

    #[test]
    fn disagreement_names_every_answer() {
        let c = check(vec![
            answer(
                "a:53",
                &[(10, "new.d.test.")],
                &[("new.d.test.", "192.0.2.2")],
            ),
            answer("b:53", &[(10, "old.d.test.")], &[]),
            answer(
                "c:53",
                &[(10, "new.d.test.")],
                &[("new.d.test.", "192.0.2.2")],
            ),
        ]);
        let f = c.findings("d.test.");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "mx-inconsistent-authorities");
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(
            f[0].message.contains(
                "a:53, c:53 serve MX 10 new.d.test.; new.d.test. 192.0.2.2; b:53 serves MX 10 old.d.test."
            ),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn unreachable_and_lame_servers_are_named_and_left_out() {
        let c = check(vec![
            answer("a:53", &[(10, "mx.d.test.")], &[]),
            AuthorityAnswer::failed("b:53".into(), None, AuthorityStatus::Unreachable, "timeout"),
            AuthorityAnswer::failed(
                "c:53".into(),
                Some("ns3.d.test.".into()),
                AuthorityStatus::Lame,
                "referral",
            ),
        ]);
        assert!(c.consistent(), "failed servers do not count as disagreeing");
        let f = c.findings("d.test.");
        let codes: Vec<&str> = f.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["authority-unreachable", "authority-lame"]);
        assert_eq!(f[0].subject, "b:53");
        assert!(f[0].message.contains("(timeout)"));
        assert!(f[1].message.contains("c:53 (ns3.d.test.)"));
        assert!(f[1].message.contains("referral"));
    }

    #[test]
    fn hostile_names_are_escaped() {
        let a = answer("a:53", &[(10, "x\u{1b}[2J.d.test.")], &[]);
        assert_eq!(a.summary(), "MX 10 x\\027[2J.d.test.");
    }
}
