//! Report names (strings) back to DNS labels, and to their Unicode form.

/// The labels of a report name, as octets.
///
/// Report names are written as the DNS layer writes them
/// (`mxlens::dns::wire::name_to_string`): octets below 128 as themselves,
/// control characters included; `\.` for a dot and `\\` for a backslash
/// inside a label; `\DDD` (decimal) for octets above 127. Any other
/// character above U+007F stands for its UTF-8 octets. Returns `None` for a
/// string that cannot be a DNS name (an empty label, or a label longer than
/// 63 octets).
pub fn name_labels(name: &str) -> Option<Vec<Vec<u8>>> {
    if name == "." {
        return Some(Vec::new());
    }
    let body = name.as_bytes();
    let mut labels = Vec::new();
    let mut label = Vec::new();
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'\\' => {
                let ddd = body
                    .get(i + 1..i + 4)
                    .filter(|d| d.iter().all(u8::is_ascii_digit));
                if let Some(n) = ddd.and_then(|d| std::str::from_utf8(d).ok()?.parse::<u8>().ok()) {
                    label.push(n);
                    i += 4;
                } else if let Some(&next) = body.get(i + 1) {
                    label.push(next);
                    i += 2;
                } else {
                    label.push(b'\\');
                    i += 1;
                }
            }
            b'.' => {
                if label.is_empty() {
                    return None;
                }
                labels.push(std::mem::take(&mut label));
                i += 1;
            }
            b => {
                label.push(b);
                i += 1;
            }
        }
    }
    // A name without the final dot is taken as absolute all the same.
    if !label.is_empty() {
        labels.push(label);
    }
    if labels.iter().any(|l| l.is_empty() || l.len() > 63) {
        return None;
    }
    Some(labels)
}
/// The Unicode spelling of an IDN (`xn--bcher-kva.example.` → `bücher.example.`),
/// when it differs from the ASCII one and decodes cleanly.
pub fn unicode_form(name: &str) -> Option<String> {
    if !name.split('.').any(|l| l.starts_with("xn--")) {
        return None;
    }
    let (u, result) = idna::domain_to_unicode(name);
    (result.is_ok() && u != name).then_some(u)
}
