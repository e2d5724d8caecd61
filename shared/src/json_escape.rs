//! Finding what JSON escapes inside a string, eight bytes at a time: for
//! writers of JSON by hand (the webhook's transaction body, the log lines),
//! where serde_json's escaping looked at each byte through a table and
//! wrote each plain run with a call of its own, about a fifth of the
//! webhook's instructions a message.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The bytes of `word` that JSON escapes (a quote, a backslash, or below
/// 0x20), as the high bit of each: the classic "has a zero byte" and "has
/// a byte less than n" tests. Exact as to whether there is one and which is
/// the lowest; a borrow can mark bytes above the lowest that are not.
fn escaped_bytes(word: u64) -> u64 {
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let quote = has_zero(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    quote | backslash | control
}

/// The `\u00XX` escapes of the control characters.
const CONTROL: [&str; 32] = [
    "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007", "\\u0008", "\\u0009",
    "\\u000a", "\\u000b", "\\u000c", "\\u000d", "\\u000e", "\\u000f", "\\u0010", "\\u0011", "\\u0012", "\\u0013",
    "\\u0014", "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d",
    "\\u001e", "\\u001f",
];

/// How `byte` is written inside a JSON string, if not as itself.
fn escape_of(byte: u8) -> Option<&'static str> {
    Some(match byte {
        b'"' => "\\\"",
        b'\\' => "\\\\",
        b'\n' => "\\n",
        b'\r' => "\\r",
        b'\t' => "\\t",
        0x08 => "\\b",
        0x0c => "\\f",
        0..=0x1f => CONTROL[usize::from(byte)],
        _ => return None,
    })
}

/// The first byte of `text` at or after `from` that is escaped, and its
/// escape. The lowest marked byte of a word is the one: JSON in a string
/// (the raw message, its content) has an escape every few bytes, and
/// finding each without a walk over its word's bytes halved the time.
fn next_escape(text: &[u8], from: usize) -> Option<(usize, &'static str)> {
    let mut at = from;
    while let Some(rest) = text.get(at..).filter(|rest| !rest.is_empty()) {
        let (word, length) = match rest.get(..8).and_then(|eight| <[u8; 8]>::try_from(eight).ok()) {
            Some(eight) => (eight, 8),
            None => {
                // The last few, padded with a byte that is not escaped.
                let mut padded = [b' '; 8];
                padded[..rest.len()].copy_from_slice(rest);
                (padded, rest.len())
            }
        };
        let marked = escaped_bytes(u64::from_le_bytes(word));
        if marked != 0 {
            // Little-endian: the lowest bits are the first byte, and the
            // lowest marked byte is always escaped (see `escaped_bytes`).
            let first = (marked.trailing_zeros() / 8) as usize;
            if let Some(escape) = word.get(first).and_then(|byte| escape_of(*byte)) {
                return Some((at + first, escape));
            }
        }
        at += length;
    }
    None
}

/// Hands the inside of `text` as a JSON string to `write`, piece by piece:
/// runs written as they are, and escapes. Escaped bytes are all ASCII, so
/// the runs split `text` on character boundaries.
pub(crate) fn try_for_each_piece<E>(text: &str, mut write: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let mut plain = 0;
    while let Some((at, escape)) = next_escape(text.as_bytes(), plain) {
        write(&text[plain..at])?;
        write(escape)?;
        plain = at + 1;
    }
    write(&text[plain..])
}

/// Appends `text` to `out` as a JSON string, quotes included.
pub(crate) fn write_string(out: &mut Vec<u8>, text: &str) {
    out.reserve(text.len() + 2);
    out.push(b'"');
    let _ = try_for_each_piece(text, |piece| {
        out.extend_from_slice(piece.as_bytes());
        Ok::<(), std::convert::Infallible>(())
    });
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str) -> String {
        let mut out = Vec::new();
        write_string(&mut out, text);
        String::from_utf8(out).expect("escaping keeps UTF-8")
    }

    #[test]
    fn every_string_is_written_as_serde_json_writes_it() {
        let mut texts: Vec<String> = (0u8..=0x7f).map(|b| char::from(b).to_string()).collect();
        texts.extend(
            [
                "",
                "plain text longer than eight bytes",
                "quote \" and \\ and é and 😀 in a run",
                "{\"from\":\"919800000000\",\"text\":{\"body\":\"line\\none\"}}",
                "tab\tat the end of a word\r\n",
                "\u{1f}\u{0}\u{7f}\u{80}\u{7ff}",
                "eight!!!\"eight!!!",
                "seven!!\\",
            ]
            .map(String::from),
        );
        // Each escaped byte at every position of a run of sixteen.
        for escaped in ['"', '\\', '\n', '\u{1}', '\u{1f}'] {
            for at in 0..16 {
                let mut text: Vec<char> = "ab€cdefghijklmn".chars().collect();
                text.insert(at.min(text.len()), escaped);
                texts.push(text.into_iter().collect());
            }
        }
        for text in &texts {
            assert_eq!(written(text), serde_json::to_string(text).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn bytes_at_the_edges_of_the_escaped_ranges_are_told_apart() {
        for byte in 0u8..=0xff {
            let word = u64::from_le_bytes([b'a', b'b', byte, b'c', b'd', b'e', b'f', b'g']);
            let escaped = byte < 0x20 || byte == b'"' || byte == b'\\';
            assert_eq!(escaped_bytes(word) != 0, escaped, "byte {byte:#04x}");
            // The lowest marked byte is the escaped one, whatever follows it.
            for after in 0u8..=0xff {
                let word = u64::from_le_bytes([b'a', b'b', byte, after, b'd', b'e', b'f', b'g']);
                let lowest = escaped_bytes(word).trailing_zeros() / 8;
                let after_escaped = after < 0x20 || after == b'"' || after == b'\\';
                let expected = if escaped {
                    2
                } else if after_escaped {
                    3
                } else {
                    8
                };
                assert_eq!(lowest, expected, "bytes {byte:#04x} {after:#04x}");
            }
        }
    }
}
