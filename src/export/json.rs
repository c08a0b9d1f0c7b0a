//! JSON: the `mxlens/report/v1` contract (DESIGN §5), or the selected host
//! or address object of it.
//!
//! serde_json escapes C0 controls but writes DEL, the C1 controls and the
//! bidirectional overrides raw; [`seal`] rewrites those as `\uXXXX` too. In
//! JSON text such characters can only stand inside strings, where the
//! escape denotes the same character, so the value is unchanged.

use serde::Serialize;

use super::{Part, Scope};
use crate::mx::escape::is_unsafe;

fn to_text<T: Serialize>(value: &T, pretty: bool) -> String {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    // Serialising plain data with string keys cannot fail.
    seal(text.unwrap_or_default())
}

/// `value` as one compact, sealed line of JSON ending in a newline: the
/// one writer of every JSON contract (`check`, `simulate`, …).
pub fn line<T: Serialize>(value: &T) -> String {
    let mut s = to_text(value, false);
    s.push('\n');
    s
}

/// Writes every unsafe character left in JSON text as a `\uXXXX` escape.
fn seal(json: String) -> String {
    // Every unsafe character serde_json leaves raw is DEL or starts with
    // the UTF-8 lead byte 0xC2 (C1 controls) or 0xE2 (bidi and zero-width
    // controls): most text has none and is returned as it is.
    if !json.bytes().any(|b| matches!(b, 0x7f | 0xc2 | 0xe2)) {
        return json;
    }
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c != '\n' && is_unsafe(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn value_text(part: &Part, pretty: bool) -> String {
    match part.scope {
        Scope::Report => to_text(part.report, pretty),
        Scope::Host(h) => to_text(h, pretty),
        Scope::Address(_, a) => to_text(a, pretty),
    }
}

/// Pretty-printed, for the clipboard.
pub(super) fn render(part: &Part) -> String {
    let mut s = value_text(part, true);
    s.push('\n');
    s
}

/// One compact line (JSON Lines).
pub(super) fn render_line(part: &Part) -> String {
    let mut s = value_text(part, false);
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_keeps_the_value() {
        let raw = serde_json::to_string("a\u{1b}b\u{7f}c\u{9b}d\u{202e}").unwrap();
        let sealed = seal(raw);
        assert!(!sealed.chars().any(is_unsafe), "{sealed}");
        let back: String = serde_json::from_str(&sealed).unwrap();
        assert_eq!(back, "a\u{1b}b\u{7f}c\u{9b}d\u{202e}");
    }
}
