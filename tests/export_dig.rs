//! dig commands survive the shell: each line, run by `sh` with `dig`
//! replaced by a function that prints its arguments, hands dig the
//! expected name (master-file form, which dig decodes as RFC 1035 decimal
//! escapes), type and server. Running the commands against a real server
//! is the interop suite's part.

mod support;

use std::process::Command;

use mxlens::export::{ExportFormat, Selection, master_file_name, render};

/// The argument vectors `sh` passes to dig for each line of `script`.
fn dig_argvs(script: &str) -> Vec<Vec<String>> {
    let wrapped = format!("dig() {{ printf '%s\\0' \"$@\"; printf '\\n'; }}\n{script}");
    let out = Command::new("sh").arg("-c").arg(&wrapped).output().unwrap();
    assert!(out.status.success(), "sh rejects:\n{script}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            l.split('\0')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

fn bare(name: &str) -> String {
    let m = master_file_name(name).unwrap();
    m.strip_suffix('.').unwrap().to_string()
}

#[test]
fn hostile_names_reach_dig_as_one_escaped_argument() {
    let r = support::fixtures::hostile();
    let text = render(&Selection::Report(&r), ExportFormat::Dig).text;
    let argvs = dig_argvs(&text);
    let evil = bare(support::fixtures::HOSTILE_EXCHANGE);
    assert_eq!(evil, r"mx\027\[31m\007.hostile.test");
    let server = ["@127.0.0.1", "-p", "5354"];
    assert_eq!(
        argvs[0],
        [
            "+noall",
            "+answer",
            "hostile.test",
            "MX",
            server[0],
            server[1],
            server[2]
        ]
    );
    assert_eq!(
        argvs[1],
        [
            "+noall",
            "+answer",
            evil.as_str(),
            "A",
            server[0],
            server[1],
            server[2]
        ]
    );
    let dash = bare("-x|y`z.hostile.test.");
    assert_eq!(
        argvs[3],
        [
            "+noall",
            "+answer",
            "-q",
            dash.as_str(),
            "A",
            server[0],
            server[1],
            server[2]
        ],
        "a name starting with '-' goes behind -q so dig does not take it for an option"
    );
    assert_eq!(argvs.len(), 7);
    assert_eq!(argvs[5][2], r"dot\.in\\label\233.hostile.test");
}

#[test]
fn upstreams_and_selections() {
    let v6 = support::fixtures::ipv6();
    let argvs = dig_argvs(&render(&Selection::Address(&v6, 0, 0), ExportFormat::Dig).text);
    assert_eq!(
        argvs,
        [[
            "+noall",
            "+answer",
            "mx.v6only.test",
            "AAAA",
            "@::1",
            "-p",
            "5354"
        ]]
    );
    let broken = support::fixtures::broken();
    let argvs = dig_argvs(&render(&Selection::Report(&broken), ExportFormat::Dig).text);
    assert_eq!(
        argvs,
        [["+noall", "+answer", "broken.test", "MX"]],
        "system resolver: no @"
    );
    let null = support::fixtures::null_mx();
    let argvs = dig_argvs(&render(&Selection::Host(&null, 0), ExportFormat::Dig).text);
    assert_eq!(argvs[0][2..4], ["nullmx.test", "MX"]);
    let mut demo = support::fixtures::example();
    demo.resolver = "demo".into();
    let text = render(&Selection::Host(&demo, 0), ExportFormat::Dig).text;
    assert!(
        text.starts_with("# the demo server runs inside mxlens"),
        "{text}"
    );
    let argvs = dig_argvs(&text);
    assert_eq!(argvs[0][4..], ["@127.0.0.1", "-p", "5353"]);
}

/// The question name of a DNS query packet, as label octets.
fn qname(packet: &[u8]) -> Vec<Vec<u8>> {
    let mut labels = Vec::new();
    let mut i = 12;
    while packet[i] != 0 {
        let len = packet[i] as usize;
        labels.push(packet[i + 1..i + 1 + len].to_vec());
        i += 1 + len;
    }
    labels
}

#[test]
fn real_dig_sends_the_exact_octets_of_hostile_names() {
    if Command::new("dig").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "a tool this test needs is missing under CI"
        );
        eprintln!("skipped: dig is not installed (Debian package bind9-dnsutils)");
        return;
    }
    let mut r = support::fixtures::hostile();
    let cases = [
        (
            0,
            vec![
                b"mx\x1b[31m\x07".to_vec(),
                b"hostile".to_vec(),
                b"test".to_vec(),
            ],
        ),
        (
            2,
            vec![
                b"dot.in\\label\xe9".to_vec(),
                b"hostile".to_vec(),
                b"test".to_vec(),
            ],
        ),
    ];
    for (host, want) in cases {
        // A loopback socket that records the query and answers it empty.
        let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        r.resolver = sock.local_addr().unwrap().to_string();
        let text = render(&Selection::Host(&r, host), ExportFormat::Dig).text;
        let first = text.lines().next().unwrap().to_string();
        let script = format!("{first} +tries=1 +time=1");
        let dig = std::thread::spawn(move || Command::new("sh").arg("-c").arg(script).output());
        let mut buf = [0u8; 512];
        let (n, from) = sock.recv_from(&mut buf).expect("dig sent no query");
        let query = buf[..n].to_vec();
        // Answer with the question echoed and QR set, so dig ends at once.
        buf[2] |= 0x80;
        let _ = sock.send_to(&buf[..n], from);
        let _ = dig.join();
        assert_eq!(qname(&query), want, "dig decoded {first:?} differently");
    }
}
