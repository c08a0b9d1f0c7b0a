//! Golden files for every format: whole reports, one host, one address,
//! and `render_many`. Run with `MXLENS_BLESS=1` to rewrite the files after a
//! deliberate change, then review the diff.

mod support;

use std::path::PathBuf;

use mxlens::export::{ExportFormat, Selection, render, render_many};

use support::fixtures::has_stray_control;

fn extension(fmt: ExportFormat) -> &'static str {
    match fmt {
        ExportFormat::Zone => "zone",
        ExportFormat::Dig => "sh",
        ExportFormat::Json => "json",
        ExportFormat::Csv => "csv",
        ExportFormat::Markdown => "md",
        ExportFormat::Text => "txt",
    }
}

/// Compares `got` with the golden file, or writes it when blessing.
fn golden(name: &str, got: &str) -> Result<(), String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/export")
        .join(name);
    if std::env::var_os("MXLENS_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return Ok(());
    }
    let want = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: {e} (run with MXLENS_BLESS=1 to create it)",
            path.display()
        )
    })?;
    if want == got {
        Ok(())
    } else {
        Err(format!(
            "{name} differs from its golden file\n--- want\n{want}\n--- got\n{got}"
        ))
    }
}

fn check_all(cases: Vec<(String, String)>) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, text)| golden(name, text).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn whole_reports() {
    let mut cases = Vec::new();
    for (name, report) in support::fixtures::all() {
        for &fmt in ExportFormat::all() {
            let out = render(&Selection::Report(&report), fmt);
            let crlf = fmt == ExportFormat::Csv;
            assert_eq!(
                has_stray_control(&out.text, crlf),
                None,
                "{name} as {fmt} lets a control character through:\n{}",
                out.text
            );
            cases.push((format!("{name}.{}", extension(fmt)), out.text));
        }
    }
    check_all(cases);
}

#[test]
fn one_host_and_one_address() {
    let mut cases = Vec::new();
    for (name, report) in support::fixtures::all() {
        if report.mx.is_empty() {
            continue;
        }
        let last = report.mx.len() - 1;
        for &fmt in ExportFormat::all() {
            let host = render(&Selection::Host(&report, last), fmt);
            cases.push((format!("{name}.host.{}", extension(fmt)), host.text));
            if !report.mx[0].addresses.is_empty() {
                let last_addr = report.mx[0].addresses.len() - 1;
                let addr = render(&Selection::Address(&report, 0, last_addr), fmt);
                assert_eq!(addr.record_count, 1);
                cases.push((format!("{name}.address.{}", extension(fmt)), addr.text));
            }
        }
    }
    check_all(cases);
}

#[test]
fn many_reports() {
    let reports: Vec<_> = support::fixtures::all()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let mut cases = Vec::new();
    for &fmt in ExportFormat::all() {
        cases.push((
            format!("all.{}", extension(fmt)),
            render_many(&reports, fmt),
        ));
    }
    check_all(cases);
}

#[test]
fn csv_has_one_header_for_many_reports() {
    let reports: Vec<_> = support::fixtures::all()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let csv = render_many(&reports, ExportFormat::Csv);
    assert_eq!(csv.matches("domain,preference,exchange").count(), 1);
    assert!(csv.starts_with("domain,preference,exchange,ttl,ip,family,address_ttl,provider\r\n"));
}

#[test]
fn json_lines_parse_back_to_the_reports() {
    let reports: Vec<_> = support::fixtures::all()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let text = render_many(&reports, ExportFormat::Json);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), reports.len());
    for (line, report) in lines.iter().zip(&reports) {
        let back: mxlens::mx::MxReport = serde_json::from_str(line).unwrap();
        assert_eq!(&back.mx, &report.mx);
        assert_eq!(back.domain, report.domain);
        assert_eq!(back.outcome, report.outcome);
    }
}

#[test]
fn json_sub_objects_are_the_contract_objects() {
    let r = support::fixtures::example();
    let host = render(&Selection::Host(&r, 0), ExportFormat::Json);
    let back: mxlens::mx::MxHost = serde_json::from_str(&host.text).unwrap();
    assert_eq!(back, r.mx[0]);
    let addr = render(&Selection::Address(&r, 0, 1), ExportFormat::Json);
    let back: mxlens::mx::Address = serde_json::from_str(&addr.text).unwrap();
    assert_eq!(back, r.mx[0].addresses[1]);
    let hostile = support::fixtures::hostile();
    let out = render(&Selection::Report(&hostile), ExportFormat::Json);
    let back: mxlens::mx::MxReport = serde_json::from_str(&out.text).unwrap();
    assert_eq!(back.mx[0].exchange, support::fixtures::HOSTILE_EXCHANGE);
}

