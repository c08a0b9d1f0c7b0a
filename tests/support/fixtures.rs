//! Demo-like reports for the export tests, built by hand so every field is
//! known: an ordinary MX set, a null MX, an implicit MX, an aliased
//! exchange, IPv6 only behind an IPv6 resolver, hostile names, NXDOMAIN and
//! a failed lookup.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use mxlens::mx::{
    Address, AddressStatus, Finding, LookupError, MxHost, MxReport, Outcome, Severity,
};

/// The hostile exchange: an SGR sequence and a BEL inside the first label.
pub const HOSTILE_EXCHANGE: &str = "mx\u{1b}[31m\u{7}.hostile.test.";

/// A first label holding a dot, a backslash and the octet 233, written the
/// way the DNS layer writes names (`\.`, `\\`, decimal `\DDD`).
pub const ESCAPED_EXCHANGE: &str = r"dot\.in\\label\233.hostile.test.";

fn host(pref: u16, exchange: &str, ttl: u32, addrs: &[(&str, u32)]) -> MxHost {
    let mut h = MxHost::new(pref, exchange, ttl);
    h.addresses = addrs
        .iter()
        .map(|(ip, ttl)| Address::new(ip.parse().unwrap(), *ttl))
        .collect();
    if h.addresses.is_empty() {
        h.address_status = AddressStatus::Nodata;
    }
    h
}

fn finding(
    code: &str,
    severity: Severity,
    subject: &str,
    message: &str,
    reference: &str,
) -> Finding {
    Finding {
        code: code.into(),
        severity,
        subject: subject.into(),
        message: message.into(),
        reference: reference.into(),
    }
}

fn report(domain: &str, resolver: &str, outcome: Outcome, mx: Vec<MxHost>) -> MxReport {
    let mut r = MxReport::new(domain, resolver);
    r.outcome = outcome;
    r.elapsed_ms = 1.25;
    r.mx = mx;
    r
}

pub fn example() -> MxReport {
    let mut mx1 = host(
        10,
        "mx1.example.test.",
        300,
        &[("192.0.2.10", 60), ("2001:db8::10", 60)],
    );
    mx1.provider = Some("Example Mail".into());
    let mx2 = host(20, "mx2.example.test.", 300, &[("192.0.2.20", 120)]);
    report(
        "example.test.",
        "127.0.0.1:5354",
        Outcome::Mx,
        vec![mx1, mx2],
    )
}

pub fn null_mx() -> MxReport {
    let mut h = MxHost::new(0, ".", 3600);
    h.address_status = AddressStatus::Ok;
    let mut r = report("nullmx.test.", "127.0.0.1:5354", Outcome::NullMx, vec![h]);
    r.findings.push(finding(
        "null-mx",
        Severity::Info,
        "nullmx.test.",
        "the domain accepts no mail",
        "RFC 7505",
    ));
    r
}

pub fn implicit() -> MxReport {
    let h = host(
        0,
        "implicit.test.",
        0,
        &[("192.0.2.30", 300), ("2001:db8::30", 300)],
    );
    let mut r = report(
        "implicit.test.",
        "127.0.0.1:5354",
        Outcome::Implicit,
        vec![h],
    );
    r.findings.push(finding(
        "implicit-mx",
        Severity::Warning,
        "implicit.test.",
        "no MX RRset; senders fall back to the domain's A/AAAA",
        "RFC 5321 §5.1",
    ));
    r
}

pub fn cname() -> MxReport {
    let mut h = host(10, "mail.cname.test.", 300, &[("192.0.2.40", 600)]);
    h.cname = vec!["real.cname.test.".into()];
    let mut r = report("cname.test.", "127.0.0.1:5354", Outcome::Mx, vec![h]);
    r.findings.push(finding(
        "mx-target-cname",
        Severity::Error,
        "mail.cname.test.",
        "the exchange is an alias",
        "RFC 2181 §10.3",
    ));
    r
}

