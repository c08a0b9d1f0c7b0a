//! MTA-STS (RFC 8461) and SMTP TLS Reporting (RFC 8460): the report's data
//! and the pure parsers for the TXT records and the policy file.

use serde::{Deserialize, Serialize};

/// Policy files larger than this are refused (RFC 8461 sets no limit; real
/// policies are a few hundred bytes, and a hostile server must not flood us).
pub const MAX_POLICY_BYTES: usize = 64 * 1024;

/// What MTA-STS amounts to for a domain (`mta_sts` in the report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MtaSts {
    /// `none` (no `_mta-sts` record: MTA-STS not in use), `ok` (record and
    /// policy valid), `invalid` (record or policy syntax), `unreachable`
    /// (the policy could not be fetched), `error` (the TXT query failed).
    pub status: StsStatus,
    /// The `v=STSv1` TXT record as published (strings joined), if any.
    pub record: Option<String>,
    /// The record's `id`, if it has a valid one.
    pub id: Option<String>,
    /// The parsed policy, when it was fetched and is valid.
    pub policy: Option<StsPolicy>,
    /// Why the status is not `ok` or `none`, in words (names the line).
    pub error: Option<String>,
}

impl MtaSts {
    /// The policy senders apply: a valid policy behind a record with an
    /// `id` (a record without one is invalid, RFC 8461 §3.1, and senders
    /// then apply none).
    pub fn policy_in_force(&self) -> Option<&StsPolicy> {
        match (&self.status, &self.policy, &self.id) {
            (StsStatus::Ok, Some(p), Some(_)) => Some(p),
            _ => None,
        }
    }

    /// A record without `id`: published, but invalid.
    pub fn id_missing(&self) -> bool {
        self.record.is_some() && self.id.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StsStatus {
    None,
    Ok,
    Invalid,
    Unreachable,
    Error,
}

/// A parsed `mta-sts.txt` policy (RFC 8461 §3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StsPolicy {
    pub mode: StsMode,
    /// Seconds a sender caches the policy.
    pub max_age: u64,
    /// The `mx:` patterns as written (lower-cased), `*.` wildcards included.
    pub mx: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StsMode {
    Enforce,
    Testing,
    None,
}

impl StsMode {
    pub fn as_str(self) -> &'static str {
        match self {
            StsMode::Enforce => "enforce",
            StsMode::Testing => "testing",
            StsMode::None => "none",
        }
    }
}

impl StsPolicy {
    /// Whether `exchange` (any case, trailing dot or not) matches one of the
    /// policy's `mx` patterns (RFC 8461 §4.1).
    pub fn covers(&self, exchange: &str) -> bool {
        self.mx.iter().any(|p| mx_pattern_matches(p, exchange))
    }
}

/// RFC 8461 §4.1: a pattern is a host name, or `*.` and a domain, where the
/// wildcard stands for exactly one whole label ("*.example.com" matches
/// "mx.example.com", not "example.com" nor "a.b.example.com").
pub fn mx_pattern_matches(pattern: &str, host: &str) -> bool {
    let norm = |s: &str| s.trim_end_matches('.').to_ascii_lowercase();
    let (pattern, host) = (norm(pattern), norm(host));
    if host.is_empty() {
        return false;
    }
    match pattern.strip_prefix("*.") {
        Some(parent) => host
            .split_once('.')
            .is_some_and(|(first, rest)| !first.is_empty() && rest == parent),
        None => pattern == host,
    }
}

/// Result of reading the `_mta-sts` TXT RRset (RFC 8461 §3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StsRecord {
    /// No record starts with `v=STSv1`: the domain does not use MTA-STS.
    Absent,
    /// Exactly one; `id` is `None` when the record has no `id` field.
    Found { record: String, id: Option<String> },
    /// Present but unusable: senders assume no policy. The message says why.
    Invalid { record: String, why: String },
}

/// Whether a TXT string starts with the version tag `tag` (`v=STSv1`,
/// `v=TLSRPTv1`), followed by `;`, whitespace or the end.
fn has_version(txt: &str, tag: &str) -> bool {
    txt.strip_prefix(tag)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([';', ' ', '\t']))
}

