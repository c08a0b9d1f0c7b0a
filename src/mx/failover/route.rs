//! What the report alone decides before any connection: the outcome words
//! and the routing shared by the exact engine and the seeded walker.

use serde::Serialize;

use super::sender::SenderList;
use crate::mx::report::{MxReport, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SimOutcome {
    /// Some receiver accepts the message within the profile's limits.
    Delivered,
    /// No receiver can: the message is queued and retried.
    Deferred,
    /// Null MX, no mail route, or the domain does not exist.
    Bounced,
}

impl SimOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            SimOutcome::Delivered => "delivered",
            SimOutcome::Deferred => "deferred",
            SimOutcome::Bounced => "bounced",
        }
    }
}

/// How the domain's routing decides the outcome before any connection.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Bounced(String),
    Deferred(String),
    /// Hosts with addresses to try.
    Connect,
}

/// The outcome decided by the report alone, shared by the engine and the walker.
pub fn route(report: &MxReport, list: &SenderList) -> Route {
    let domain = &report.domain;
    match report.outcome {
        Outcome::NullMx => Route::Bounced(format!(
            "{domain} publishes a null MX: it accepts no mail (RFC 7505 §3)"
        )),
        Outcome::NoMail => Route::Bounced(format!(
            "{domain} has no MX and no address records: there is no mail route (RFC 5321 §5.1)"
        )),
        Outcome::Nxdomain => Route::Bounced(format!("{domain} does not exist (NXDOMAIN)")),
        Outcome::Error => Route::Deferred(format!(
            "the MX lookup for {domain} failed ({}): a sender defers the message and retries; no host can be simulated",
            report.error_word()
        )),
        Outcome::Mx | Outcome::Implicit => {
            if list.address_count() > 0 {
                return Route::Connect;
            }
            if report.mx.iter().any(|h| !h.addresses.is_empty()) {
                return Route::Bounced(
                    "no exchange has an address of a family this sender can use: MX records that are all unusable MUST be reported as an error (RFC 5321 §5.1)"
                        .to_string(),
                );
            }
            match list.hosts().find(|h| h.address_status.is_failure()) {
                Some(h) => Route::Deferred(format!(
                    "no exchange has an address and the lookup for {} failed ({}): a sender defers and retries",
                    h.exchange,
                    h.address_status.as_str()
                )),
                None => Route::Bounced(
                    "no exchange has an address: MX records that are all unusable MUST be reported as an error (RFC 5321 §5.1)"
                        .to_string(),
                ),
            }
        }
    }
}
