//! The report model: what one MX lookup found, as plain data.
//!
//! Serialises to the `mxlens/report/v1` contract (DESIGN §5). Fields marked
//! `#[serde(skip)]` are extra detail for the front ends that the contract does
//! not carry; a report read back from JSON has them at their defaults.

use std::collections::BTreeSet;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::mx::dnssec::{Dnssec, TlsaHost};
use crate::mx::sts::{MtaSts, TlsRpt};

/// Schema identifier written into every JSON report.
pub const REPORT_SCHEMA: &str = "mxlens/report/v1";

/// Everything one lookup of one domain found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MxReport {
    /// Always [`REPORT_SCHEMA`].
    pub schema: String,
    /// Lower-case ASCII, punycode for IDNs, trailing dot.
    pub domain: String,
    /// The upstream that answered, e.g. `127.0.0.1:5354` or `system`.
    pub resolver: String,
    pub outcome: Outcome,
    /// Set only with [`Outcome::Error`].
    pub error: Option<LookupError>,
    /// Wall time of the whole report (MX and every address lookup).
    pub elapsed_ms: f64,
    /// Sorted by (preference, exchange); duplicates kept.
    pub mx: Vec<MxHost>,
    pub findings: Vec<Finding>,
    /// DNSSEC status of the MX RRset and the exchanges' address RRsets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnssec: Option<Dnssec>,
    /// DANE (RFC 7672): the TLSA RRset of every exchange.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tlsa: Option<Vec<TlsaHost>>,
    /// MTA-STS (RFC 8461): looked up only by `check --security` and the TUI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mta_sts: Option<MtaSts>,
    /// SMTP TLS Reporting (RFC 8460): looked up with `mta_sts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_rpt: Option<TlsRpt>,
    /// What each authoritative server answered, when they were asked
    /// (`--authority`, `check --authorities`, the TUI's compare view).
    /// Absent from the JSON otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorities: Option<crate::mx::authority::AuthorityCheck>,
    /// CNAME chain at the domain itself (the MX query followed it).
    #[serde(skip)]
    pub domain_cname: Vec<String>,
    /// TTL of the negative answer (SOA minimum) for NXDOMAIN / NODATA outcomes.
    #[serde(skip)]
    pub negative_ttl: Option<u32>,
    /// Time the MX query itself took.
    #[serde(skip)]
    pub mx_query_ms: f64,
    /// What the error word alone does not say: the servers of a referral,
    /// the names of an alias loop (names as received).
    #[serde(skip)]
    pub error_detail: Option<String>,
}

/// One MX record and what its exchange resolved to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MxHost {
    pub preference: u16,
    /// Lower-case, trailing dot; `"."` for a null MX.
    pub exchange: String,
    pub ttl: u32,
    /// Alias chain from the exchange to its canonical name (empty when none).
    pub cname: Vec<String>,
    pub provider: Option<String>,
    pub address_status: AddressStatus,
    /// IPv4 first, then IPv6, each sorted.
    pub addresses: Vec<Address>,
    /// Outcome of the A query alone.
    #[serde(skip)]
    pub a_status: AddressStatus,
    /// Outcome of the AAAA query alone.
    #[serde(skip)]
    pub aaaa_status: AddressStatus,
    /// Time the slower of the two address queries took.
    #[serde(skip)]
    pub query_ms: f64,
    /// Why an address lookup failed, beyond its status: a referral's
    /// servers, an alias loop's names (names as received).
    #[serde(skip)]
    pub lookup_detail: Option<String>,
    /// `addresses` are in an order a sender uses as presented (a what-if
    /// proposal, as written); false for DNS answers, which have no order
    /// (RFC 2181 §5) and are shown sorted.
    #[serde(skip)]
    pub addresses_as_written: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Address {
    pub ip: IpAddr,
    pub family: Family,
    pub ttl: u32,
    /// Reverse DNS, looked up only by `check --security` and the TUI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ptr: Option<Ptr>,
}

/// What the reverse zone says about an address (forward-confirmed reverse DNS).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Ptr {
    /// Outcome of the PTR query: `ok`, `nxdomain`, `nodata`, `timeout`, …
    pub status: AddressStatus,
    /// The PTR names, lower-case with the trailing dot, sorted.
    pub names: Vec<String>,
    /// Whether one of `names` resolves back to the address (A or AAAA).
    pub confirmed: bool,
}

