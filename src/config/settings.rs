//! The settings in effect: the configuration file merged with the command
//! line (flags win), each value with where it came from, and their TOML
//! rendering for `mxlens config`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::{At, Config, PathOrigin};
use crate::dns::upstream::{LookupOptions, UpstreamSpec};
use crate::mx::failover::Profile;
use crate::text::ColorChoice;
use crate::tui::keymap::{Action, BINDINGS, Key};
use crate::tui::keyspec::{ACTIONS, action_name, key_name};
use crate::tui::theme::ThemeName;

/// The default wait for each DNS try, in seconds.
pub const DEFAULT_TIMEOUT_S: f64 = 2.0;

/// What the command line says about settings the file can hold; `None`
/// (or empty) where it says nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flags {
    pub demo: bool,
    /// `--demo-resolvers`: a second demo resolver (the demo migration).
    pub demo_resolvers: bool,
    /// `--resolver` and `@server`, in order.
    pub resolvers: Vec<SocketAddr>,
    pub timeout: Option<f64>,
    pub color: Option<ColorChoice>,
    /// `simulate --profile` and its overrides.
    pub profile: Option<String>,
    /// `simulate --sender-family`.
    pub sender_family: Option<crate::mx::failover::profile::SenderFamily>,
    pub address_limit: Option<u32>,
    pub connect_timeout: Option<f64>,
    pub min_backoff: Option<f64>,
    pub max_backoff: Option<f64>,
    pub queue_lifetime: Option<f64>,
    /// `--trust-anchor` and `--ca-file` (the security lookups).
    pub trust_anchor: Option<PathBuf>,
    pub ca_file: Option<PathBuf>,
    /// `check --security` (`Some(true)`) or `--no-security` (`Some(false)`).
    pub security: Option<bool>,
    /// `--no-security` (`Some(false)`): the TUI runs no security lookups.
    pub tui_security: Option<bool>,
}

/// Where a setting's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// mxlens's built-in default.
    Default,
    /// The configuration file, at this line.
    File(usize),
    /// A command-line flag.
    Flag(&'static str),
}

/// A value and its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

/// Flag first, then the file, then the default.
fn pick<T: Clone>(
    flag: Option<T>,
    name: &'static str,
    file: Option<&At<T>>,
    default: T,
) -> Sourced<T> {
    match (flag, file) {
        (Some(value), _) => Sourced {
            value,
            source: Source::Flag(name),
        },
        (None, Some(at)) => Sourced {
            value: at.value.clone(),
            source: Source::File(at.line),
        },
        (None, None) => Sourced {
            value: default,
            source: Source::Default,
        },
    }
}

/// Like [`pick`] for an override that may be absent everywhere.
fn pick_opt<T: Copy>(
    flag: Option<T>,
    name: &'static str,
    file: Option<&At<T>>,
) -> Sourced<Option<T>> {
    let file = file.map(|at| At {
        value: Some(at.value),
        line: at.line,
    });
    pick(flag.map(Some), name, file.as_ref(), None)
}

/// Everything mxlens runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub config: Config,
    pub demo: bool,
    pub demo_resolvers: bool,
    /// Empty: the system resolver (or the demo with `demo`).
    pub resolvers: Sourced<Vec<SocketAddr>>,
    pub timeout: Sourced<f64>,
    pub theme: Sourced<ThemeName>,
    pub color: Sourced<ColorChoice>,
    /// The sender profile with its overrides applied.
    pub profile: Profile,
    /// Source of the profile's name and of each override, in the order of
    /// [`PROFILE_FIELDS`].
    pub profile_sources: [Source; 6],
    /// The key table: every action with its keys, in help order.
    pub keys: Vec<Sourced<(Action, Vec<Key>)>>,
    /// `--trust-anchor`: DNSSEC anchors instead of the built-in root key.
    pub trust_anchor: Option<PathBuf>,
    /// `--ca-file`: roots trusted for the MTA-STS fetch besides the system's.
    pub ca_file: Option<PathBuf>,
    /// Whether `check` runs the security lookups (`--security`, `[security]
    /// check`).
    pub security: Sourced<bool>,
    /// Sources of `trust_anchor` and `ca_file`, in that order.
    pub security_sources: [Source; 2],
    /// Whether the TUI runs the security lookups for the selected domain
    /// (`[security] tui`, `--no-security`).
    pub tui_security: Sourced<bool>,
}

