//! Transport security of the selected domain: the compact marks of the
//! hosts pane (`sec`) and the addresses pane (`ptr`), and the security view
//! (`i`) that says the same in words.
//!
//! ```text
//! DNSSEC   MX RRset secure
//! MTA-STS  enforce · max_age 7 d · mx: mx1.a.test.
//! TLS-RPT  mailto:tls@a.test
//!
//! mx1.a.test.  DTM
//!   A secure · AAAA insecure
//!   TLSA found, secure, usable (1 record)
//!   MTA-STS covered
//!   192.0.2.1  ptr mx1.a.test. (confirmed)
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{esc, spinner};
use crate::mx::dnssec::{DnssecStatus, TlsaLookup};
use crate::mx::sts::{StsMode, StsStatus};
use crate::mx::{Address, AddressStatus, MxReport};
use crate::text::simulation::duration;
use crate::tui::keymap::Action;
use crate::tui::layout::{popup, popup_max_scroll};
use crate::tui::security::SecurityState;
use crate::tui::state::{App, Mode};
use crate::tui::theme::Theme;
use crate::tui::wrap::wrap;

/// Widest popup.
const WIDTH: u16 = 86;

/// The DNSSEC status of an exchange's address RRsets, as one mark: `D`
/// both secure, `-` insecure, `?` indeterminate, `!` bogus.
fn dnssec_mark(r: &MxReport, exchange: &str, t: &Theme) -> (char, Style) {
    let Some(e) = r
        .dnssec
        .as_ref()
        .and_then(|d| d.exchanges.iter().find(|e| e.exchange == exchange))
    else {
        return ('?', t.warning);
    };
    let both = [e.a, e.aaaa];
    if both.contains(&DnssecStatus::Bogus) {
        ('!', t.error)
    } else if both.iter().all(|s| *s == DnssecStatus::Secure) {
        ('D', t.ok)
    } else if both.contains(&DnssecStatus::Indeterminate) {
        ('?', t.warning)
    } else {
        ('-', t.dim)
    }
}

/// DANE: `T` usable secure TLSA, `t` TLSA that senders cannot use, `-`
/// none, `!` the lookup failed.
fn tlsa_mark(r: &MxReport, exchange: &str, t: &Theme) -> (char, Style) {
    let Some(h) = r
        .tlsa
        .as_ref()
        .and_then(|v| v.iter().find(|h| h.exchange == exchange))
    else {
        return ('-', t.dim);
    };
    match h.lookup {
        TlsaLookup::Failed => ('!', t.error),
        TlsaLookup::None => ('-', t.dim),
        TlsaLookup::Found if h.dane_usable() => ('T', t.ok),
        TlsaLookup::Found => ('t', t.warning),
    }
}

/// MTA-STS: `M` covered by the policy, `x` not covered (enforcing senders
/// refuse it), `-` no policy in force, `?` a policy that could not be used.
fn sts_mark(r: &MxReport, exchange: &str, t: &Theme) -> (char, Style) {
    let Some(sts) = &r.mta_sts else {
        return ('-', t.dim);
    };
    if sts.id_missing() {
        // Invalid record: senders apply no policy.
        return ('?', t.warning);
    }
    match (&sts.status, &sts.policy) {
        (StsStatus::Ok, Some(p)) if p.mode == StsMode::None => ('-', t.dim),
        (StsStatus::Ok, Some(p)) if p.covers(exchange) => ('M', t.ok),
        (StsStatus::Ok, Some(p)) if p.mode == StsMode::Enforce => ('x', t.error),
        (StsStatus::Ok, Some(_)) => ('x', t.warning),
        (StsStatus::None, _) => ('-', t.dim),
        _ => ('?', t.warning),
    }
}

