//! Zone output parses back to the records the report holds: with hickory's
//! master-file parser for ordinary names, and with NSD's `nsd-checkzone`
//! (an independent parser) for every report, hostile names included.
//!
//! hickory 0.26 cannot read the hostile names back: its `Name::parse` reads
//! `\DDD` as octal (hickory-dns issue #3955) and rejects control octets in
//! labels, so those names are checked against NSD and against the
//! RFC 1035 §5.1 decoder below.

mod support;

use support::fixtures::decode_name;

use std::collections::BTreeMap;
use std::process::Command;

use hickory_proto::rr::{Name, RData};
use hickory_proto::serialize::txt::Parser;
use mxlens::export::{ExportFormat, Selection, render, render_many};
use mxlens::mx::{Family, MxHost, MxReport, Outcome};

/// One record in comparable form: (owner octets, ttl, type, data).
type Rec = (Vec<Vec<u8>>, u32, String, String);

/// A report name as label octets. The DNS layer writes names with raw
/// octets below 128 and `\.`, `\\`, `\DDD` escapes, which the master-file
/// decoder reads the same way.
fn report_name(name: &str) -> Vec<Vec<u8>> {
    decode_name(name, &[])
}

fn canonical(host: &MxHost) -> &str {
    host.cname.last().map_or(&host.exchange, String::as_str)
}

/// The records a zone rendering of `hosts` must hold, worked out from the
/// report directly.
fn expected(report: &MxReport, hosts: &[MxHost]) -> Vec<Rec> {
    let mut out = Vec::new();
    let with_mx = matches!(report.outcome, Outcome::Mx | Outcome::NullMx);
    let owner = report.domain_cname.last().unwrap_or(&report.domain);
    for h in hosts {
        if with_mx {
            out.push((
                report_name(owner),
                h.ttl,
                "MX".to_string(),
                format!("{} {:?}", h.preference, report_name(&h.exchange)),
            ));
        }
        for a in &h.addresses {
            let t = match a.family {
                Family::Ipv4 => "A",
                Family::Ipv6 => "AAAA",
            };
            out.push((
                report_name(canonical(h)),
                a.ttl,
                t.to_string(),
                a.ip.to_string(),
            ));
        }
    }
    out.sort();
    out
}

fn hickory_name(n: &Name) -> Vec<Vec<u8>> {
    n.iter().map(<[u8]>::to_vec).collect()
}

/// Parses zone text with hickory's master-file parser.
fn parse_with_hickory(text: &str) -> Vec<Rec> {
    let (_, sets) = Parser::new(text, None, Some(Name::root()))
        .parse()
        .unwrap_or_else(|e| panic!("hickory cannot parse:\n{text}\n{e}"));
    let mut out = Vec::new();
    for set in sets.values() {
        for r in set.records_without_rrsigs() {
            let (t, data) = match &r.data {
                RData::MX(mx) => (
                    "MX",
                    format!("{} {:?}", mx.preference, hickory_name(&mx.exchange)),
                ),
                RData::A(a) => ("A", a.0.to_string()),
                RData::AAAA(a) => ("AAAA", a.0.to_string()),
                other => panic!("unexpected record {other:?}"),
            };
            out.push((hickory_name(&r.name), r.ttl, t.to_string(), data));
        }
    }
    out.sort();
    out
}

#[test]
fn hickory_reads_back_the_same_records() {
    for (name, report) in support::fixtures::all() {
        if name == "hostile" {
            continue;
        }
        let text = render(&Selection::Report(&report), ExportFormat::Zone).text;
        assert_eq!(
            parse_with_hickory(&text),
            expected(&report, &report.mx),
            "{name}:\n{text}"
        );
        for (i, host) in report.mx.iter().enumerate() {
            let text = render(&Selection::Host(&report, i), ExportFormat::Zone).text;
            assert_eq!(
                parse_with_hickory(&text),
                expected(&report, std::slice::from_ref(host)),
                "{name} host {i}:\n{text}"
            );
            for (j, _) in host.addresses.iter().enumerate() {
                let sel = Selection::Address(&report, i, j);
                let text = render(&sel, ExportFormat::Zone).text;
                let mut only = host.clone();
                only.addresses = vec![host.addresses[j].clone()];
                let mut want = expected(&report, std::slice::from_ref(&only));
                want.retain(|r| r.2 != "MX");
                assert_eq!(parse_with_hickory(&text), want, "{name} address:\n{text}");
            }
        }
    }
}

