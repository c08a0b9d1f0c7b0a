//! End to end over the real DNS layer: every demo domain is looked up
//! against the in-process demo server, and the `dig` commands of its
//! export, run with the real `dig` against that server, print exactly the
//! records its `zone` export holds — hostile names included.

mod support;

use std::collections::BTreeSet;
use std::process::Command;

use mxlens::dns::demo::{DEMO_DOMAINS, DemoServer};
use mxlens::dns::lookup::mx_report;
use mxlens::dns::upstream::{LookupOptions, Upstream};
use mxlens::export::{ExportFormat, Selection, render};
use support::fixtures::decode_name;

/// (owner octets, ttl, type, data with names decoded)
type Rec = (Vec<Vec<u8>>, u32, String, String);

/// Reads `owner ttl IN TYPE data` lines (zone export or dig answers),
/// skipping comments and anything but MX, A and AAAA.
fn records(text: &str) -> BTreeSet<Rec> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.is_empty() || f[0].starts_with(';') || f.len() < 5 {
            continue;
        }
        let data = match f[3] {
            "MX" => format!("{} {:?}", f[4], decode_name(f[5], &[])),
            "A" | "AAAA" => f[4].to_string(),
            _ => continue,
        };
        out.insert((
            decode_name(f[0], &[]),
            f[1].parse().unwrap(),
            f[3].to_string(),
            data,
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dig_commands_print_the_zone_lines() {
    if Command::new("dig").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "a tool this test needs is missing under CI"
        );
        eprintln!("skipped: dig is not installed (Debian package bind9-dnsutils)");
        return;
    }
    let server = DemoServer::start().await.unwrap();
    let upstream = Upstream::server(server.addr(), &LookupOptions::default());
    let mut hostile_seen = false;
    let mut compared = 0;
    for domain in DEMO_DOMAINS {
        let report = mx_report(&upstream, domain).await;
        let zone = render(&Selection::Report(&report), ExportFormat::Zone).text;
        let dig = render(&Selection::Report(&report), ExportFormat::Dig).text;
        let script: String = dig
            .lines()
            .map(|l| format!("{l} +tries=1 +time=2\n"))
            .collect();
        let out = tokio::task::spawn_blocking(move || {
            Command::new("sh").arg("-c").arg(script).output().unwrap()
        })
        .await
        .unwrap();
        let printed = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            records(&printed),
            records(&zone),
            "{domain}: dig printed\n{printed}\nthe zone export is\n{zone}\nthe commands:\n{dig}"
        );
        compared += records(&zone).len();
        if zone.contains(r"\027\[31m\007") {
            hostile_seen = true;
        }
    }
    assert!(hostile_seen, "the demo's hostile exchange went through");
    assert!(compared >= 30, "only {compared} records compared");
}
