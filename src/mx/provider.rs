//! Which mail provider an exchange belongs to, from `assets/providers.toml`.

use std::sync::OnceLock;

use serde::Deserialize;

const RULES_TOML: &str = include_str!("../../assets/providers.toml");

#[derive(Debug, Deserialize)]
struct RuleFile {
    provider: Vec<Rule>,
}

/// One provider and the exchange-name suffixes that identify it.
#[derive(Debug, Clone, Deserialize)]
pub struct Rule {
    pub name: String,
    pub suffixes: Vec<String>,
}

/// The compiled-in rules (parsed once).
pub fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let file: RuleFile =
            toml::from_str(RULES_TOML).expect("assets/providers.toml is valid (tested)");
        file.provider
    })
}

/// The provider of `exchange`, or of the last name of its CNAME chain.
pub fn lookup<'a>(exchange: &str, cname: &[String]) -> Option<&'a str> {
    match_name(exchange).or_else(|| cname.last().and_then(|c| match_name(c)))
}

fn match_name(name: &str) -> Option<&'static str> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let mut best: Option<(&'static str, usize)> = None;
    for rule in rules() {
        for suffix in &rule.suffixes {
            let matches = name == *suffix
                || (name.len() > suffix.len()
                    && name.ends_with(suffix.as_str())
                    && name.as_bytes()[name.len() - suffix.len() - 1] == b'.');
            if matches && best.is_none_or(|(_, len)| suffix.len() > len) {
                best = Some((rule.name.as_str(), suffix.len()));
            }
        }
    }
    best.map(|(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_and_are_well_formed() {
        let rules = rules();
        assert!(rules.len() >= 12);
        for r in rules {
            assert!(!r.suffixes.is_empty(), "{}", r.name);
            for s in &r.suffixes {
                assert_eq!(s, &s.to_ascii_lowercase(), "{s}");
                assert!(!s.starts_with('.') && !s.ends_with('.'), "{s}");
            }
        }
    }

    #[test]
    fn known_layouts() {
        for (exchange, want) in [
            ("aspmx.l.google.com.", "Google Workspace"),
            ("ALT1.ASPMX.L.GOOGLE.COM.", "Google Workspace"),
            ("smtp.google.com.", "Google Workspace"),
            ("contoso-com.mail.protection.outlook.com.", "Microsoft 365"),
            ("mail.protonmail.ch.", "Proton"),
            ("in1-smtp.messagingengine.com.", "Fastmail"),
            ("mx.zoho.eu.", "Zoho"),
            ("mx01.mail.icloud.com.", "iCloud"),
            ("mta5.am0.yahoodns.net.", "Yahoo"),
            ("eu-smtp-inbound-1.mimecast.com.", "Mimecast"),
            ("mx0a-00123.pphosted.com.", "Proofpoint"),
            ("d123.ess.barracudanetworks.com.", "Barracuda"),
            ("route1.mx.cloudflare.net.", "Cloudflare Email Routing"),
            ("inbound-smtp.us-east-1.amazonaws.com.", "Amazon SES"),
        ] {
            assert_eq!(lookup(exchange, &[]), Some(want), "{exchange}");
        }
    }

    #[test]
    fn suffixes_match_whole_labels_only() {
        assert_eq!(lookup("mx.notgoogle.com.", &[]), None);
        assert_eq!(lookup("evilmail.protection.outlook.com.", &[]), None);
        assert_eq!(lookup("mx1.example.test.", &[]), None);
    }

    #[test]
    fn cname_target_counts() {
        let chain = vec!["aspmx.l.google.com.".to_string()];
        assert_eq!(lookup("mx.example.com.", &chain), Some("Google Workspace"));
    }
}
