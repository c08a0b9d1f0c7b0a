//! Hand-built reports and helpers shared by the TUI tests.
#![allow(dead_code, reason = "each test crate uses a different subset")]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mxlens::mx::{
    Address, AddressStatus, Finding, LookupError, MxHost, MxReport, Outcome, Severity,
};
use mxlens::tui::state::{App, Cmd, Msg};
use mxlens::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub fn host(pref: u16, name: &str, ips: &[&str]) -> MxHost {
    let mut h = MxHost::new(pref, name, 300);
    for ip in ips {
        h.addresses.push(Address::new(ip.parse().unwrap(), 60));
    }
    if ips.is_empty() {
        h.address_status = AddressStatus::Nxdomain;
    }
    h
}

pub fn finding(code: &str, severity: Severity, subject: &str, message: &str, rfc: &str) -> Finding {
    Finding {
        code: code.into(),
        severity,
        subject: subject.into(),
        message: message.into(),
        reference: rfc.into(),
    }
}

/// Primary and backup: the classic two-tier setup.
pub fn two_tier() -> MxReport {
    let mut r = MxReport::new("two.test.", "127.0.0.1:5354");
    r.outcome = Outcome::Mx;
    r.mx = vec![
        host(10, "mx1.two.test.", &["192.0.2.10", "2001:db8::10"]),
        host(20, "backup.two.test.", &["192.0.2.20"]),
    ];
    r.mx[0].provider = Some("Example Mail".into());
    r
}

/// Three equal-preference hosts and a backup.
pub fn shuffled() -> MxReport {
    let mut r = MxReport::new("tier.test.", "127.0.0.1:5354");
    r.outcome = Outcome::Mx;
    r.mx = vec![
        host(10, "a.tier.test.", &["192.0.2.1"]),
        host(10, "b.tier.test.", &["192.0.2.2"]),
        host(10, "c.tier.test.", &["192.0.2.3"]),
        host(20, "backup.tier.test.", &[]),
    ];
    r.findings = vec![
        finding(
            "mx-target-nxdomain",
            Severity::Error,
            "backup.tier.test.",
            "backup.tier.test. does not exist",
            "RFC 5321 §5.1",
        ),
        finding(
            "no-ipv6",
            Severity::Info,
            "tier.test.",
            "no exchange has an AAAA address",
            "RFC 3596",
        ),
    ];
    r
}

/// A lookup that timed out.
pub fn failed(domain: &str) -> MxReport {
    let mut r = MxReport::new(domain, "127.0.0.1:5354");
    r.outcome = Outcome::Error;
    r.error = Some(LookupError::Timeout);
    r.findings = vec![finding(
        "lookup-failed",
        Severity::Error,
        domain,
        "the MX query timed out",
        "RFC 5321 §5.1",
    )];
    r
}

/// Names carrying an escape sequence and a bell, as a hostile zone could.
pub fn hostile() -> MxReport {
    let mut r = MxReport::new("evil.test.", "127.0.0.1:5354");
    r.outcome = Outcome::Mx;
    r.mx = vec![host(10, "mx\u{1b}[31m\u{7}.evil.test.", &["192.0.2.66"])];
    r.mx[0].provider = Some("\u{1b}]52;c;AAAA\u{7}".into());
    r.findings = vec![finding(
        "mx-target-invalid-hostname",
        Severity::Warning,
        "mx\u{1b}[31m\u{7}.evil.test.",
        "mx\u{1b}[31m\u{7}.evil.test. is not a valid host name",
        "RFC 952",
    )];
    r
}

pub fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// An app whose lookups for `reports` have all answered, at 80×24.
pub fn loaded(reports: Vec<MxReport>) -> App {
    let names = reports.iter().map(|r| r.domain.clone()).collect();
    let mut app = App::new("127.0.0.1:5354", names, Theme::mono());
    app.update(Msg::Resize(80, 24));
    let cmds = app.start();
    for (cmd, r) in cmds.into_iter().zip(reports) {
        let Cmd::Lookup { generation, .. } = cmd else {
            panic!("expected lookups")
        };
        app.update(Msg::Report {
            generation,
            upstream: 0,
            report: Box::new(r),
        });
    }
    app
}

/// The screen as text, one line per row, right-trimmed.
pub fn screen(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| mxlens::tui::ui::render(f, app)).unwrap();
    buffer_text(t.backend().buffer())
}

pub fn buffer_text(b: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..b.area.height {
        let mut line = String::new();
        for x in 0..b.area.width {
            line.push_str(b[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A Google Workspace-like setup: five exchanges of two addresses each in
/// three tiers (preferences 1, 5, 10).
pub fn workspace() -> MxReport {
    let mut r = MxReport::new("workspace.test.", "127.0.0.1:5354");
    r.outcome = Outcome::Mx;
    let names = [
        (1, "aspmx.l.google.test."),
        (5, "alt1.aspmx.l.google.test."),
        (5, "alt2.aspmx.l.google.test."),
        (10, "alt3.aspmx.l.google.test."),
        (10, "alt4.aspmx.l.google.test."),
    ];
    r.mx = names
        .iter()
        .enumerate()
        .map(|(i, (p, n))| {
            let v4 = format!("192.0.2.{}", 101 + i);
            let v6 = format!("2001:db8:4::{}", 101 + i);
            let mut h = host(*p, n, &[&v4, &v6]);
            h.provider = Some("Google Workspace".into());
            h
        })
        .collect();
    r
}

/// One exchange listed twice (preferences 20 and 30), as shared.example.
pub fn duplicated() -> MxReport {
    let mut r = MxReport::new("shared.test.", "127.0.0.1:5354");
    r.outcome = Outcome::Mx;
    r.mx = vec![
        host(10, "mx.shared.test.", &["192.0.2.120"]),
        host(20, "backup1.shared.test.", &["198.51.100.121"]),
        host(20, "backup2.shared.test.", &["198.51.100.122"]),
        host(30, "backup1.shared.test.", &["198.51.100.121"]),
    ];
    r
}

/// Five findings, one with a message longer than any pane.
pub fn many_findings() -> MxReport {
    let mut r = two_tier();
    r.domain = "findings.test.".into();
    r.findings = (0..4)
        .map(|i| {
            finding(
                &format!("code-{i}"),
                Severity::Error,
                "mx1.two.test.",
                &format!("error number {i}"),
                "RFC 5321 §5.1",
            )
        })
        .collect();
    r.findings.push(finding(
        "long-message",
        Severity::Warning,
        "backup.two.test.",
        "this message is far longer than the findings pane is wide, so the table cuts it and Enter shows the whole of it, ending with THE-END",
        "RFC 7505 §3",
    ));
    r
}

/// The rows inside the frame of the pane whose title contains `title`.
pub fn pane_text(screen: &str, title: &str) -> Vec<String> {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let title: Vec<char> = title.chars().collect();
    let found = lines.iter().enumerate().find_map(|(y, l)| {
        l.windows(title.len())
            .position(|w| w == title.as_slice())
            .map(|x| (y, x))
    });
    let Some((top, x)) = found else {
        panic!("no pane titled {title:?}:\n{screen}");
    };
    let row = &lines[top];
    let left = row[..x]
        .iter()
        .rposition(|c| matches!(c, '╭' | '┏'))
        .unwrap();
    let right = x + row[x..]
        .iter()
        .position(|c| matches!(c, '╮' | '┓'))
        .unwrap();
    lines[top + 1..]
        .iter()
        .take_while(|l| matches!(l.get(left), Some('│' | '┃')))
        .map(|l| l[left + 1..right.min(l.len())].iter().collect::<String>())
        .collect()
}