pub fn ipv6() -> MxReport {
    let v6 = host(5, "mx.v6only.test.", 300, &[("2001:db8::50", 300)]);
    let mut gone = host(10, "gone.v6only.test.", 300, &[]);
    gone.address_status = AddressStatus::Nxdomain;
    report("v6only.test.", "[::1]:5354", Outcome::Mx, vec![v6, gone])
}

pub fn hostile() -> MxReport {
    let mut evil = host(10, HOSTILE_EXCHANGE, 300, &[("192.0.2.66", 60)]);
    evil.provider = Some("Evil, \"Inc\"".into());
    let mut formula = host(20, "-x|y`z.hostile.test.", 300, &[("192.0.2.67", 60)]);
    formula.provider = Some("=HYPERLINK(\"http://x.test\")".into());
    let escaped = host(30, ESCAPED_EXCHANGE, 300, &[("192.0.2.68", 60)]);
    let mut r = report(
        "hostile.test.",
        "127.0.0.1:5354",
        Outcome::Mx,
        vec![evil, formula, escaped],
    );
    r.findings.push(finding(
        "mx-target-invalid-hostname",
        Severity::Warning,
        HOSTILE_EXCHANGE,
        "the exchange is not a valid host name",
        "RFC 1123 §2.1",
    ));
    r
}

/// The domain itself is an alias; its MX records belong to the target.
pub fn aliased_domain() -> MxReport {
    let h = host(10, "mx.target.test.", 300, &[("192.0.2.70", 300)]);
    let mut r = report("alias.test.", "127.0.0.1:5354", Outcome::Mx, vec![h]);
    r.domain_cname = vec!["target.test.".into()];
    r
}

pub fn nxdomain() -> MxReport {
    let mut r = report(
        "nxdomain.test.",
        "127.0.0.1:5354",
        Outcome::Nxdomain,
        vec![],
    );
    r.findings.push(finding(
        "nxdomain",
        Severity::Error,
        "nxdomain.test.",
        "the domain does not exist",
        "RFC 1035",
    ));
    r
}

pub fn broken() -> MxReport {
    let mut r = report("broken.test.", "system", Outcome::Error, vec![]);
    r.error = Some(LookupError::Timeout);
    r
}

/// Every report, with a short name for golden files.
pub fn all() -> Vec<(&'static str, MxReport)> {
    vec![
        ("example", example()),
        ("nullmx", null_mx()),
        ("implicit", implicit()),
        ("cname", cname()),
        ("ipv6", ipv6()),
        ("hostile", hostile()),
        ("alias", aliased_domain()),
        ("nxdomain", nxdomain()),
        ("broken", broken()),
    ]
}

/// Whether `text` holds a control character other than `\n`, `\t`, or (with
/// `crlf`) a CR directly before LF.
pub fn has_stray_control(text: &str, crlf: bool) -> Option<(usize, char)> {
    text.char_indices().find(|&(i, c)| {
        mxlens::mx::escape::is_unsafe(c)
            && c != '\n'
            && c != '\t'
            && !(crlf && c == '\r' && text[i + 1..].starts_with('\n'))
    })
}

/// Decodes a master-file name (RFC 1035 §5.1: `\DDD` decimal, `\X`) into
/// its labels' octets. Relative names get `origin` appended.
pub fn decode_name(text: &str, origin: &[Vec<u8>]) -> Vec<Vec<u8>> {
    if text == "." {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let mut labels = Vec::new();
    let mut label = Vec::new();
    let mut i = 0;
    let mut absolute = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let ddd = std::str::from_utf8(&bytes[i + 1..i + 4]).unwrap();
                label.push(ddd.parse::<u8>().expect("\\DDD is at most 255"));
                i += 4;
            }
            b'\\' => {
                label.push(bytes[i + 1]);
                i += 2;
            }
            b'.' => {
                labels.push(std::mem::take(&mut label));
                absolute = i + 1 == bytes.len();
                i += 1;
            }
            b => {
                label.push(b);
                i += 1;
            }
        }
    }
    if !label.is_empty() {
        labels.push(label);
    }
    if !absolute {
        labels.extend(origin.iter().cloned());
    }
    labels
}
