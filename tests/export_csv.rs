//! CSV output read back with the `csv` crate gives the report's values
//! (names escaped as on screen), with RFC 4180 quoting, CRLF line ends and
//! formula-injection guards.

mod support;

use mxlens::export::{ExportFormat, Selection, render, render_many};
use mxlens::mx::escape::visible;
use mxlens::mx::{Family, MxReport};

fn read(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The spreadsheet guard the export documents: a leading `'` before = + - @.
fn guarded(s: &str) -> String {
    let v = visible(s).into_owned();
    if v.starts_with(['=', '+', '-', '@']) {
        format!("'{v}")
    } else {
        v
    }
}

/// The rows a report must give, worked out from the report directly.
fn expected_rows(r: &MxReport) -> Vec<Vec<String>> {
    if r.mx.is_empty() {
        let mut row = vec![String::new(); 8];
        row[0] = guarded(&r.domain);
        return vec![row];
    }
    let mut rows = Vec::new();
    for h in &r.mx {
        let base = |ip: String, fam: &str, attl: String| {
            vec![
                guarded(&r.domain),
                h.preference.to_string(),
                guarded(&h.exchange),
                h.ttl.to_string(),
                ip,
                fam.to_string(),
                attl,
                guarded(h.provider.as_deref().unwrap_or("")),
            ]
        };
        if h.addresses.is_empty() {
            rows.push(base(String::new(), "", String::new()));
        }
        for a in &h.addresses {
            let fam = match a.family {
                Family::Ipv4 => "ipv4",
                Family::Ipv6 => "ipv6",
            };
            rows.push(base(a.ip.to_string(), fam, a.ttl.to_string()));
        }
    }
    rows
}

#[test]
fn reads_back_to_the_report_values() {
    let reports: Vec<MxReport> = support::fixtures::all()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let text = render_many(&reports, ExportFormat::Csv);
    let (header, rows) = read(&text);
    assert_eq!(
        header,
        [
            "domain",
            "preference",
            "exchange",
            "ttl",
            "ip",
            "family",
            "address_ttl",
            "provider"
        ]
    );
    let want: Vec<Vec<String>> = reports.iter().flat_map(expected_rows).collect();
    assert_eq!(rows, want);
}

#[test]
fn rfc4180_line_ends_and_quoting() {
    let r = support::fixtures::hostile();
    let text = render(&Selection::Report(&r), ExportFormat::Csv).text;
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches("\r\n").count(), text.matches('\n').count());
    assert_eq!(support::fixtures::has_stray_control(&text, true), None);
    assert!(text.contains(r#","Evil, ""Inc""""#), "{text}");
    // The hostile exchange is written visibly, never raw.
    assert!(text.contains(r"mx\027[31m\007.hostile.test."), "{text}");
}

#[test]
fn formula_cells_are_neutralised() {
    let r = support::fixtures::hostile();
    let (_, rows) = read(&render(&Selection::Report(&r), ExportFormat::Csv).text);
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a spreadsheet would run {cell:?} as a formula"
            );
        }
    }
    assert_eq!(rows[1][2], "'-x|y`z.hostile.test.");
    assert_eq!(rows[1][7], "'=HYPERLINK(\"http://x.test\")");
}

#[test]
fn selections_give_their_rows() {
    let r = support::fixtures::example();
    let (_, host) = read(&render(&Selection::Host(&r, 0), ExportFormat::Csv).text);
    assert_eq!(host.len(), 2);
    let (_, one) = read(&render(&Selection::Address(&r, 0, 1), ExportFormat::Csv).text);
    assert_eq!(one.len(), 1);
    assert_eq!(one[0][4], "2001:db8::10");
    let ipv6 = support::fixtures::ipv6();
    let (_, gone) = read(&render(&Selection::Host(&ipv6, 1), ExportFormat::Csv).text);
    assert_eq!(gone.len(), 1, "a host without addresses still has a row");
    assert_eq!(gone[0][4..7], ["", "", ""]);
}
