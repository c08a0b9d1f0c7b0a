//! Making data that came off the wire safe to show.
//!
//! Names and other strings from DNS answers may hold control characters or
//! terminal escape sequences. Everything that reaches a terminal or the
//! clipboard goes through [`visible`], which writes every control character
//! (C0, DEL, C1) as a master-file style decimal escape `\DDD` (RFC 1035 §5.1),
//! so `ESC` becomes `\027` and nothing is ever interpreted by a terminal.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal raw.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every unsafe character written as `\DDD` (or `\u{XXXX}` above 255).
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            let n = c as u32;
            if n < 256 {
                out.push_str(&format!("\\{n:03}"));
            } else {
                out.push_str(&format!("\\u{{{n:04x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Like [`visible`] but keeps newlines and tabs (for multi-line clipboard text).
pub fn visible_multiline(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && c != '\t' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.split('\n')
            .map(|line| {
                line.split('\t')
                    .map(|part| visible(part).into_owned())
                    .collect::<Vec<_>>()
                    .join("\t")
            })
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_decimal() {
        assert_eq!(visible("mx\u{1b}[31m.test."), "mx\\027[31m.test.");
        assert_eq!(visible("a\u{7f}b\u{9b}"), "a\\127b\\155");
        assert_eq!(visible("bidi\u{202e}x"), "bidi\\u{202e}x");
        assert!(matches!(visible("plain.example."), Cow::Borrowed(_)));
    }

    #[test]
    fn multiline_keeps_layout_only() {
        assert_eq!(visible_multiline("a\tb\nc\u{7}"), "a\tb\nc\\007");
        assert_eq!(visible_multiline("x\r\n"), "x\\013\n");
    }
}