/// The `[sender]` keys, in file order.
pub const PROFILE_FIELDS: [&str; 6] = [
    "profile",
    "address_limit",
    "connect_timeout",
    "min_backoff",
    "max_backoff",
    "queue_lifetime",
];

impl Settings {
    /// Merges `config` with `flags`. Fails only when a profile override
    /// from the two together makes no sense (e.g. a minimal backoff above
    /// the profile's maximal one).
    pub fn merge(config: Config, flags: &Flags) -> Result<Self, String> {
        let file = &config.file;
        let resolvers = if flags.demo || !flags.resolvers.is_empty() {
            Sourced {
                value: flags.resolvers.clone(),
                source: Source::Flag(if flags.demo { "--demo" } else { "--resolver" }),
            }
        } else {
            pick(None, "--resolver", file.resolvers.as_ref(), Vec::new())
        };
        let timeout = pick(
            flags.timeout,
            "--timeout",
            file.timeout.as_ref(),
            DEFAULT_TIMEOUT_S,
        );
        let theme = pick(None, "", file.theme.as_ref(), ThemeName::default());
        let color = pick(
            flags.color,
            "--color",
            file.color.as_ref(),
            ColorChoice::Auto,
        );
        let s = &file.sender;
        let name = pick(
            flags.profile.clone(),
            "--profile",
            s.profile.as_ref(),
            "rfc".to_string(),
        );
        let limit = pick_opt(
            flags.address_limit,
            "--address-limit",
            s.address_limit.as_ref(),
        );
        let secs = pick_opt::<f64>;
        let connect = secs(
            flags.connect_timeout,
            "--connect-timeout",
            s.connect_timeout.as_ref(),
        );
        let min = secs(flags.min_backoff, "--min-backoff", s.min_backoff.as_ref());
        let max = secs(flags.max_backoff, "--max-backoff", s.max_backoff.as_ref());
        let life = secs(
            flags.queue_lifetime,
            "--queue-lifetime",
            s.queue_lifetime.as_ref(),
        );
        let base = Profile::by_name(&name.value).ok_or_else(|| {
            format!(
                "sender profile \"{}\" is unknown; use rfc, postfix or exim",
                name.value.escape_debug()
            )
        })?;
        let profile = base
            .with_overrides(limit.value, connect.value, min.value, max.value, life.value)
            .map_err(|e| {
                let from: Vec<String> = [&limit.source, &connect.source, &min.source, &max.source]
                    .into_iter()
                    .filter_map(|s| match s {
                        Source::File(line) => Some(format!("line {line}")),
                        _ => None,
                    })
                    .collect();
                match (&config.path, from.is_empty()) {
                    (Some(p), false) => format!(
                        "{e} (sender profile {} with \"{}\" {})",
                        name.value,
                        p.path.display(),
                        from.join(", ")
                    ),
                    _ => e.to_string(),
                }
            })?;
        let profile = match flags.sender_family {
            Some(family) => profile.with_sender_family(family),
            None => profile,
        };
        let keys = ACTIONS
            .iter()
            .map(
                |&action| match file.keys.iter().find(|k| k.value.0 == action) {
                    Some(at) => Sourced {
                        value: at.value.clone(),
                        source: Source::File(at.line),
                    },
                    None => Sourced {
                        value: (action, default_keys(action)),
                        source: Source::Default,
                    },
                },
            )
            .collect();
        let sec = &file.security;
        let flag = if flags.security == Some(false) {
            "--no-security"
        } else {
            "--security"
        };
        let security = pick(flags.security, flag, sec.check.as_ref(), false);
        let tui_security = pick(flags.tui_security, "--no-security", sec.tui.as_ref(), true);
        // A relative path in the file is taken from the file's directory.
        let dir = config
            .path
            .as_ref()
            .and_then(|p| p.path.parent().map(std::path::Path::to_path_buf));
        let from_file = |at: Option<&At<PathBuf>>| {
            at.map(|at| At {
                value: Some(match &dir {
                    Some(d) if at.value.is_relative() => d.join(&at.value),
                    _ => at.value.clone(),
                }),
                line: at.line,
            })
        };
        let anchor = pick(
            flags.trust_anchor.clone().map(Some),
            "--trust-anchor",
            from_file(sec.trust_anchor.as_ref()).as_ref(),
            None,
        );
        let ca = pick(
            flags.ca_file.clone().map(Some),
            "--ca-file",
            from_file(sec.ca_file.as_ref()).as_ref(),
            None,
        );
        Ok(Self {
            demo: flags.demo,
            demo_resolvers: flags.demo_resolvers,
            resolvers,
            timeout,
            theme,
            color,
            profile,
            profile_sources: [
                name.source,
                limit.source,
                connect.source,
                min.source,
                max.source,
                life.source,
            ],
            keys,
            trust_anchor: anchor.value,
            ca_file: ca.value,
            security,
            security_sources: [anchor.source, ca.source],
            tui_security,
            config,
        })
    }