#[test]
fn summaries_count_what_the_text_holds_in_each_format() {
    let r = support::fixtures::example();
    let sum = |sel: Selection, fmt| render(&sel, fmt).summary;
    let zone = render(&Selection::Report(&r), ExportFormat::Zone);
    assert_eq!(zone.record_count, 5, "2 MX + 3 addresses");
    assert_eq!(zone.summary, "5 records as zone lines");
    // mx1 has two addresses: two CSV rows, not "3 records as CSV".
    assert_eq!(
        sum(Selection::Host(&r, 0), ExportFormat::Csv),
        "2 rows as CSV"
    );
    assert_eq!(
        sum(Selection::Report(&r), ExportFormat::Csv),
        "3 rows as CSV"
    );
    assert_eq!(
        sum(Selection::Address(&r, 0, 0), ExportFormat::Csv),
        "1 row as CSV"
    );
    assert_eq!(
        sum(Selection::Host(&r, 1), ExportFormat::Dig),
        "2 dig commands"
    );
    assert_eq!(
        sum(Selection::Report(&r), ExportFormat::Dig),
        "5 dig commands"
    );
    assert_eq!(
        sum(Selection::Report(&r), ExportFormat::Json),
        "the report as JSON"
    );
    assert_eq!(
        sum(Selection::Host(&r, 0), ExportFormat::Json),
        "the host as JSON"
    );
    assert_eq!(
        sum(Selection::Address(&r, 0, 1), ExportFormat::Json),
        "the address as JSON"
    );
    assert_eq!(
        sum(Selection::Report(&r), ExportFormat::Markdown),
        "a Markdown table of 2 rows"
    );
    let text = render(&Selection::Report(&r), ExportFormat::Text);
    assert_eq!(text.text.lines().count(), 5, "{}", text.text);
    assert_eq!(text.summary, "5 lines of text");

    let implicit = support::fixtures::implicit();
    let out = render(&Selection::Report(&implicit), ExportFormat::Zone);
    assert_eq!(out.record_count, 2, "no MX record, two addresses");
    assert_eq!(out.summary, "2 records as zone lines");

    // No record at all: the paste is a comment, and the summary says so.
    for report in [support::fixtures::nxdomain(), support::fixtures::broken()] {
        let out = render(&Selection::Report(&report), ExportFormat::Zone);
        assert!(out.text.starts_with("; "), "{}", out.text);
        assert_eq!(out.record_count, 0);
        assert_eq!(out.summary, "a comment (no records) as zone lines");
        assert_eq!(
            sum(Selection::Report(&report), ExportFormat::Markdown),
            "a Markdown note (no table)"
        );
        assert_eq!(
            sum(Selection::Report(&report), ExportFormat::Csv),
            "1 row as CSV",
            "the row that names the domain"
        );
    }
}

#[test]
fn an_exchange_listed_twice_is_counted_as_pasted() {
    use mxlens::mx::{Address, MxHost, MxReport, Outcome};
    let mut r = MxReport::new("shared.test.", "127.0.0.1:5354");
    r.outcome = Outcome::Mx;
    for (pref, name, ip) in [
        (10, "mx.shared.test.", "192.0.2.120"),
        (20, "backup1.shared.test.", "198.51.100.121"),
        (20, "backup2.shared.test.", "198.51.100.121"),
        (30, "backup1.shared.test.", "198.51.100.121"),
    ] {
        let mut h = MxHost::new(pref, name, 300);
        h.addresses.push(Address::new(ip.parse().unwrap(), 300));
        r.mx.push(h);
    }
    let zone = render(&Selection::Report(&r), ExportFormat::Zone);
    assert_eq!(zone.text.lines().count(), 7, "{}", zone.text);
    assert_eq!(zone.record_count, 7, "4 MX + 3 distinct address records");
    assert_eq!(zone.summary, "7 records as zone lines");
    // Every format tells the same number of DNS records.
    for &fmt in ExportFormat::all() {
        assert_eq!(render(&Selection::Report(&r), fmt).record_count, 7, "{fmt}");
    }
    // Each MX record is a CSV row, so the duplicate's address repeats there.
    assert_eq!(
        render(&Selection::Report(&r), ExportFormat::Csv).summary,
        "4 rows as CSV"
    );
}