/// The hosts pane's `sec` cell for an exchange: three marks (DNSSEC, DANE,
/// MTA-STS), or a spinner while the lookups run.
pub fn host_cell(app: &App, r: &MxReport, exchange: &str) -> Line<'static> {
    match app.security_state() {
        SecurityState::Done => Line::from(
            [
                dnssec_mark(r, exchange, &app.theme),
                tlsa_mark(r, exchange, &app.theme),
                sts_mark(r, exchange, &app.theme),
            ]
            .into_iter()
            .map(|(c, s)| Span::styled(c.to_string(), s))
            .collect::<Vec<_>>(),
        ),
        SecurityState::LookingUp => {
            Line::styled(spinner(app.spinner).to_string(), app.theme.pending)
        }
        _ => Line::from(""),
    }
}

/// The reverse DNS of an address as a mark: `✓` forward-confirmed, `≠` a
/// name that does not resolve back, `-` no PTR, `?` the lookup failed.
pub fn ptr_mark(a: &Address, t: &Theme) -> Span<'static> {
    let Some(p) = &a.ptr else {
        return Span::raw("");
    };
    match p.status {
        AddressStatus::Ok if p.confirmed => Span::styled("✓", t.ok),
        AddressStatus::Ok => Span::styled("≠", t.warning),
        AddressStatus::Nxdomain | AddressStatus::Nodata => Span::styled("-", t.dim),
        _ => Span::styled("?", t.warning),
    }
}

/// The addresses pane's `ptr` cell: the mark, and the first PTR name when
/// `wide`; a spinner while the lookups run.
pub fn ptr_cell(app: &App, a: &Address, wide: bool, width: usize) -> Line<'static> {
    if app.security_state() == SecurityState::LookingUp {
        return Line::styled(spinner(app.spinner).to_string(), app.theme.pending);
    }
    let mark = ptr_mark(a, &app.theme);
    let name = a
        .ptr
        .as_ref()
        .filter(|_| wide)
        .and_then(|p| p.names.first())
        .map(|n| {
            let more = a.ptr.as_ref().map_or(0, |p| p.names.len() - 1);
            let more = if more > 0 {
                format!(" +{more}")
            } else {
                String::new()
            };
            let room = width.saturating_sub(2 + more.chars().count());
            format!(" {}{more}", super::fit(&esc(n), room))
        });
    let mut spans = vec![mark];
    if let Some(n) = name {
        spans.push(Span::raw(n));
    }
    Line::from(spans)
}

fn status_style(s: DnssecStatus, t: &Theme) -> Style {
    match s {
        DnssecStatus::Secure => t.ok,
        DnssecStatus::Insecure => Style::new(),
        DnssecStatus::Bogus => t.error,
        DnssecStatus::Indeterminate => t.warning,
    }
}

fn label(text: &str, t: &Theme) -> Span<'static> {
    Span::styled(format!("{text:<9}"), t.dim)
}

