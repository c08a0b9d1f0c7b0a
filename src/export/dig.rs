//! `dig` commands that repeat a lookup against the same upstream.
//!
//! One command per query, so each line can be pasted and run alone. Names
//! are written in master-file syntax (dig reads `\DDD` as decimal, like
//! every BIND tool) and single-quoted for the shell when they hold anything
//! but letters, digits, `.`, `-` and `_`.

use std::net::{IpAddr, SocketAddr};

use super::zone::master_file_name;
use super::{Part, Scope};
use crate::mx::escape::visible;
use crate::mx::{Address, Family, MxHost, Outcome};

/// Where the `serve-demo` subcommand listens by default.
const DEMO_LISTEN: &str = "127.0.0.1:5353";

/// The `@server` and `-p port` arguments for a resolver label.
fn server_args(resolver: &str) -> String {
    if resolver == "system" {
        return String::new();
    }
    let resolver = if resolver == "demo" {
        DEMO_LISTEN
    } else {
        resolver
    };
    let (ip, port) = if let Ok(sa) = resolver.parse::<SocketAddr>() {
        (sa.ip().to_string(), sa.port())
    } else if let Ok(ip) = resolver.trim_matches(['[', ']']).parse::<IpAddr>() {
        (ip.to_string(), 53)
    } else {
        return format!(" @{}", shell_quote(&visible(resolver)));
    };
    if port == 53 {
        format!(" @{ip}")
    } else {
        format!(" @{ip} -p {port}")
    }
}

/// `s` as one shell word: bare when it is plainly safe, else single-quoted.
pub(super) fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'/'));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A name as a dig argument: master-file form without the final dot.
fn dig_name(name: &str) -> String {
    let written = master_file_name(name).unwrap_or_else(|| visible(name).into_owned());
    let bare = if written == "." {
        written.as_str()
    } else {
        written.strip_suffix('.').unwrap_or(&written)
    };
    shell_quote(bare)
}

struct Commands {
    server: String,
    lines: Vec<String>,
}

impl Commands {
    fn query(&mut self, name: &str, rtype: &str) {
        let name = dig_name(name);
        // A name that starts with '-' would be read as an option.
        let flag = if name.trim_start_matches('\'').starts_with('-') {
            "-q "
        } else {
            ""
        };
        let line = format!("dig +noall +answer {flag}{name} {rtype}{}", self.server);
        // An exchange listed in several records is queried once.
        if !self.lines.contains(&line) {
            self.lines.push(line);
        }
    }

    fn addresses(&mut self, host: &MxHost) {
        if !host.is_null() {
            self.query(&host.exchange, "A");
            self.query(&host.exchange, "AAAA");
            for a in &host.addresses {
                self.reverse(a);
            }
        }
    }

    /// `dig -x` for an address whose reverse DNS was looked up.
    fn reverse(&mut self, a: &Address) {
        if a.ptr.is_some() {
            let line = format!("dig +noall +answer -x {}{}", a.ip, self.server);
            if !self.lines.contains(&line) {
                self.lines.push(line);
            }
        }
    }
}

pub(super) fn render(part: &Part) -> String {
    let report = part.report;
    let mut cmds = Commands {
        server: server_args(&report.resolver),
        lines: Vec::new(),
    };
    if report.resolver == "demo" {
        cmds.lines.push(format!(
            "# the demo server runs inside mxlens; start it with: mxlens serve-demo --listen {DEMO_LISTEN}"
        ));
    }
    match part.scope {
        Scope::Address(host, a) => {
            cmds.query(
                &host.exchange,
                match a.family {
                    Family::Ipv4 => "A",
                    Family::Ipv6 => "AAAA",
                },
            );
            cmds.reverse(a);
        }
        Scope::Host(host) if report.outcome != Outcome::NullMx => cmds.addresses(host),
        Scope::Host(_) => cmds.query(&report.domain, "MX"),
        Scope::Report => {
            cmds.query(&report.domain, "MX");
            for host in &report.mx {
                cmds.addresses(host);
            }
        }
    }
    let mut out = cmds.lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_forms() {
        assert_eq!(server_args("127.0.0.1:5354"), " @127.0.0.1 -p 5354");
        assert_eq!(server_args("127.0.0.1:53"), " @127.0.0.1");
        assert_eq!(server_args("[::1]:5354"), " @::1 -p 5354");
        assert_eq!(server_args("::1"), " @::1");
        assert_eq!(server_args("system"), "");
        assert_eq!(server_args("demo"), " @127.0.0.1 -p 5353");
        assert_eq!(server_args("odd name"), " @'odd name'");
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("example.test"), "example.test");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(dig_name("e\u{1b}[31m.test."), r"'e\027\[31m.test'");
        assert_eq!(dig_name("."), ".");
    }
}
