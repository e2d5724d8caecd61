//! What a CSV column is to an import: a contact's name, phone, tags, owner,
//! a custom field, the deal's stage or value, or the marketing opt-in.

use serde::{Deserialize, Serialize};

/// One column's meaning. Written as a string: `""` (ignored), `name`,
/// `phone`, `tags`, `owner`, `stage`, `value`, `consent` or `fields.<key>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ImportTarget {
    /// Not imported.
    Ignore,
    /// The contact's name.
    Name,
    /// The phone number (E.164 with the business's default country).
    Phone,
    /// Tags, separated by `,`, `;` or `|`.
    Tags,
    /// The owner's e-mail (an active teammate), for new contacts.
    Owner,
    /// The deal's stage (its id or its name).
    Stage,
    /// The deal's value in major units (`4,500.50`).
    Value,
    /// A marketing opt-in (`yes`, `true`, `1`, `y`, `opted in`…).
    Consent,
    /// A custom field.
    Field(String),
}

impl TryFrom<String> for ImportTarget {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Ok(match text.trim() {
            "" => ImportTarget::Ignore,
            "name" => ImportTarget::Name,
            "phone" => ImportTarget::Phone,
            "tags" => ImportTarget::Tags,
            "owner" => ImportTarget::Owner,
            "stage" => ImportTarget::Stage,
            "value" => ImportTarget::Value,
            "consent" => ImportTarget::Consent,
            other => match other.strip_prefix("fields.") {
                Some(key) if valid_field_key(key) => ImportTarget::Field(key.to_owned()),
                _ => return Err(format!("{other:?} is not a column target; use name, phone, tags, owner, stage, value, consent or fields.<key> (a-z, 0-9, _)")),
            },
        })
    }
}

impl From<ImportTarget> for String {
    fn from(target: ImportTarget) -> String {
        match target {
            ImportTarget::Ignore => String::new(),
            ImportTarget::Name => "name".into(),
            ImportTarget::Phone => "phone".into(),
            ImportTarget::Tags => "tags".into(),
            ImportTarget::Owner => "owner".into(),
            ImportTarget::Stage => "stage".into(),
            ImportTarget::Value => "value".into(),
            ImportTarget::Consent => "consent".into(),
            ImportTarget::Field(key) => format!("fields.{key}"),
        }
    }
}

fn valid_field_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 40
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && key != "source"
}

/// Checks a mapping against the file's columns; the first problem found.
pub fn check_mapping(mapping: &[ImportTarget], columns: usize) -> Result<(), String> {
    if mapping.len() != columns {
        return Err(format!("the mapping names {} columns; the file has {columns}", mapping.len()));
    }
    if !mapping.contains(&ImportTarget::Phone) {
        return Err("map one column to phone: contacts are found and added by their number".into());
    }
    let mut seen: Vec<&ImportTarget> = Vec::new();
    for target in mapping.iter().filter(|t| **t != ImportTarget::Ignore) {
        if seen.contains(&target) {
            return Err(format!("two columns map to {}", String::from(target.clone())));
        }
        seen.push(target);
    }
    Ok(())
}

/// A guess at a column from its header, for the mapping screen.
pub fn suggest(header: &str) -> ImportTarget {
    let h = header.trim().to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if has(&["phone", "mobile", "whatsapp", "cell", "contact no", "número", "numero", "telefone", "फ़ोन", "मोबाइल"])
    {
        ImportTarget::Phone
    } else if has(&["stage", "status"]) {
        ImportTarget::Stage
    } else if has(&["tag", "label"]) {
        ImportTarget::Tags
    } else if has(&["owner", "agent", "assigned"]) {
        ImportTarget::Owner
    } else if has(&["value", "amount", "deal size", "valor"]) {
        ImportTarget::Value
    } else if has(&["consent", "opt-in", "optin", "opted"]) {
        ImportTarget::Consent
    } else if has(&["name", "nome", "nombre", "नाम"]) {
        ImportTarget::Name
    } else {
        let key: String = h
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect::<String>()
            .split('_')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        match valid_field_key(&key) {
            true => ImportTarget::Field(key),
            false => ImportTarget::Ignore,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_written_as_strings_and_a_bad_one_says_what_is_allowed() {
        let targets: Vec<ImportTarget> = serde_json::from_str(r#"["", "phone", "fields.city"]"#).unwrap();
        assert_eq!(targets, [ImportTarget::Ignore, ImportTarget::Phone, ImportTarget::Field("city".into())]);
        assert_eq!(serde_json::to_string(&targets).unwrap(), r#"["","phone","fields.city"]"#);
        let error = serde_json::from_str::<Vec<ImportTarget>>(r#"["fields.City"]"#).unwrap_err();
        assert!(error.to_string().contains("fields.<key>"), "{error}");
    }

    #[test]
    fn a_mapping_needs_one_phone_column_and_no_target_twice() {
        use ImportTarget::*;
        assert_eq!(check_mapping(&[Name, Phone, Ignore, Ignore], 4), Ok(()));
        assert!(check_mapping(&[Name, Ignore], 2).unwrap_err().contains("phone"));
        assert!(check_mapping(&[Phone, Phone], 2).unwrap_err().contains("two columns"));
        assert!(check_mapping(&[Phone], 2).unwrap_err().contains("file has 2"));
    }

    #[test]
    fn headers_suggest_their_column() {
        assert_eq!(suggest("Mobile No."), ImportTarget::Phone);
        assert_eq!(suggest("Customer Name"), ImportTarget::Name);
        assert_eq!(suggest("City"), ImportTarget::Field("city".into()));
        assert_eq!(suggest("Deal value (₹)"), ImportTarget::Value);
        assert_eq!(suggest("!!!"), ImportTarget::Ignore);
        assert_eq!(suggest("Stage"), ImportTarget::Stage, "not tags, though it holds \"tag\"");
    }
}