/// The domain-wide lines: DNSSEC of the MX RRset, MTA-STS, TLS-RPT.
fn domain_lines(r: &MxReport, t: &Theme, out: &mut Vec<Line<'static>>) {
    out.push(Line::from(match &r.dnssec {
        Some(d) => vec![
            label("DNSSEC", t),
            Span::raw("MX RRset "),
            Span::styled(d.mx.as_str(), status_style(d.mx, t)),
        ],
        None => vec![
            label("DNSSEC", t),
            Span::styled("not validated (no DNSSEC answers)", t.warning),
        ],
    }));
    let sts = match &r.mta_sts {
        None => vec![Span::styled("not looked up", t.dim)],
        Some(s) => match (&s.status, &s.policy) {
            (StsStatus::None, _) => vec![Span::styled("none (no _mta-sts record)", t.dim)],
            (StsStatus::Ok, Some(p)) => {
                let patterns: Vec<String> = p.mx.iter().map(|m| esc(m).into_owned()).collect();
                let mode_style = match p.mode {
                    StsMode::Enforce => t.ok,
                    StsMode::Testing => t.warning,
                    StsMode::None => t.dim,
                };
                let mut v = vec![
                    Span::styled(p.mode.as_str(), mode_style),
                    Span::raw(format!(" · max_age {}", duration(p.max_age as f64))),
                ];
                if let Some(id) = &s.id {
                    v.push(Span::raw(format!(" · id {}", esc(id))));
                }
                v.push(Span::raw(format!(" · mx: {}", patterns.join(", "))));
                if s.id_missing() {
                    v.push(Span::styled(
                        " · record has no id: invalid, senders apply no policy",
                        t.error,
                    ));
                }
                v
            }
            (status, _) => {
                let word = match status {
                    StsStatus::Invalid => "invalid",
                    StsStatus::Unreachable => "policy unreachable",
                    _ => "lookup failed",
                };
                let why = s.error.as_deref().map(|e| format!(": {}", esc(e)));
                vec![Span::styled(
                    format!("{word}{}", why.unwrap_or_default()),
                    t.error,
                )]
            }
        },
    };
    let mut line = vec![label("MTA-STS", t)];
    line.extend(sts);
    out.push(Line::from(line));
    let rpt = match &r.tls_rpt {
        None => Span::styled("not looked up", t.dim),
        Some(x) if x.usable() => {
            let rua: Vec<String> = x.rua.iter().map(|u| esc(u).into_owned()).collect();
            Span::styled(rua.join(", "), t.ok)
        }
        Some(x) => match &x.error {
            Some(e) => Span::styled(format!("unusable: {}", esc(e)), t.warning),
            None => Span::styled("none (no _smtp._tls record)", t.dim),
        },
    };
    out.push(Line::from(vec![label("TLS-RPT", t), rpt]));
}

/// One exchange: its marks, its address RRsets' DNSSEC, TLSA, MTA-STS
/// coverage, and each address's reverse DNS.
fn exchange_lines(r: &MxReport, i: usize, t: &Theme, out: &mut Vec<Line<'static>>) {
    let h = &r.mx[i];
    let ex = h.exchange.as_str();
    let marks: Vec<Span<'static>> = [
        dnssec_mark(r, ex, t),
        tlsa_mark(r, ex, t),
        sts_mark(r, ex, t),
    ]
    .into_iter()
    .map(|(c, s)| Span::styled(c.to_string(), s))
    .collect();
    let mut head = vec![Span::styled(format!("{}  ", esc(ex)), t.title)];
    head.extend(marks);
    out.push(Line::from(head));
    if let Some(e) = r
        .dnssec
        .as_ref()
        .and_then(|d| d.exchanges.iter().find(|e| e.exchange == ex))
    {
        out.push(Line::from(vec![
            Span::raw("  A "),
            Span::styled(e.a.as_str(), status_style(e.a, t)),
            Span::raw(" · AAAA "),
            Span::styled(e.aaaa.as_str(), status_style(e.aaaa, t)),
        ]));
    }
    if let Some(x) = r
        .tlsa
        .as_ref()
        .and_then(|v| v.iter().find(|x| x.exchange == ex))
    {
        let n = x.records.len();
        let s = if n == 1 { "" } else { "s" };
        let line = match x.lookup {
            TlsaLookup::Failed => Span::styled(
                format!(
                    "  TLSA lookup failed ({}): DANE senders defer",
                    esc(x.error.as_deref().unwrap_or("error"))
                ),
                t.error,
            ),
            TlsaLookup::None => {
                Span::styled(format!("  TLSA none ({})", x.dnssec.as_str()), Style::new())
            }
            TlsaLookup::Found if x.dane_usable() => Span::styled(
                format!("  TLSA found, secure, usable ({n} record{s})"),
                t.ok,
            ),
            TlsaLookup::Found => Span::styled(
                format!(
                    "  TLSA found ({n} record{s}, {}) but not usable by DANE senders",
                    x.dnssec.as_str()
                ),
                t.warning,
            ),
        };
        out.push(Line::from(line));
    }
    if let Some(p) = r
        .mta_sts
        .as_ref()
        .and_then(|s| s.policy_in_force())
        .filter(|p| p.mode != StsMode::None)
    {
        out.push(if p.covers(ex) {
            Line::styled("  MTA-STS covered", t.ok)
        } else if p.mode == StsMode::Enforce {
            Line::styled(
                "  MTA-STS NOT covered: enforcing senders refuse it",
                t.error,
            )
        } else {
            Line::styled("  MTA-STS not covered (policy in testing)", t.warning)
        });
    }
    for a in &h.addresses {
        let ptr = match &a.ptr {
            Some(p) => p.describe(|n| esc(n).into_owned()),
            None => "ptr not looked up".into(),
        };
        out.push(Line::from(vec![
            Span::raw(format!("  {} ", a.ip)),
            ptr_mark(a, t),
            Span::raw(format!(" {ptr}")),
        ]));
    }
}

