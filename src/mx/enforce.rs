//! What a security-enforcing sender refuses: exchanges it will not deliver
//! to, which the simulator then counts as down for that sender.

use serde::Serialize;

use crate::mx::MxReport;
use crate::mx::dnssec::TlsaLookup;
use crate::mx::sts::{StsMode, StsStatus};

/// Which transport-security policy the simulated sender enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Enforce {
    /// An ordinary sender: opportunistic TLS, nothing refused.
    #[default]
    None,
    /// MTA-STS (RFC 8461 §5): in mode enforce, exchanges outside the
    /// policy's `mx` patterns are refused.
    MtaSts,
    /// DANE as RFC 7672 §2.2 has it, host by host: an exchange whose
    /// addresses are DNSSEC-secure and whose TLSA lookup fails (or is
    /// bogus) is refused; one with usable secure TLSA is authenticated; any
    /// other gets unauthenticated (opportunistic) TLS and the mail.
    Dane,
    /// Mandatory DANE (Postfix `smtp_tls_security_level = dane-only`, the
    /// policy an admin sets for a partner domain): every exchange without a
    /// usable DNSSEC-secure TLSA RRset is refused.
    DaneOnly,
}

impl Enforce {
    /// Every policy, in the order the TUI cycles through them.
    pub const ALL: [Enforce; 4] = [
        Enforce::None,
        Enforce::MtaSts,
        Enforce::Dane,
        Enforce::DaneOnly,
    ];

    /// The policy called `name` (as [`Enforce::name`] writes it).
    pub fn by_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Enforce::None => "none",
            Enforce::MtaSts => "mta-sts",
            Enforce::Dane => "dane",
            Enforce::DaneOnly => "dane-only",
        }
    }
}

/// What an enforcing sender made of the domain's policy: the simulation's
/// `enforce` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enforcement {
    /// `mta-sts`, `dane` or `dane-only`.
    pub policy: &'static str,
    /// The exchanges it refuses (counted as down), in MX order.
    pub refused: Vec<Refusal>,
    /// Why nothing is refused, when the policy gives it nothing to enforce.
    pub note: Option<String>,
}

/// One refused exchange and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    pub exchange: String,
    pub reason: String,
}

/// [`refused`] as the simulation reports it; `None` for an ordinary sender.
pub fn enforcement(report: &MxReport, enforce: Enforce) -> Option<Enforcement> {
    if enforce == Enforce::None {
        return None;
    }
    let (refused, note) = refused(report, enforce);
    Some(Enforcement {
        policy: enforce.name(),
        refused: refused
            .into_iter()
            .map(|(exchange, reason)| Refusal { exchange, reason })
            .collect(),
        note,
    })
}

/// The exchanges an enforcing sender refuses, each with the reason, in MX
/// order; plus a note when the policy gives it nothing to enforce.
pub fn refused(report: &MxReport, enforce: Enforce) -> (Vec<(String, String)>, Option<String>) {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |ex: &str, why: String| {
        if !out.iter().any(|(e, _)| e == ex) {
            out.push((ex.to_string(), why));
        }
    };
    let hosts = report.mx.iter().filter(|h| !h.is_null());
    match enforce {
        Enforce::None => (out, None),
        Enforce::MtaSts => {
            let Some(sts) = &report.mta_sts else {
                return (out, Some("MTA-STS was not looked up".into()));
            };
            if sts.record.is_some() && sts.id.is_none() {
                return (
                    out,
                    Some(
                        "the _mta-sts record has no id, so it is invalid: senders apply no policy"
                            .into(),
                    ),
                );
            }
            let policy = match (&sts.status, &sts.policy) {
                (StsStatus::Ok, Some(p)) => p,
                (StsStatus::None, _) => {
                    return (
                        out,
                        Some("the domain publishes no MTA-STS policy: nothing to enforce".into()),
                    );
                }
                _ => {
                    return (
                        out,
                        Some(format!(
                            "the MTA-STS policy is {}: a sender without a cached policy enforces nothing",
                            match sts.status {
                                StsStatus::Invalid => "invalid",
                                StsStatus::Unreachable => "unreachable",
                                _ => "unknown",
                            }
                        )),
                    );
                }
            };
            if policy.mode != StsMode::Enforce {
                return (
                    out,
                    Some(format!(
                        "the MTA-STS policy is in mode {}: senders deliver anyway",
                        policy.mode.as_str()
                    )),
                );
            }
            for h in hosts {
                if !policy.covers(&h.exchange) {
                    push(&h.exchange, "not covered by the MTA-STS policy".into());
                }
            }
            (out, None)
        }
        Enforce::Dane | Enforce::DaneOnly => {
            let Some(tlsa) = &report.tlsa else {
                return (out, Some("TLSA was not looked up".into()));
            };
            let mandatory = enforce == Enforce::DaneOnly;
            let mut unauthenticated: Vec<&str> = Vec::new();
            for h in hosts {
                let t = tlsa.iter().find(|t| t.exchange == h.exchange);
                let signed = crate::mx::dnssec::exchange_signed(report, &h.exchange);
                match t {
                    Some(t) if t.dane_usable() && signed => {}
                    Some(t) if t.lookup == TlsaLookup::Failed && (signed || mandatory) => push(
                        &h.exchange,
                        format!(
                            "its TLSA lookup fails ({}): DANE senders defer",
                            t.error.as_deref().unwrap_or("error")
                        ),
                    ),
                    _ if mandatory => push(
                        &h.exchange,
                        if signed {
                            "no usable DNSSEC-secure TLSA record".into()
                        } else {
                            "its addresses are not DNSSEC-secure, so it has no DANE".into()
                        },
                    ),
                    _ => {
                        if !unauthenticated.contains(&h.exchange.as_str()) {
                            unauthenticated.push(&h.exchange);
                        }
                    }
                }
            }
            let dane_hosts = tlsa.iter().any(|t| {
                t.dane_usable() && crate::mx::dnssec::exchange_signed(report, &t.exchange)
            });
            let note = if !dane_hosts && !mandatory {
                Some("no exchange has usable DNSSEC-secure TLSA: the domain does not use DANE, senders use opportunistic TLS".into())
            } else if unauthenticated.is_empty() {
                None
            } else {
                Some(format!(
                    "{} {} no usable secure TLSA: a DANE sender delivers to {} with unauthenticated TLS (RFC 7672 §2.2)",
                    unauthenticated.join(", "),
                    if unauthenticated.len() == 1 {
                        "has"
                    } else {
                        "have"
                    },
                    if unauthenticated.len() == 1 {
                        "it"
                    } else {
                        "them"
                    },
                ))
            };
            (out, note)
        }
    }
}