/// Reads `nsd-checkzone -p` output (relative names under `$ORIGIN`, blank
/// owners repeating the previous one) into records.
fn parse_nsd_print(printed: &str) -> Vec<Rec> {
    let mut origin: Vec<Vec<u8>> = Vec::new();
    let mut owner: Vec<Vec<u8>> = Vec::new();
    let mut out = Vec::new();
    for line in printed.lines() {
        if let Some(o) = line.strip_prefix("$ORIGIN ") {
            origin = decode_name(o.trim(), &[]);
            continue;
        }
        if line.starts_with(';') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 5 {
            continue; // the continuation of the SOA record
        }
        if !fields[0].is_empty() {
            owner = decode_name(fields[0], &origin);
        }
        let (ttl, t, data) = (fields[1], fields[3], fields[4]);
        let data = match t {
            "MX" => {
                let (pref, exch) = data.split_once(' ').unwrap();
                format!("{pref} {:?}", decode_name(exch, &origin))
            }
            "A" | "AAAA" => data.to_string(),
            _ => continue,
        };
        out.push((owner.clone(), ttl.parse().unwrap(), t.to_string(), data));
    }
    out.sort();
    out
}

#[test]
fn nsd_checkzone_reads_back_every_report_hostile_names_included() {
    if Command::new("nsd-checkzone").arg("-h").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "a tool this test needs is missing under CI"
        );
        eprintln!("skipped: nsd-checkzone is not installed (Debian package nsd)");
        return;
    }
    let reports: Vec<MxReport> = support::fixtures::all()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("root.zone");
    let zone = format!(
        ". 300 IN SOA ns.invalid. hostmaster.invalid. 1 3600 600 86400 300\n\
         . 300 IN NS ns.invalid.\n{}",
        render_many(&reports, ExportFormat::Zone)
    );
    std::fs::write(&path, &zone).unwrap();
    let out = Command::new("nsd-checkzone")
        .args(["-p", "."])
        .arg(&path)
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "nsd-checkzone rejects the zone:\n{zone}\n{}{printed}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut want: Vec<Rec> = reports.iter().flat_map(|r| expected(r, &r.mx)).collect();
    want.sort();
    assert_eq!(parse_nsd_print(&printed), want, "NSD printed:\n{printed}");
    for name in [
        support::fixtures::HOSTILE_EXCHANGE,
        support::fixtures::ESCAPED_EXCHANGE,
    ] {
        let octets = report_name(name);
        assert!(
            want.iter().any(|r| r.0 == octets),
            "{octets:?} came through NSD intact"
        );
    }
}

#[test]
fn hostile_names_use_decimal_escapes_and_decode_exactly() {
    let report = support::fixtures::hostile();
    let text = render(&Selection::Report(&report), ExportFormat::Zone).text;
    assert!(text.is_ascii() && !text.chars().any(|c| c.is_control() && c != '\n'));
    assert!(text.contains(r"mx\027\[31m\007.hostile.test."), "{text}");
    let mut got = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with(';')) {
        let f: Vec<&str> = line.split_whitespace().collect();
        got.push(decode_name(f[0], &[]));
        if f[3] == "MX" {
            got.push(decode_name(f[5], &[]));
        }
    }
    let evil = report_name(support::fixtures::HOSTILE_EXCHANGE);
    assert_eq!(evil[0], b"mx\x1b[31m\x07");
    assert_eq!(
        got.iter().filter(|n| **n == evil).count(),
        2,
        "MX data and A owner"
    );
}

#[test]
fn comments_explain_what_has_no_record() {
    let by_name: BTreeMap<_, _> = support::fixtures::all().into_iter().collect();
    let zone = |n: &str| render(&Selection::Report(&by_name[n]), ExportFormat::Zone).text;
    assert!(zone("implicit").starts_with("; implicit.test. has no MX record"));
    assert_eq!(
        zone("nxdomain"),
        "; nxdomain.test. does not exist (NXDOMAIN)\n"
    );
    assert!(zone("broken").contains("failed (timeout)"));
    assert!(zone("nullmx").contains("IN MX   0 .\n"));
    assert!(zone("ipv6").contains("; gone.v6only.test. has no address (nxdomain)"));
    assert!(zone("cname").contains("the addresses belong to real.cname.test."));
}
