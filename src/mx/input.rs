//! Turning what a user typed or pasted into a domain name to query.

use std::net::IpAddr;

use thiserror::Error;

use crate::mx::escape::{is_unsafe, visible};

/// Why an input is not a domain mxlens can look up.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InputError {
    #[error("empty domain name")]
    Empty,
    #[error("\"{0}\" is an IP address, not a domain name")]
    IpAddress(String),
    #[error("label \"{label}\" is {len} octets long; the limit is 63")]
    LabelTooLong { label: String, len: usize },
    #[error("\"{0}\" has an empty label (two dots in a row, or a leading dot)")]
    EmptyLabel(String),
    #[error("\"{name}\" is {len} octets long; the limit is 253")]
    NameTooLong { name: String, len: usize },
    #[error("\"{name}\" contains {what}, which is not allowed in a host name")]
    BadCharacter { name: String, what: String },
    #[error("\"{name}\" is not a valid internationalised name: {reason}")]
    Idna { name: String, reason: String },
}

/// Parses a domain as typed or pasted: `Example.COM`, `example.com.`,
/// `bücher.example`, `user@example.com`, `mailto:user@example.com?subject=x`.
///
/// Returns the lower-case ASCII (punycode) name with a trailing dot.
pub fn parse_domain(input: &str) -> Result<String, InputError> {
    let mut s = input.trim();
    if let Some(rest) = strip_prefix_ci(s, "mailto:") {
        s = rest;
    }
    // mailto: URIs may carry ?subject=…: the address ends there. (Lists,
    // a mailto: with several addresses among them, go through
    // [`split_list`] first.)
    s = s.split('?').next().unwrap_or("").trim();
    s = s.trim_matches(|c| c == '<' || c == '>');
    if let Some(at) = s.rfind('@') {
        s = &s[at + 1..];
    }
    if s.is_empty() || s == "." {
        return Err(InputError::Empty);
    }
    let bare = s.trim_start_matches('[').trim_end_matches(']');
    if bare.parse::<IpAddr>().is_ok() {
        return Err(InputError::IpAddress(bare.to_string()));
    }
    if let Some(c) = s.chars().find(|c| is_unsafe(*c) || c.is_whitespace()) {
        return Err(InputError::BadCharacter {
            name: s.to_string(),
            what: describe(c),
        });
    }
    let without_dot = s.strip_suffix('.').unwrap_or(s);
    if without_dot.split('.').any(str::is_empty) {
        return Err(InputError::EmptyLabel(s.to_string()));
    }
    let ascii = if without_dot.is_ascii() {
        without_dot.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(without_dot).map_err(|e| InputError::Idna {
            name: s.to_string(),
            reason: format!("{e:?}").to_lowercase(),
        })?
    };
    for label in ascii.split('.') {
        if label.len() > 63 {
            return Err(InputError::LabelTooLong {
                label: label.to_string(),
                len: label.len(),
            });
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(InputError::BadCharacter {
                name: s.to_string(),
                what: describe(c),
            });
        }
    }
    if ascii.len() > 253 {
        return Err(InputError::NameTooLong {
            len: ascii.len(),
            name: s.to_string(),
        });
    }
    Ok(format!("{ascii}."))
}