/// `key=value` fields separated by `;` (optional whitespace around), as in
/// both records' ABNF. `Err` names the first malformed field.
fn fields(txt: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for raw in txt.split(';') {
        let field = raw.trim_matches([' ', '\t']);
        if field.is_empty() {
            continue;
        }
        let Some((k, v)) = field.split_once('=') else {
            return Err(format!("field \"{field}\" has no '='"));
        };
        if k.is_empty()
            || !k
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        {
            return Err(format!("field name \"{k}\" is not valid"));
        }
        out.push((k.to_string(), v.to_string()));
    }
    Ok(out)
}

/// Reads the TXT strings of `_mta-sts.<domain>` (each record's strings
/// already joined).
pub fn parse_sts_record(txts: &[String]) -> StsRecord {
    let sts: Vec<&String> = txts.iter().filter(|t| has_version(t, "v=STSv1")).collect();
    let record = match sts.as_slice() {
        [] => return StsRecord::Absent,
        [one] => one.to_string(),
        many => {
            return StsRecord::Invalid {
                record: many
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" | "),
                why: format!(
                    "{} records start with v=STSv1; there must be exactly one (RFC 8461 §3.1), so senders use no policy",
                    many.len()
                ),
            };
        }
    };
    let fields = match fields(&record) {
        Ok(f) => f,
        Err(why) => {
            return StsRecord::Invalid {
                why: format!("the _mta-sts record is malformed: {why}"),
                record,
            };
        }
    };
    let id = fields
        .iter()
        .find(|(k, _)| k == "id")
        .map(|(_, v)| v.clone());
    if let Some(id) = &id
        && (id.is_empty() || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return StsRecord::Invalid {
            why: format!("the id \"{id}\" is not 1 to 32 letters and digits (RFC 8461 §3.1)"),
            record,
        };
    }
    StsRecord::Found { record, id }
}

/// Parses a policy body (RFC 8461 §3.2). Lines end with CRLF or LF; unknown
/// keys are ignored, as the RFC asks. `Err` names the offending line.
pub fn parse_policy(body: &str) -> Result<StsPolicy, String> {
    let mut version = None;
    let mut mode = None;
    let mut max_age = None;
    let mut mx = Vec::new();
    for (i, raw) in body.split('\n').enumerate() {
        let n = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!("line {n} \"{line}\" is not \"key: value\""));
        };
        let (key, value) = (key.trim(), value.trim());
        // A field given twice: the first one counts, except mx, which
        // adds up (RFC 8461 §3.2).
        let repeated = match key {
            "version" => version.is_some(),
            "mode" => mode.is_some(),
            "max_age" => max_age.is_some(),
            _ => false,
        };
        if repeated {
            continue;
        }
        match key {
            "version" => {
                if value != "STSv1" {
                    return Err(format!("line {n}: version \"{value}\" is not STSv1"));
                }
                version = Some(());
            }
            "mode" => {
                mode = Some(match value {
                    "enforce" => StsMode::Enforce,
                    "testing" => StsMode::Testing,
                    "none" => StsMode::None,
                    _ => {
                        return Err(format!(
                            "line {n}: mode \"{value}\" is not enforce, testing or none"
                        ));
                    }
                });
            }
            "max_age" => {
                // 1*10DIGIT: no sign, no space.
                let v = Some(value)
                    .filter(|v| !v.is_empty() && v.len() <= 10)
                    .filter(|v| v.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|v| v.parse::<u64>().ok())
                    .filter(|v| *v <= 31_557_600)
                    .ok_or_else(|| {
                        format!("line {n}: max_age \"{value}\" is not 0 to 31557600 seconds")
                    })?;
                max_age = Some(v);
            }
            "mx" => {
                if !valid_pattern(value) {
                    return Err(format!(
                        "line {n}: mx \"{value}\" is not a host name pattern"
                    ));
                }
                mx.push(value.trim_end_matches('.').to_ascii_lowercase());
            }
            _ => {}
        }
    }
    if version.is_none() {
        return Err("no \"version: STSv1\" line".into());
    }
    let mode = mode.ok_or("no \"mode:\" line")?;
    let max_age = max_age.ok_or("no \"max_age:\" line")?;
    if mx.is_empty() && mode != StsMode::None {
        return Err(format!(
            "no \"mx:\" line, required in mode {}",
            mode.as_str()
        ));
    }
    Ok(StsPolicy { mode, max_age, mx })
}

