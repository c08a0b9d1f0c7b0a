//! Lines for the transport-security data of a report (DNSSEC, TLSA per
//! exchange, MTA-STS, TLS-RPT), shared by the CLI text and the text export.

use crate::mx::MxReport;
use crate::mx::dnssec::TlsaLookup;
use crate::mx::escape::visible;
use crate::mx::sts::StsStatus;

/// `(label, line)` pairs, visibly escaped; empty when the security lookups
/// did not run.
pub fn lines(r: &MxReport) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(d) = &r.dnssec {
        let mut parts = vec![format!("mx {}", d.mx.as_str())];
        for e in &d.exchanges {
            parts.push(format!(
                "{} a {}, aaaa {}",
                visible(&e.exchange),
                e.a.as_str(),
                e.aaaa.as_str()
            ));
        }
        out.push(("dnssec", parts.join("; ")));
    }
    if let Some(hosts) = &r.tlsa {
        for h in hosts {
            let state = match h.lookup {
                TlsaLookup::Found => {
                    let recs: Vec<String> = h
                        .records
                        .iter()
                        .map(|t| format!("{} {} {}", t.usage, t.selector, t.matching_type))
                        .collect();
                    format!(
                        "{} record{} ({}), {}",
                        h.records.len(),
                        if h.records.len() == 1 { "" } else { "s" },
                        recs.join(", "),
                        h.dnssec.as_str()
                    )
                }
                TlsaLookup::None => format!("none ({})", h.dnssec.as_str()),
                TlsaLookup::Failed => format!(
                    "lookup failed ({})",
                    visible(h.error.as_deref().unwrap_or("error"))
                ),
            };
            out.push(("tlsa", format!("{}  {state}", visible(&h.exchange))));
        }
    }
    if let Some(sts) = &r.mta_sts {
        let id = sts
            .id
            .as_deref()
            .map(|id| format!(" (id {})", visible(id)))
            .unwrap_or_default();
        let line = match (&sts.status, &sts.policy) {
            (StsStatus::None, _) => "none (no _mta-sts record)".to_string(),
            (StsStatus::Ok, Some(p)) => {
                let mx: Vec<String> = p.mx.iter().map(|m| visible(m).into_owned()).collect();
                format!(
                    "{}, max_age {} s, mx {}{id}",
                    p.mode.as_str(),
                    p.max_age,
                    if mx.is_empty() {
                        "(none)".to_string()
                    } else {
                        mx.join(" ")
                    }
                )
            }
            (status, _) => format!(
                "{}{id}: {}",
                match status {
                    StsStatus::Invalid => "invalid",
                    StsStatus::Unreachable => "policy unreachable",
                    _ => "lookup failed",
                },
                visible(sts.error.as_deref().unwrap_or(""))
            ),
        };
        out.push(("mta-sts", line));
    }
    if let Some(rpt) = &r.tls_rpt {
        let line = match (&rpt.record, &rpt.error) {
            (_, Some(e)) => format!("unusable: {}", visible(e)),
            (Some(_), None) => rpt
                .rua
                .iter()
                .map(|u| visible(u).into_owned())
                .collect::<Vec<_>>()
                .join(", "),
            (None, None) => "none (no _smtp._tls record)".to_string(),
        };
        out.push(("tls-rpt", line));
    }
    out
}
