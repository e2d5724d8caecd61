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
#[inline(always)]
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
#[inline(always)]
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

/// Hands the inside of `text` as a JSON string to `write`, piece by piece:
/// runs written as they are, and escapes. Escaped bytes are all ASCII, so
/// the runs split `text` on character boundaries.
///
/// One pass over whole words. The lowest marked byte of a word is the one
/// to escape (JSON in a string, the raw message and its content, has one
/// every few bytes), and the scan goes on from the byte after it. The last
/// few bytes are read as the text's last word, with the bytes already seen
/// unmarked; only a text shorter than a word goes byte by byte. Most
/// strings are a few words long (names, keys, ids): a call per word and a
/// padded copy of the last few bytes had cost more than the scan itself.
pub(crate) fn try_for_each_piece<E>(text: &str, mut write: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let bytes = text.as_bytes();
    let mut plain = 0;
    let mut at = 0;
    while let Some(next) = next_marked(bytes, at) {
        if let Some(escape) = bytes.get(next).and_then(|byte| escape_of(*byte)) {
            if plain < next {
                write(&text[plain..next])?;
            }
            write(escape)?;
            plain = next + 1;
        }
        at = next + 1;
    }
    write(&text[plain..])
}

/// The first marked byte at or after `at`: the first escaped one, except
/// in the text's last word, where the bytes already seen can have marked
/// the byte after them by a borrow (so the caller checks each).
#[inline(always)]
fn next_marked(bytes: &[u8], mut at: usize) -> Option<usize> {
    while let Some(word) = bytes.get(at..at + 8) {
        let marked = escaped_bytes(u64::from_le_bytes(word.try_into().ok()?));
        if marked != 0 {
            // Little-endian: the lowest bits are the first byte.
            return Some(at + (marked.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    if at >= bytes.len() {
        return None;
    }
    let start = bytes.len().checked_sub(8);
    match start.and_then(|start| bytes.get(start..).map(|word| (start, word))) {
        Some((start, word)) => {
            // The text's last word: its first `at - start` bytes were seen.
            let seen = at - start;
            let marked = escaped_bytes(u64::from_le_bytes(word.try_into().ok()?)) >> (8 * seen) << (8 * seen);
            (marked != 0).then(|| start + (marked.trailing_zeros() / 8) as usize)
        }
        None => bytes.get(at..)?.iter().position(|byte| escape_of(*byte).is_some()).map(|offset| at + offset),
    }
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
                // A borrow from an escaped byte marks the byte after it when
                // that is '#', ']' or a space: in a last word, after the
                // bytes already seen, that is not the lowest mark.
                "sixteen bytes!!\"#",
                "sixteen bytes!!\\]x",
                "sixteen bytes!\u{1} x",
                "ab\"#cdefghij\"#\\]\u{2} ",
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
    fn strings_of_every_length_mixing_escaped_bytes_and_their_neighbours_match_serde_json() {
        // The bytes escaped, the ones a borrow from them can mark, and plain
        // ASCII and multi-byte characters.
        let alphabet = ['"', '#', '\\', ']', '\u{1}', '\u{1f}', ' ', '\n', 'a', 'é', '😀'];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for length in 0..40 {
            for _ in 0..200 {
                let text: String = (0..length)
                    .map(|_| {
                        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                        alphabet[(state >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                assert_eq!(written(&text), serde_json::to_string(&text).unwrap(), "{text:?}");
            }
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