/// The view's text for the selected domain, unwrapped.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let Some(r) = app.selected_report() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match app.security_state() {
        SecurityState::Off => {
            let why = app
                .security_off
                .as_deref()
                .map(|w| format!(": {}", esc(w)))
                .unwrap_or_default();
            out.push(Line::styled(
                format!("security lookups are off{why}"),
                t.warning,
            ));
            return out;
        }
        SecurityState::NotApplicable => {
            out.push(Line::styled(
                "no mail route to look at (the domain does not exist or its lookup failed)",
                t.dim,
            ));
            return out;
        }
        SecurityState::LookingUp => {
            out.push(Line::styled(
                format!(
                    "{} security: looking up reverse DNS, DNSSEC, TLSA, MTA-STS, TLS-RPT…",
                    spinner(app.spinner)
                ),
                t.pending,
            ));
            return out;
        }
        SecurityState::Done => {}
    }
    domain_lines(r, t, &mut out);
    let mut seen: Vec<&str> = Vec::new();
    for i in 0..r.mx.len() {
        let h = &r.mx[i];
        if h.is_null() || seen.contains(&h.exchange.as_str()) {
            continue;
        }
        seen.push(&h.exchange);
        out.push(Line::from(""));
        exchange_lines(r, i, t, &mut out);
    }
    out.push(Line::from(""));
    out.push(Line::styled(
        "sec marks: D DNSSEC-secure addresses (- insecure, ? indeterminate, ! bogus) · T usable secure TLSA (t unusable, - none, ! lookup failed) · M covered by MTA-STS (x not covered, - no policy, ? policy unusable)",
        t.dim,
    ));
    out.push(Line::styled(
        "ptr marks: ✓ forward-confirmed · ≠ does not resolve back · - no PTR · ? lookup failed",
        t.dim,
    ));
    out
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Mode::Security { scroll } = app.mode else {
        return;
    };
    let Some(name) = app.selected_domain().map(|d| esc(&d.name).into_owned()) else {
        return;
    };
    // The status rows stay visible: `e` and `D` answer there.
    let area = Rect {
        height: area.height.saturating_sub(2),
        ..area
    };
    let inner_w = usize::from(area.width.saturating_sub(4).min(WIDTH).saturating_sub(2));
    let text = wrap(&lines(app), inner_w);
    let (rect, scroll, scrolls) = popup(area, WIDTH, text.len(), scroll);
    app.popup_max_scroll.set(popup_max_scroll(text.len(), rect));
    let k = &app.keymap;
    let mut hint = format!(
        " {} or {} closes · {} looks again ",
        k.first_key(Action::Security),
        k.first_key(Action::Back),
        k.first_key(Action::Requery)
    );
    if scrolls {
        hint.push_str("· ↑/↓ scroll ");
    }
    let block = super::popup_block(app, format!(" Security · {name} "), hint);
    super::render_popup(frame, rect, block, text, scroll);
}