/// The items of a list as typed, pasted or given as one argument:
/// separated by commas, semicolons, spaces or newlines. A `mailto:` URI
/// keeps its `mailto:` and loses its `?query` (which may hold commas);
/// each of its comma-separated addresses is an item.
///
/// `"a.example, b.example"` → `["a.example", "b.example"]`;
/// `"mailto:x@a.example,y@b.example?subject=hi,there"` →
/// `["mailto:x@a.example", "y@b.example"]`.
pub fn split_list(input: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for token in input.split(char::is_whitespace) {
        let token = match strip_prefix_ci(token, "mailto:") {
            Some(rest) => {
                let query = rest.find('?').map_or(token.len(), |q| q + "mailto:".len());
                &token[..query]
            }
            None => token,
        };
        out.extend(
            token
                .split([',', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("mailto:")),
        );
    }
    out
}

/// Every item of a list (see [`split_list`]), parsed: a domain, or the
/// item as given and why it is not one. Order is kept; duplicates too.
pub fn parse_list(input: &str) -> Vec<Result<String, (String, InputError)>> {
    split_list(input)
        .into_iter()
        .map(|item| parse_domain(item).map_err(|e| (item.to_string(), e)))
        .collect()
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix) {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

fn describe(c: char) -> String {
    if is_unsafe(c) {
        format!(
            "a control character ({})",
            visible(c.encode_utf8(&mut [0; 4]))
        )
    } else if c.is_whitespace() {
        "a space".to_string()
    } else {
        format!("'{c}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_usual_forms() {
        for (input, want) in [
            ("Example.COM", "example.com."),
            ("example.com.", "example.com."),
            ("  example.com  ", "example.com."),
            ("user@Example.com", "example.com."),
            ("mailto:user@example.com", "example.com."),
            ("MAILTO:a@example.com?subject=hi", "example.com."),
            ("<user@example.com>", "example.com."),
            ("bücher.example", "xn--bcher-kva.example."),
            ("BÜCHER.example.", "xn--bcher-kva.example."),
            ("_dmarc.example.com", "_dmarc.example.com."),
        ] {
            assert_eq!(parse_domain(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn lists_split_on_commas_spaces_and_newlines() {
        let ok =
            |s: &str| -> Vec<String> { parse_list(s).into_iter().map(|r| r.unwrap()).collect() };
        assert_eq!(
            ok("healthy.example,equal.example"),
            ["healthy.example.", "equal.example."]
        );
        assert_eq!(
            ok(" x1.example, x2.example\nx3.example\r\n\tx4.example;x5.example ,"),
            [
                "x1.example.",
                "x2.example.",
                "x3.example.",
                "x4.example.",
                "x5.example."
            ]
        );
        assert_eq!(ok("mailto:a@x.example?subject=hi,there"), ["x.example."]);
        assert_eq!(
            ok("mailto:a@x.example,b@y.example?cc=c@z.example"),
            ["x.example.", "y.example."]
        );
        assert_eq!(
            ok("MAILTO:a@x.example?subject=a%20b z.example"),
            ["x.example.", "z.example."]
        );
        assert!(parse_list(" , \n ").is_empty());
        let mixed = parse_list("good.example bad..name 192.0.2.1");
        assert_eq!(mixed[0].as_deref(), Ok("good.example."));
        assert!(matches!(&mixed[1], Err((item, InputError::EmptyLabel(_))) if item == "bad..name"));
        assert!(matches!(&mixed[2], Err((_, InputError::IpAddress(_)))));
    }

    #[test]
    fn rejects_with_a_reason() {
        assert_eq!(parse_domain(""), Err(InputError::Empty));
        assert_eq!(parse_domain("  "), Err(InputError::Empty));
        assert_eq!(parse_domain("user@"), Err(InputError::Empty));
        assert!(matches!(
            parse_domain("192.0.2.1"),
            Err(InputError::IpAddress(_))
        ));
        assert!(matches!(
            parse_domain("[2001:db8::1]"),
            Err(InputError::IpAddress(_))
        ));
        let long = format!("{}.example", "a".repeat(64));
        assert!(matches!(
            parse_domain(&long),
            Err(InputError::LabelTooLong { len: 64, .. })
        ));
        let huge = vec!["a".repeat(60); 5].join(".");
        assert!(matches!(
            parse_domain(&huge),
            Err(InputError::NameTooLong { .. })
        ));
        assert!(matches!(
            parse_domain("a b.example"),
            Err(InputError::BadCharacter { .. })
        ));
        assert!(matches!(
            parse_domain("ex!ample.com"),
            Err(InputError::BadCharacter { .. })
        ));
        assert!(matches!(
            parse_domain("a..example"),
            Err(InputError::EmptyLabel(_))
        ));
        // The input stays data (front ends escape it); the reason names the
        // character visibly, bidi and zero-width controls included.
        let e = parse_domain("bad\u{1b}[2Jname.example")
            .unwrap_err()
            .to_string();
        assert!(e.contains("a control character (\\027)"), "{e}");
        for (input, shown) in [
            ("a\u{202e}b.example", "\\u{202e}"),
            ("a\u{200b}b.example", "\\u{200b}"),
        ] {
            let e = parse_domain(input).unwrap_err().to_string();
            assert!(e.contains(&format!("a control character ({shown})")), "{e}");
        }
    }
}