    /// The upstreams lookups go to.
    pub fn upstream_spec(&self) -> UpstreamSpec {
        UpstreamSpec {
            demo: self.demo,
            resolvers: self.resolvers.value.clone(),
            demo_resolvers: self.demo_resolvers,
            options: LookupOptions {
                timeout: Duration::from_secs_f64(self.timeout.value),
                ..LookupOptions::default()
            },
        }
    }

    /// Whether to colour an output that is (or is not) a terminal.
    pub fn color_enabled(&self, terminal: bool) -> bool {
        self.color.value.enabled(terminal)
    }

    /// The named domain lists of the file.
    pub fn lists(&self) -> &BTreeMap<String, At<Vec<String>>> {
        &self.config.file.lists
    }

    /// The key table with the file's overrides, for the TUI.
    pub fn key_table(&self) -> Vec<(Action, Vec<Key>)> {
        self.keys.iter().map(|k| k.value.clone()).collect()
    }
}

fn default_keys(action: Action) -> Vec<Key> {
    BINDINGS
        .iter()
        .filter(|b| b.action == action)
        .flat_map(|b| b.keys.iter().copied())
        .collect()
}

/// A TOML basic string: quotes, backslashes and control characters escaped.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_bidi_control(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A TOML key: bare when it can be, quoted otherwise.
fn toml_key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        s.to_string()
    } else {
        toml_string(s)
    }
}

/// A float TOML reads back as a float (`2.0`, not `2`).
fn toml_float(v: f64) -> String {
    let s = format!("{v:?}");
    if s.contains(['.', 'e', 'E']) {
        s
    } else {
        format!("{s}.0")
    }
}

