//! The little XML S3's REST calls need: the text of a named element in an
//! answer, and escaped text for a request. S3's answers are flat, attribute
//! free on the elements read here, and written by S3, so finding
//! `<Name>…</Name>` is reading them; a parser would cost more than the
//! few answers Parley reads (a listing, an upload id, a batch's errors).

/// The text of every `<tag>` element in `xml`, unescaped, in order.
pub(super) fn texts(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        found.push(unescape(&after[..end]));
        rest = &after[end + close.len()..];
    }
    found
}

/// The text of the first `<tag>` element in `xml`.
pub(super) fn text(xml: &str, tag: &str) -> Option<String> {
    texts(xml, tag).into_iter().next()
}

/// `text` safe as an element's content.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The five named entities and numeric references, decoded; anything else
/// is kept as written.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let decoded = tail.find(';').and_then(|end| Some((entity(&tail[1..end])?, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_element_of_a_name_is_read_in_order_and_unescaped() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult><Name>media</Name><Prefix>contacts/c1/</Prefix>
<Contents><Key>contacts/c1/a&amp;b.jpg</Key><ETag>&quot;9b2&quot;</ETag></Contents>
<Contents><Key>contacts/c1/&#233;t&#xE9;.pdf</Key></Contents>
<IsTruncated>false</IsTruncated></ListBucketResult>"#;
        assert_eq!(texts(xml, "Key"), ["contacts/c1/a&b.jpg", "contacts/c1/été.pdf"]);
        assert_eq!(text(xml, "ETag").as_deref(), Some("\"9b2\""));
        assert_eq!(text(xml, "IsTruncated").as_deref(), Some("false"));
        assert_eq!(text(xml, "NextContinuationToken"), None);
        assert_eq!(texts("<Key>open", "Key"), Vec::<String>::new(), "an unclosed element is not read");
    }

    #[test]
    fn escaping_and_unescaping_are_inverse_and_a_stray_ampersand_is_kept() {
        let raw = r#"a<b>&"c"'d'"#;
        assert_eq!(escape(raw), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
        assert_eq!(unescape(&escape(raw)), raw);
        assert_eq!(unescape("fish & chips &bogus; &#xZZ;"), "fish & chips &bogus; &#xZZ;");
    }
}