impl Address {
    pub fn new(ip: IpAddr, ttl: u32) -> Self {
        let family = match ip {
            IpAddr::V4(_) => Family::Ipv4,
            IpAddr::V6(_) => Family::Ipv6,
        };
        Self {
            ip,
            family,
            ttl,
            ptr: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Ipv4,
    Ipv6,
}

/// What the domain's mail routing amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// An MX RRset was published.
    Mx,
    /// No MX RRset; the domain's own A/AAAA receive mail (RFC 5321 §5.1).
    Implicit,
    /// A null MX (RFC 7505): the domain accepts no mail.
    NullMx,
    /// No MX and no A/AAAA.
    NoMail,
    /// The domain does not exist.
    Nxdomain,
    /// The MX query could not be completed.
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Mx => "mx",
            Outcome::Implicit => "implicit",
            Outcome::NullMx => "null_mx",
            Outcome::NoMail => "no_mail",
            Outcome::Nxdomain => "nxdomain",
            Outcome::Error => "error",
        }
    }
}

/// Why a query could not be completed, in the contract's words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LookupError {
    Timeout,
    Servfail,
    Refused,
    Unreachable,
    /// Anything else, as a short lower-case word (e.g. `formerr`, `notimp`, `io`).
    #[serde(untagged)]
    Other(String),
}

impl LookupError {
    pub fn as_str(&self) -> &str {
        match self {
            LookupError::Timeout => "timeout",
            LookupError::Servfail => "servfail",
            LookupError::Refused => "refused",
            LookupError::Unreachable => "unreachable",
            LookupError::Other(word) => word,
        }
    }
}

/// Result of an exchange's address lookups.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum AddressStatus {
    #[default]
    Ok,
    Nxdomain,
    Nodata,
    Timeout,
    Servfail,
    Refused,
    Error,
    /// Not looked up: the report already had as many exchanges as one
    /// report resolves (`mx-too-many-exchanges`).
    Skipped,
}

impl AddressStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AddressStatus::Ok => "ok",
            AddressStatus::Nxdomain => "nxdomain",
            AddressStatus::Nodata => "nodata",
            AddressStatus::Timeout => "timeout",
            AddressStatus::Servfail => "servfail",
            AddressStatus::Refused => "refused",
            AddressStatus::Error => "error",
            AddressStatus::Skipped => "skipped",
        }
    }

    /// A failure to get an answer, as opposed to an answer that says "none".
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            AddressStatus::Timeout
                | AddressStatus::Servfail
                | AddressStatus::Refused
                | AddressStatus::Error
        )
    }

    /// Combines the A and AAAA outcomes into the host's status: `ok` when
    /// either produced addresses; otherwise a failure beats "no data".
    pub fn combine(a: AddressStatus, aaaa: AddressStatus, have_addresses: bool) -> AddressStatus {
        if have_addresses {
            return AddressStatus::Ok;
        }
        if a == AddressStatus::Skipped || aaaa == AddressStatus::Skipped {
            return AddressStatus::Skipped;
        }
        for s in [a, aaaa] {
            if s.is_failure() {
                return s;
            }
        }
        if a == AddressStatus::Nxdomain || aaaa == AddressStatus::Nxdomain {
            AddressStatus::Nxdomain
        } else {
            AddressStatus::Nodata
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One thing the checks found (codes in DESIGN §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    pub severity: Severity,
    /// The domain, exchange or address the finding is about.
    pub subject: String,
    pub message: String,
    pub reference: String,
}

impl Ptr {
    /// One phrase for text renderings, names passed through `esc`:
    /// "ptr mx1.example.test. (confirmed)", "no ptr (nxdomain)",
    /// "ptr lookup failed (timeout)".
    pub fn describe(&self, esc: impl Fn(&str) -> String) -> String {
        match self.status {
            AddressStatus::Ok => {
                let names: Vec<String> = self.names.iter().map(|n| esc(n)).collect();
                format!(
                    "ptr {} ({})",
                    names.join(" "),
                    if self.confirmed {
                        "confirmed"
                    } else {
                        "does not resolve back"
                    }
                )
            }
            AddressStatus::Nxdomain | AddressStatus::Nodata => {
                format!("no ptr ({})", self.status.as_str())
            }
            s => format!("ptr lookup failed ({})", s.as_str()),
        }
    }
}

impl Finding {
    /// A finding whose severity is read from `codes`, a checker's table of
    /// the codes it produces.
    pub fn listed(
        codes: &[(&str, Severity)],
        code: &str,
        subject: &str,
        message: String,
        reference: &str,
    ) -> Finding {
        let severity = codes
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, s)| *s)
            .expect("every code is listed in its checker's table");
        Finding {
            code: code.to_string(),
            severity,
            subject: subject.to_string(),
            message,
            reference: reference.to_string(),
        }
    }
}