impl Settings {
    /// The settings as a TOML configuration file, each value followed by a
    /// comment that says where it came from. Reading it back as a
    /// configuration gives the same settings.
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        let file = match &self.config.path {
            Some(p) => {
                let how = match p.origin {
                    PathOrigin::Flag => "given with --config",
                    PathOrigin::Env => "given with MXLENS_CONFIG",
                    PathOrigin::Default => "the default place",
                };
                let found = if self.config.found {
                    "read"
                } else {
                    "not found, defaults apply"
                };
                format!("{} ({how}; {found})", p.path.display())
            }
            None => "none (no home directory)".to_string(),
        };
        let _ = writeln!(out, "# mxlens: the configuration in effect");
        // A comment may hold no control character: the path is escaped.
        let _ = writeln!(out, "# file: {}", crate::mx::escape::visible(&file));
        let src = |s: &Source| match s {
            Source::Default => "default".to_string(),
            Source::File(line) => format!("config line {line}"),
            Source::Flag(f) => format!("flag {f}"),
        };
        let line = |out: &mut String, text: String, from: String| {
            let _ = writeln!(out, "{:<38} # {from}", text);
        };
        if self.demo {
            let _ = writeln!(
                out,
                "# --demo: every lookup goes to the built-in demo server"
            );
        }
        let addrs: Vec<String> = self
            .resolvers
            .value
            .iter()
            .map(|a| toml_string(&a.to_string()))
            .collect();
        let mut from = src(&self.resolvers.source);
        if self.resolvers.value.is_empty() && !self.demo {
            from.push_str(": the system resolver (/etc/resolv.conf)");
        }
        line(
            &mut out,
            format!("resolvers = [{}]", addrs.join(", ")),
            from,
        );
        line(
            &mut out,
            format!("timeout = {}", toml_float(self.timeout.value)),
            src(&self.timeout.source),
        );
        line(
            &mut out,
            format!("theme = {}", toml_string(self.theme.value.name())),
            src(&self.theme.source),
        );
        let mut from = src(&self.color.source);
        if self.color.value == ColorChoice::Auto {
            for var in ["NO_COLOR", "CLICOLOR_FORCE"] {
                if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
                    let _ = write!(from, "; {var} is set");
                }
            }
        }
        line(
            &mut out,
            format!("color = {}", toml_string(self.color.value.name())),
            from,
        );

        let p = &self.profile;
        let s = &self.profile_sources;
        let _ = writeln!(out, "\n[sender]");
        let base = |s: &Source| match s {
            Source::Default => format!("profile {}", p.name),
            other => src(other),
        };
        line(
            &mut out,
            format!("profile = {}", toml_string(&p.name)),
            src(&s[0]),
        );
        line(
            &mut out,
            format!("address_limit = {}", p.address_limit.unwrap_or(0)),
            format!(
                "{}{}",
                base(&s[1]),
                if p.address_limit.is_none() {
                    "; 0: no limit"
                } else {
                    ""
                }
            ),
        );
        let secs = [
            p.connect_timeout_s,
            p.min_backoff_s,
            p.max_backoff_s,
            p.queue_lifetime_s,
        ];
        for (i, v) in secs.into_iter().enumerate() {
            line(
                &mut out,
                format!("{} = {}", PROFILE_FIELDS[i + 2], toml_float(v)),
                base(&s[i + 2]),
            );
        }

        let _ = writeln!(out, "\n[security]");
        line(
            &mut out,
            format!("check = {}", self.security.value),
            src(&self.security.source),
        );
        line(
            &mut out,
            format!("tui = {}", self.tui_security.value),
            src(&self.tui_security.source),
        );
        let paths = [
            (
                "trust_anchor",
                &self.trust_anchor,
                "the built-in root anchor",
            ),
            ("ca_file", &self.ca_file, "the system's roots only"),
        ];
        for (i, (key, value, unset)) in paths.into_iter().enumerate() {
            match value {
                Some(p) => line(
                    &mut out,
                    format!("{key} = {}", toml_string(&p.display().to_string())),
                    src(&self.security_sources[i]),
                ),
                None => {
                    let _ = writeln!(out, "# {key} is not set: {unset}");
                }
            }
        }

        let _ = writeln!(out, "\n[keys]");
        for k in &self.keys {
            let (action, keys) = &k.value;
            let mut names: Vec<String> = Vec::new();
            for k in keys {
                // BackTab with and without shift is one key, written once.
                let name = toml_string(&key_name(k));
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            line(
                &mut out,
                format!("{} = [{}]", action_name(*action), names.join(", ")),
                src(&k.source),
            );
        }

        let _ = writeln!(out, "\n[lists]");
        for (name, list) in self.lists() {
            let domains: Vec<String> = list.value.iter().map(|d| toml_string(d)).collect();
            line(
                &mut out,
                format!("{} = [{}]", toml_key(name), domains.join(", ")),
                src(&Source::File(list.line)),
            );
        }
        out
    }
}
