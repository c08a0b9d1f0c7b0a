//! SMTP TLS Reporting (RFC 8460): the `_smtp._tls` TXT record.

use crate::dns::security::txt;
use crate::dns::upstream::Upstream;
use crate::mx::sts::{TlsRpt, parse_tls_rpt};

/// Looks up and parses the TLS-RPT record of `domain` (trailing dot).
pub async fn lookup(up: &Upstream, domain: &str) -> TlsRpt {
    match txt::lookup(up, "_smtp._tls", domain).await {
        Ok(txts) => parse_tls_rpt(&txts),
        Err(word) => TlsRpt {
            record: None,
            rua: Vec::new(),
            error: Some(format!("the _smtp._tls TXT query failed ({word})")),
        },
    }
}