impl MxReport {
    /// Every (exchange, address) pair of the report, each once, for
    /// comparing two reports address by address.
    pub fn exchange_addresses(&self) -> BTreeSet<(String, IpAddr)> {
        self.mx
            .iter()
            .flat_map(|h| h.addresses.iter().map(|x| (h.exchange.clone(), x.ip)))
            .collect()
    }

    /// An empty report for `domain`; the lookup fills it in.
    pub fn new(domain: impl Into<String>, resolver: impl Into<String>) -> Self {
        Self {
            schema: REPORT_SCHEMA.to_string(),
            domain: domain.into(),
            resolver: resolver.into(),
            outcome: Outcome::NoMail,
            error: None,
            elapsed_ms: 0.0,
            mx: Vec::new(),
            findings: Vec::new(),
            dnssec: None,
            tlsa: None,
            mta_sts: None,
            tls_rpt: None,
            authorities: None,
            domain_cname: Vec::new(),
            negative_ttl: None,
            mx_query_ms: 0.0,
            error_detail: None,
        }
    }

    /// The most severe finding, if any.
    /// The error word (`timeout`, `servfail`, …) of a failed lookup;
    /// `error` when the report carries none.
    pub fn error_word(&self) -> &str {
        self.error.as_ref().map_or("error", |e| e.as_str())
    }

    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Sorts `mx` by (preference, exchange) as the contract requires.
    pub fn sort_mx(&mut self) {
        self.mx
            .sort_by(|a, b| (a.preference, &a.exchange).cmp(&(b.preference, &b.exchange)));
    }
}

impl MxHost {
    pub fn new(preference: u16, exchange: impl Into<String>, ttl: u32) -> Self {
        Self {
            preference,
            exchange: exchange.into(),
            ttl,
            cname: Vec::new(),
            provider: None,
            address_status: AddressStatus::Ok,
            addresses: Vec::new(),
            a_status: AddressStatus::Ok,
            aaaa_status: AddressStatus::Ok,
            query_ms: 0.0,
            lookup_detail: None,
            addresses_as_written: false,
        }
    }

    /// Whether this is the `.` record of a null MX.
    pub fn is_null(&self) -> bool {
        self.exchange == "."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_to_the_contract_shape() {
        let mut r = MxReport::new("example.test.", "127.0.0.1:5354");
        r.outcome = Outcome::Mx;
        let mut h = MxHost::new(10, "mx1.example.test.", 300);
        h.addresses
            .push(Address::new("192.0.2.10".parse().unwrap(), 60));
        h.addresses
            .push(Address::new("2001:db8::10".parse().unwrap(), 60));
        r.mx.push(h);
        let v: serde_json::Value = serde_json::to_value(&r).unwrap();
        assert_eq!(v["schema"], "mxlens/report/v1");
        assert_eq!(v["outcome"], "mx");
        assert!(v["error"].is_null());
        assert_eq!(v["mx"][0]["address_status"], "ok");
        assert_eq!(v["mx"][0]["addresses"][1]["family"], "ipv6");
        assert_eq!(v["mx"][0]["addresses"][1]["ip"], "2001:db8::10");
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "domain",
                "elapsed_ms",
                "error",
                "findings",
                "mx",
                "outcome",
                "resolver",
                "schema"
            ]
        );
        let host_keys: Vec<_> = v["mx"][0].as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            host_keys,
            [
                "address_status",
                "addresses",
                "cname",
                "exchange",
                "preference",
                "provider",
                "ttl"
            ]
        );
    }

    #[test]
    fn error_words_round_trip() {
        for (e, w) in [
            (LookupError::Timeout, "\"timeout\""),
            (LookupError::Servfail, "\"servfail\""),
            (LookupError::Other("formerr".into()), "\"formerr\""),
        ] {
            assert_eq!(serde_json::to_string(&e).unwrap(), w);
            assert_eq!(serde_json::from_str::<LookupError>(w).unwrap(), e);
        }
    }

    #[test]
    fn combine_prefers_addresses_then_failures() {
        use AddressStatus::*;
        assert_eq!(AddressStatus::combine(Timeout, Ok, true), Ok);
        assert_eq!(AddressStatus::combine(Nodata, Servfail, false), Servfail);
        assert_eq!(AddressStatus::combine(Nxdomain, Nxdomain, false), Nxdomain);
        assert_eq!(AddressStatus::combine(Nodata, Nodata, false), Nodata);
    }
}
