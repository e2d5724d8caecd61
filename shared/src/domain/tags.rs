//! Contact tags: how staff's tags are normalised, and how many a contact may carry.

/// The most tags one contact carries.
pub const MAX_TAGS: usize = 30;
/// The longest tag, in bytes; longer ones are dropped.
pub const MAX_TAG_LEN: usize = 40;

/// Too many distinct tags for one contact.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("at most {MAX_TAGS} tags")]
pub struct TooManyTags;

/// The tag set as stored: trimmed, lower-case, sorted, without duplicates,
/// blanks or over-long tags, so "VIP " and "vip" are one tag.
pub fn normalize_tags(tags: &[String]) -> Result<Vec<String>, TooManyTags> {
    let mut clean: Vec<String> =
        tags.iter().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty() && t.len() <= MAX_TAG_LEN).collect();
    clean.sort();
    clean.dedup();
    if clean.len() > MAX_TAGS {
        return Err(TooManyTags);
    }
    Ok(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_one_spelling_each() {
        let tags = ["VIP ".into(), "vip".into(), " ".into(), "wholesale".into(), "x".repeat(41)];
        assert_eq!(normalize_tags(&tags), Ok(vec!["vip".to_owned(), "wholesale".to_owned()]));
    }

    #[test]
    fn more_than_the_limit_is_refused() {
        let many: Vec<String> = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
        assert_eq!(normalize_tags(&many), Err(TooManyTags));
        assert!(normalize_tags(&many[..MAX_TAGS]).is_ok());
    }
}