/// A host name, or `*.` followed by one (letters, digits, hyphens; labels of
/// 1 to 63 characters).
fn valid_pattern(p: &str) -> bool {
    let name = p.strip_prefix("*.").unwrap_or(p).trim_end_matches('.');
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// SMTP TLS Reporting (`tls_rpt` in the report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsRpt {
    /// The `v=TLSRPTv1` record as published, if any.
    pub record: Option<String>,
    /// Its `rua` destinations (`mailto:` or `https:` URIs).
    pub rua: Vec<String>,
    /// Why the record cannot be used (senders then send no reports), or
    /// why the lookup failed.
    pub error: Option<String>,
}

impl TlsRpt {
    /// Whether senders will send reports: exactly one valid record.
    pub fn usable(&self) -> bool {
        self.record.is_some() && self.error.is_none()
    }
}

/// Reads the TXT strings of `_smtp._tls.<domain>` (RFC 8460 §3).
pub fn parse_tls_rpt(txts: &[String]) -> TlsRpt {
    let mut out = TlsRpt {
        record: None,
        rua: Vec::new(),
        error: None,
    };
    let recs: Vec<&String> = txts
        .iter()
        .filter(|t| has_version(t, "v=TLSRPTv1"))
        .collect();
    let record = match recs.as_slice() {
        [] => return out,
        [one] => one.to_string(),
        many => {
            out.record = Some(
                many.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" | "),
            );
            out.error = Some(format!(
                "{} records start with v=TLSRPTv1; there must be exactly one (RFC 8460 §3)",
                many.len()
            ));
            return out;
        }
    };
    out.record = Some(record.clone());
    let fields = match fields(&record) {
        Ok(f) => f,
        Err(why) => {
            out.error = Some(format!("the record is malformed: {why}"));
            return out;
        }
    };
    let Some((_, rua)) = fields.iter().find(|(k, _)| k == "rua") else {
        out.error = Some("the record has no rua= field (RFC 8460 §3)".into());
        return out;
    };
    for uri in rua.split(',').map(str::trim) {
        let lower = uri.to_ascii_lowercase();
        let ok = if let Some(addr) = lower.strip_prefix("mailto:") {
            addr.split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.ends_with('.'))
        } else if let Some(rest) = lower.strip_prefix("https://") {
            !rest.is_empty() && !rest.starts_with('/')
        } else {
            false
        };
        if !ok {
            out.error = Some(format!(
                "rua destination \"{uri}\" is not a mailto: address or an https:// URL (RFC 8460 §3)"
            ));
            out.rua.clear();
            return out;
        }
        out.rua.push(uri.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_stand_for_one_label() {
        assert!(mx_pattern_matches("mx1.example.test", "MX1.example.test."));
        assert!(mx_pattern_matches("*.example.test", "mx.example.test."));
        assert!(!mx_pattern_matches("*.example.test", "example.test."));
        assert!(!mx_pattern_matches("*.example.test", "a.b.example.test."));
        assert!(!mx_pattern_matches("*.example.test", "mx.other.test."));
        assert!(!mx_pattern_matches("mx1.example.test", "mx2.example.test."));
        assert!(!mx_pattern_matches(
            "mx.example.test",
            "mx.example.test.evil."
        ));
    }

    #[test]
    fn sts_records() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_sts_record(&s(&["v=spf1 -all"])), StsRecord::Absent);
        assert_eq!(
            parse_sts_record(&s(&["v=STSv1; id=20240101T000000;"])),
            StsRecord::Found {
                record: "v=STSv1; id=20240101T000000;".into(),
                id: Some("20240101T000000".into())
            }
        );
        assert!(matches!(
            parse_sts_record(&s(&["v=STSv1"])),
            StsRecord::Found { id: None, .. }
        ));
        assert!(matches!(
            parse_sts_record(&s(&["v=STSv1; id=a", "v=STSv1; id=b"])),
            StsRecord::Invalid { .. }
        ));
        assert!(matches!(
            parse_sts_record(&s(&["v=STSv1; id=not-alnum"])),
            StsRecord::Invalid { .. }
        ));
        assert!(matches!(
            parse_sts_record(&s(&["v=STSv1; id"])),
            StsRecord::Invalid { .. }
        ));
        // "v=STSv10" is another version, not ours.
        assert_eq!(parse_sts_record(&s(&["v=STSv10; id=1"])), StsRecord::Absent);
    }

    #[test]
    fn policies() {
        let p = parse_policy(
            "version: STSv1\r\nmode: enforce\r\nmx: MX1.example.test\r\nmx: *.backup.test\r\nmax_age: 86400\r\nextension: ignored\r\n",
        )
        .unwrap();
        assert_eq!(p.mode, StsMode::Enforce);
        assert_eq!(p.max_age, 86400);
        assert_eq!(p.mx, ["mx1.example.test", "*.backup.test"]);
        assert!(p.covers("mx1.example.test."));
        assert!(p.covers("b1.backup.test."));
        assert!(!p.covers("mx2.example.test."));
        // LF line ends are accepted too.
        assert!(parse_policy("version: STSv1\nmode: none\nmax_age: 0\n").is_ok());
        // A repeated field: the first counts; mx lines add up (§3.2).
        let twice = parse_policy(
            "version: STSv1\nmode: enforce\nmode: testing\nmx: a.test\nmax_age: 60\nmax_age: 9\nmx: b.test\n",
        )
        .unwrap();
        assert_eq!((twice.mode, twice.max_age), (StsMode::Enforce, 60));
        assert_eq!(twice.mx, ["a.test", "b.test"]);
        for (body, want) in [
            ("mode: enforce\nmx: a.test\nmax_age: 1\n", "version"),
            (
                "version: STSv1\nmode: strict\nmx: a.test\nmax_age: 1\n",
                "line 2",
            ),
            (
                "version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 31557601\n",
                "line 4",
            ),
            ("version: STSv1\nmode: enforce\nmax_age: 1\n", "mx"),
            (
                "version: STSv1\nmode: enforce\nmx: a_b.test\nmax_age: 1\n",
                "line 3",
            ),
            ("version: STSv1\n<html>\n", "line 2"),
            (
                "version: STSv1\nmode: enforce\nmx: a.test\nmax_age: +5\n",
                "line 4",
            ),
        ] {
            let e = parse_policy(body).unwrap_err();
            assert!(e.contains(want), "{body:?}: {e}");
        }
    }

    #[test]
    fn tls_rpt_records() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ok = parse_tls_rpt(&s(&[
            "v=TLSRPTv1; rua=mailto:tls@example.test,https://r.example.test/x",
        ]));
        assert!(ok.usable());
        assert_eq!(ok.rua.len(), 2);
        assert!(!parse_tls_rpt(&s(&["v=spf1"])).usable());
        assert!(parse_tls_rpt(&s(&["v=spf1"])).record.is_none());
        let bad = parse_tls_rpt(&s(&["v=TLSRPTv1; rua=ftp://x"]));
        assert!(bad.record.is_some() && !bad.usable());
        assert!(bad.error.unwrap().contains("ftp://x"));
        assert!(!parse_tls_rpt(&s(&["v=TLSRPTv1;"])).usable());
        assert!(
            !parse_tls_rpt(&s(&[
                "v=TLSRPTv1; rua=mailto:a@b.test",
                "v=TLSRPTv1; rua=mailto:c@d.test"
            ]))
            .usable()
        );
    }
}
