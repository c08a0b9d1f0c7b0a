//! The file as TOML says it (with spans), checked and turned into [`FileConfig`].

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{At, FileConfig, SecurityConfig, SenderConfig};
use crate::mx::failover::Profile;
use crate::mx::input::parse_domain;
use crate::text::ColorChoice;
use crate::tui::keymap::{Action, BINDINGS, Key};
use crate::tui::keyspec::{action_by_name, action_name, key_name, parse_key, same_press};
use crate::tui::theme::ThemeName;

/// What went wrong, and at which byte of the text.
#[derive(Debug)]
pub struct RawError {
    pub offset: usize,
    pub message: String,
}

fn err<T>(span: Range<usize>, message: String) -> Result<T, RawError> {
    Err(RawError {
        offset: span.start,
        message,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    resolvers: Option<Spanned<Vec<Spanned<String>>>>,
    timeout: Option<Spanned<f64>>,
    theme: Option<Spanned<String>>,
    color: Option<Spanned<String>>,
    sender: Option<RawSender>,
    security: Option<RawSecurity>,
    keys: Option<BTreeMap<Spanned<String>, Spanned<KeyList>>>,
    lists: Option<BTreeMap<Spanned<String>, Spanned<DomainList>>>,
}

/// An action and the keys bound to it.
type Binding = (crate::tui::keymap::Action, Vec<Key>);

/// A named domain list as written, each entry with its place in the file.
type DomainList = Vec<Spanned<String>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSender {
    profile: Option<Spanned<String>>,
    address_limit: Option<Spanned<u32>>,
    connect_timeout: Option<Spanned<f64>>,
    min_backoff: Option<Spanned<f64>>,
    max_backoff: Option<Spanned<f64>>,
    queue_lifetime: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSecurity {
    check: Option<Spanned<bool>>,
    tui: Option<Spanned<bool>>,
    trust_anchor: Option<Spanned<String>>,
    ca_file: Option<Spanned<String>>,
}

/// `add = "n"` or `quit = ["q", "ctrl-c"]`.
#[derive(Deserialize)]
#[serde(untagged)]
enum KeyList {
    One(String),
    Many(Vec<String>),
}

/// Turns a byte span into the line the value starts on; filled in by `parse`.
struct Lines<'a>(&'a str);

impl Lines<'_> {
    fn at<T>(&self, value: T, span: Range<usize>) -> At<T> {
        At {
            value,
            line: super::line_column(self.0, span.start).0,
        }
    }
}

pub fn parse(text: &str) -> Result<FileConfig, RawError> {
    let raw: Raw = toml::from_str(text).map_err(|e| RawError {
        offset: e.span().map_or(0, |s| s.start),
        // serde says "field"; the file has keys. One line, always.
        message: e
            .message()
            .replace("unknown field", "unknown key")
            .replace('\n', " ")
            .trim()
            .to_string(),
    })?;
    let lines = Lines(text);
    let mut cfg = FileConfig::default();
    if let Some(list) = raw.resolvers {
        let mut addrs = Vec::new();
        for s in list.get_ref() {
            match crate::dns::addr::parse_server(s.get_ref()) {
                Ok(a) => addrs.push(a),
                Err(e) => return err(s.span(), format!("resolvers: {e}")),
            }
        }
        cfg.resolvers = Some(lines.at(addrs, list.span()));
    }
    if let Some(t) = raw.timeout {
        let v = *t.get_ref();
        if !(v > 0.0 && v <= 60.0) {
            return err(
                t.span(),
                format!(
                    "timeout {v} is out of range; give seconds between 0 and 60, e.g. 2 or 0.5"
                ),
            );
        }
        cfg.timeout = Some(lines.at(v, t.span()));
    }
    if let Some(t) = raw.theme {
        let Some(name) = ThemeName::by_name(t.get_ref()) else {
            return err(
                t.span(),
                format!(
                    "theme \"{}\" is unknown; use dark, light or mono",
                    t.get_ref().escape_debug()
                ),
            );
        };
        cfg.theme = Some(lines.at(name, t.span()));
    }
    if let Some(c) = raw.color {
        let found = ColorChoice::ALL
            .into_iter()
            .find(|v| v.name().eq_ignore_ascii_case(c.get_ref().trim()));
        let Some(choice) = found else {
            return err(
                c.span(),
                format!(
                    "color \"{}\" is unknown; use auto, always or never",
                    c.get_ref().escape_debug()
                ),
            );
        };
        cfg.color = Some(lines.at(choice, c.span()));
    }
    if let Some(s) = raw.sender {
        cfg.sender = sender(s, &lines)?;
    }
    if let Some(sec) = raw.security {
        cfg.security = security(sec, &lines)?;
    }
    if let Some(keys) = raw.keys {
        cfg.keys = key_overrides(keys, &lines)?;
    }
    for (name, list) in raw.lists.unwrap_or_default() {
        let mut domains = Vec::new();
        for d in list.get_ref() {
            match parse_domain(d.get_ref()) {
                Ok(fqdn) => domains.push(fqdn),
                Err(e) => return err(d.span(), format!("list \"{}\": {e}", name.get_ref())),
            }
        }
        if domains.is_empty() {
            return err(
                list.span(),
                format!(
                    "list \"{}\" is empty; name at least one domain",
                    name.get_ref()
                ),
            );
        }
        let span = name.span();
        cfg.lists.insert(name.into_inner(), lines.at(domains, span));
    }
    Ok(cfg)
}

fn security(s: RawSecurity, lines: &Lines) -> Result<SecurityConfig, RawError> {
    let path = |name: &str, v: Option<Spanned<String>>| -> Result<_, RawError> {
        let Some(v) = v else { return Ok(None) };
        if v.get_ref().trim().is_empty() {
            return err(
                v.span(),
                format!("security.{name} is empty; give the path of a file"),
            );
        }
        let span = v.span();
        Ok(Some(
            lines.at(std::path::PathBuf::from(v.into_inner()), span),
        ))
    };
    Ok(SecurityConfig {
        check: s.check.map(|v| lines.at(*v.get_ref(), v.span())),
        tui: s.tui.map(|v| lines.at(*v.get_ref(), v.span())),
        trust_anchor: path("trust_anchor", s.trust_anchor)?,
        ca_file: path("ca_file", s.ca_file)?,
    })
}

fn sender(s: RawSender, lines: &Lines) -> Result<SenderConfig, RawError> {
    let mut out = SenderConfig::default();
    if let Some(p) = s.profile {
        let Some(profile) = Profile::by_name(p.get_ref()) else {
            return err(
                p.span(),
                format!(
                    "sender profile \"{}\" is unknown; use rfc or postfix",
                    p.get_ref().escape_debug()
                ),
            );
        };
        out.profile = Some(lines.at(profile.name, p.span()));
    }
    out.address_limit = s.address_limit.map(|v| lines.at(*v.get_ref(), v.span()));
    // The same rule as Profile::with_overrides and the simulate flags.
    let seconds = |name: &str, v: Option<Spanned<f64>>| -> Result<Option<At<f64>>, RawError> {
        let Some(v) = v else { return Ok(None) };
        let x = *v.get_ref();
        if x.is_finite() && x > 0.0 && x <= 1e9 {
            Ok(Some(lines.at(x, v.span())))
        } else {
            err(
                v.span(),
                format!(
                    "sender.{name} {x} is not valid; give a positive number of seconds, e.g. 30"
                ),
            )
        }
    };
    let max_span = s.max_backoff.as_ref().map(|v| v.span());
    out.connect_timeout = seconds("connect_timeout", s.connect_timeout)?;
    out.min_backoff = seconds("min_backoff", s.min_backoff)?;
    out.max_backoff = seconds("max_backoff", s.max_backoff)?;
    out.queue_lifetime = seconds("queue_lifetime", s.queue_lifetime)?;
    if let (Some(min), Some(max), Some(span)) = (&out.min_backoff, &out.max_backoff, max_span)
        && min.value > max.value
    {
        return err(
            span,
            format!(
                "sender.max_backoff {} is below sender.min_backoff {}",
                max.value, min.value
            ),
        );
    }
    Ok(out)
}

type KeyEntries = BTreeMap<Spanned<String>, Spanned<KeyList>>;

/// The `[keys]` table: every action must exist, every key must parse, and
/// no key may end up on two actions (counting the defaults the file keeps).
fn key_overrides(keys: KeyEntries, lines: &Lines) -> Result<Vec<At<Binding>>, RawError> {
    let mut entries: Vec<_> = keys.into_iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    let mut out = Vec::new();
    // (key, action, span of the file entry that bound it or None for a default)
    let mut taken: Vec<(Key, Action, Option<Range<usize>>)> = Vec::new();
    for (name, list) in &entries {
        let Some(action) = action_by_name(name.get_ref()) else {
            let all: Vec<&str> = crate::tui::keyspec::ACTIONS
                .iter()
                .map(|a| action_name(*a))
                .collect();
            return err(
                name.span(),
                format!(
                    "unknown action \"{}\" in [keys]; actions are: {}",
                    name.get_ref().escape_debug(),
                    all.join(", ")
                ),
            );
        };
        if out.iter().any(|a: &At<(_, _)>| a.value.0 == action) {
            return err(
                name.span(),
                format!(
                    "action \"{}\" is bound twice in [keys]",
                    action_name(action)
                ),
            );
        }
        let specs: Vec<&String> = match list.get_ref() {
            KeyList::One(s) => vec![s],
            KeyList::Many(v) => v.iter().collect(),
        };
        if specs.is_empty() {
            return err(
                list.span(),
                format!(
                    "\"{}\" has no key; give at least one, e.g. {} = \"{}\"",
                    action_name(action),
                    action_name(action),
                    default_keys(action).first().map_or("q".into(), key_name)
                ),
            );
        }
        let mut parsed = Vec::new();
        for s in specs {
            let k = parse_key(s).map_err(|m| RawError {
                offset: list.span().start,
                message: format!("keys.{}: {m}", action_name(action)),
            })?;
            if let Some((_, other, _)) = taken.iter().find(|(t, _, _)| same_press(t, &k)) {
                if *other == action {
                    // Written twice for the same action: harmless.
                    continue;
                }
                return err(
                    list.span(),
                    format!(
                        "key \"{}\" is bound twice: to {} and to {}",
                        key_name(&k),
                        action_name(*other),
                        action_name(action)
                    ),
                );
            }
            taken.push((k, action, Some(list.span())));
            parsed.push(k);
        }
        out.push(lines.at((action, parsed), list.span()));
    }
    // The defaults of the actions the file leaves alone must not collide.
    for b in BINDINGS {
        if out.iter().any(|a| a.value.0 == b.action) {
            continue;
        }
        for k in b.keys {
            if let Some((_, other, Some(span))) = taken.iter().find(|(t, _, _)| same_press(t, k)) {
                return err(
                    span.clone(),
                    format!(
                        "key \"{}\" is bound twice: to {} here and to {} by default; bind {} to another key too",
                        key_name(k),
                        action_name(*other),
                        action_name(b.action),
                        action_name(b.action)
                    ),
                );
            }
        }
    }
    Ok(out)
}

fn default_keys(action: Action) -> Vec<Key> {
    BINDINGS
        .iter()
        .filter(|b| b.action == action)
        .flat_map(|b| b.keys.iter().copied())
        .collect()
}
