//! The terminal UI's remembered session: the domain list, each domain's
//! outages, the sender profile, the policy it enforces and the DNS outage,
//! in `$XDG_STATE_HOME/mxlens/session.json`.
//!
//! mxlens writes it when the UI quits (a temporary file in the same
//! directory, then a rename, so a crash never leaves half a file) and reads
//! it when the UI starts with nothing to show (no domain, `--demo`,
//! `--file` or `--list`, and no `--fresh`). The file is data mxlens wrote,
//! but it is read as untrusted input: every domain is parsed again and
//! anything unusable is left out and counted.

use std::collections::BTreeSet;
use std::io::Write;
use std::net::IpAddr;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::mx::input::parse_domain;

/// The schema the file carries; a file with another is not read.
pub const SCHEMA: &str = "mxlens/session/v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub schema: String,
    /// Index of the selected domain.
    #[serde(default)]
    pub selected: usize,
    /// `rfc`, `postfix` or `exim`.
    pub profile: String,
    /// The policy the simulated sender enforces (`mta-sts`, `dane`,
    /// `dane-only`); absent for an ordinary sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforce: Option<String>,
    /// The failover pane showed a DNS outage (`D`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dns_down: bool,
    pub domains: Vec<SessionDomain>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionDomain {
    /// FQDN with the trailing dot.
    pub name: String,
    /// Exchanges marked down (FQDNs).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub down_hosts: BTreeSet<String>,
    /// Addresses marked down.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub down_addresses: BTreeSet<IpAddr>,
}

impl Session {
    pub fn new(profile: &str, selected: usize, domains: Vec<SessionDomain>) -> Self {
        Self {
            schema: SCHEMA.to_string(),
            selected,
            profile: profile.to_string(),
            enforce: None,
            dns_down: false,
            domains,
        }
    }
}

/// A session read back, and what had to be left out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub session: Session,
    /// Domains that no longer parse.
    pub dropped: usize,
}

/// Reads the session at `path`: `Ok(None)` when there is none, `Err` with a
/// sentence when the file cannot be used (the UI then starts empty and says so).
pub fn load(path: &Path) -> Result<Option<Loaded>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read \"{}\": {e}", path.display())),
    };
    let mut session: Session = serde_json::from_str(&text).map_err(|e| {
        format!(
            "\"{}\" is not a session mxlens can read ({e}); it is replaced when the UI quits",
            path.display()
        )
    })?;
    if session.schema != SCHEMA {
        return Err(format!(
            "\"{}\" holds {:?}, not {SCHEMA}; it is replaced when the UI quits",
            path.display(),
            session.schema.escape_debug().to_string()
        ));
    }
    let before = session.domains.len();
    let mut seen = BTreeSet::new();
    session.domains.retain_mut(|d| match parse_domain(&d.name) {
        Ok(fqdn) if seen.insert(fqdn.clone()) => {
            d.name = fqdn;
            d.down_hosts = d
                .down_hosts
                .iter()
                .filter_map(|h| parse_domain(h).ok())
                .collect();
            true
        }
        _ => false,
    });
    let dropped = before - session.domains.len();
    session.selected = session
        .selected
        .min(session.domains.len().saturating_sub(1));
    Ok(Some(Loaded { session, dropped }))
}

/// Writes `session` to `path` atomically: a temporary file beside it, synced,
/// then renamed over it. Creates the directory when needed.
pub fn save(path: &Path, session: &Session) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map_or_else(
        || "session.json".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        serde_json::to_writer_pretty(&mut f, session)?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        // Best effort: leave no temporary file behind.
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Session {
        let mut s = Session::new(
            "postfix",
            1,
            vec![
                SessionDomain {
                    name: "a.test.".into(),
                    down_hosts: ["mx1.a.test.".to_string()].into(),
                    down_addresses: BTreeSet::new(),
                },
                SessionDomain {
                    name: "b.test.".into(),
                    down_hosts: BTreeSet::new(),
                    down_addresses: ["192.0.2.1".parse().unwrap()].into(),
                },
            ],
        );
        s.enforce = Some("mta-sts".into());
        s.dns_down = true;
        s
    }

    #[test]
    fn a_saved_session_loads_back_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/er/session.json");
        save(&path, &sample()).unwrap();
        let loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded.session, sample());
        assert_eq!(loaded.dropped, 0);
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["session.json"]);
    }

    #[test]
    fn a_missing_session_is_none_and_a_broken_one_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.json");
        assert_eq!(load(&path).unwrap(), None);
        std::fs::write(&path, "{ not json").unwrap();
        assert!(load(&path).unwrap_err().contains("session.json"));
        std::fs::write(
            &path,
            r#"{"schema":"other/v9","profile":"rfc","domains":[]}"#,
        )
        .unwrap();
        assert!(load(&path).unwrap_err().contains("other/v9"));
    }

    #[test]
    fn unusable_domains_are_dropped_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.json");
        std::fs::write(
            &path,
            r#"{"schema":"mxlens/session/v1","selected":9,"profile":"rfc","domains":[
                {"name":"A.test"},{"name":"a..b"},{"name":"a.test."},{"name":"\u001b[31m"}]}"#,
        )
        .unwrap();
        let loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded.dropped, 3);
        assert_eq!(loaded.session.domains[0].name, "a.test.");
        assert_eq!(loaded.session.selected, 0);
    }
}
