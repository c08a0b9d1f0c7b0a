//! Reading a domain list line by line with bounded memory.
//!
//! A domain is at most 253 octets; with a `mailto:` link around it and a
//! comment after it a useful line is far shorter than [`MAX_LINE`]. Longer
//! lines are reported and skipped after reading at most [`MAX_LINE`] octets
//! of them into memory; a "line" that runs on for [`MAX_RUNAWAY`] octets
//! without an end (`/dev/zero`, a binary file) stops the file. Lines that
//! are not UTF-8 are reported with their bytes escaped, and reading goes on.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::mx::escape::visible;

/// The longest line kept, in octets.
pub const MAX_LINE: usize = 4096;
/// How far an over-long line is followed to its end before the file is given up.
pub const MAX_RUNAWAY: u64 = 1 << 20;
/// How much of a bad line an error message quotes, in characters.
const EXCERPT: usize = 40;

/// One line of input, or why it cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line, without its end (`\n` or `\r\n`).
    Text(String),
    /// Not UTF-8: a short excerpt with every byte that is not printable
    /// ASCII or valid UTF-8 written as `\DDD`.
    NotUtf8(String),
    /// Longer than [`MAX_LINE`] octets: a short, escaped excerpt of its start.
    TooLong(String),
    /// No line end within [`MAX_RUNAWAY`] octets: the rest is not read.
    Runaway,
}

/// Reads the next line of `reader` into `buf` (cleared first). `None` at the end.
pub async fn next_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Line>> {
    buf.clear();
    let mut seen: u64 = 0;
    let mut ended = false;
    loop {
        let chunk = reader.fill_buf().await?;
        if chunk.is_empty() {
            break;
        }
        let (part, used) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => {
                ended = true;
                (&chunk[..i], i + 1)
            }
            None => (chunk, chunk.len()),
        };
        let room = (MAX_LINE + 1).saturating_sub(buf.len());
        buf.extend_from_slice(&part[..part.len().min(room)]);
        seen += part.len() as u64;
        reader.consume(used);
        if ended {
            break;
        }
        if seen > MAX_RUNAWAY {
            return Ok(Some(Line::Runaway));
        }
    }
    if !ended && seen == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    if buf.len() > MAX_LINE {
        return Ok(Some(Line::TooLong(excerpt(buf))));
    }
    Ok(Some(match std::str::from_utf8(buf) {
        Ok(s) => Line::Text(s.to_string()),
        Err(_) => Line::NotUtf8(excerpt(buf)),
    }))
}

/// The start of `bytes` for a message: valid UTF-8 kept (and made visible),
/// other bytes as `\DDD`, at most [`EXCERPT`] characters, `…` when cut.
fn excerpt(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut count = 0;
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if count == EXCERPT {
                out.push('…');
                return out;
            }
            out.push_str(&visible(c.encode_utf8(&mut [0; 4])));
            count += 1;
        }
        for b in chunk.invalid() {
            if count == EXCERPT {
                out.push('…');
                return out;
            }
            out.push_str(&format!("\\{b:03}"));
            count += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn all(input: &[u8]) -> Vec<Line> {
        let mut reader = tokio::io::BufReader::with_capacity(64, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some(line) = next_line(&mut reader, &mut buf).await.unwrap() {
            let stop = line == Line::Runaway;
            out.push(line);
            if stop {
                break;
            }
        }
        out
    }

    #[tokio::test]
    async fn lines_crlf_and_a_last_line_without_end() {
        let got = all(b"a.example\r\n\nb.example").await;
        assert_eq!(
            got,
            [
                Line::Text("a.example".into()),
                Line::Text(String::new()),
                Line::Text("b.example".into())
            ]
        );
        assert!(all(b"").await.is_empty());
    }

    #[tokio::test]
    async fn latin1_is_reported_escaped_and_reading_goes_on() {
        let got = all(b"a.example\nm\xfcller.example\nc.example\n").await;
        assert_eq!(
            got,
            [
                Line::Text("a.example".into()),
                Line::NotUtf8("m\\252ller.example".into()),
                Line::Text("c.example".into())
            ]
        );
    }

    #[tokio::test]
    async fn a_line_at_the_bound_is_kept_and_one_past_it_is_not() {
        let at = "a".repeat(MAX_LINE);
        let past = format!("\u{1b}{}", "b".repeat(MAX_LINE));
        let input = format!("{at}\n{past}\nc.example\n");
        let got = all(input.as_bytes()).await;
        assert_eq!(got[0], Line::Text(at));
        let Line::TooLong(shown) = &got[1] else {
            panic!("{:?}", got[1]);
        };
        assert!(
            shown.starts_with("\\027bbb") && shown.ends_with('…'),
            "{shown}"
        );
        assert!(shown.chars().count() <= EXCERPT + 4);
        assert_eq!(got[2], Line::Text("c.example".into()));
    }

    #[tokio::test]
    async fn a_line_without_end_stops_after_the_runaway_bound() {
        let zeros = vec![0u8; (MAX_RUNAWAY as usize) * 2];
        let got = all(&zeros).await;
        assert_eq!(got, [Line::Runaway]);
        // Just under the bound it is an over-long line, and the next one reads.
        let mut long = vec![b'x'; MAX_RUNAWAY as usize];
        long.extend_from_slice(b"\nd.example\n");
        let got = all(&long).await;
        assert!(matches!(got[0], Line::TooLong(_)), "{:?}", got[0]);
        assert_eq!(got[1], Line::Text("d.example".into()));
    }
}
