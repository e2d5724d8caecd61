//! A contact's custom fields: limits, and edits that change only the keys
//! they name, so that two people editing different fields keep each other's.

use std::collections::{BTreeMap, BTreeSet};

/// The most custom fields a contact holds.
pub const MAX_FIELDS: usize = 50;
/// The longest field name, in characters.
pub const MAX_KEY_CHARS: usize = 64;
/// The longest field value, in characters.
pub const MAX_VALUE_CHARS: usize = 1000;

/// Why a field edit is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// The edit would leave more than [`MAX_FIELDS`].
    #[error("a contact holds at most {MAX_FIELDS} custom fields")]
    TooMany,
    /// A name that is empty or longer than [`MAX_KEY_CHARS`].
    #[error("a field name has 1 to {MAX_KEY_CHARS} characters")]
    BadKey,
    /// A value longer than [`MAX_VALUE_CHARS`].
    #[error("a field value has at most {MAX_VALUE_CHARS} characters")]
    ValueTooLong,
}

/// An edit of some fields, and what it assumes of the fields it was planned
/// against, so that the store can refuse it if a concurrent edit changed that.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldChanges {
    /// Keys to set.
    pub set: BTreeMap<String, String>,
    /// Keys to remove.
    pub remove: BTreeSet<String>,
    /// The most fields the contact may hold when the edit applies, for the
    /// total to stay within [`MAX_FIELDS`].
    pub max_before: usize,
    /// Keys the edit counts on being there (it changes or removes them).
    pub present: BTreeSet<String>,
}

impl FieldChanges {
    /// Whether the edit changes nothing.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.remove.is_empty()
    }
}

/// Plans staff's edit (a value sets the key, an empty value removes it)
/// against the fields as last read, within the limits.
pub fn plan_field_edit(
    current: &BTreeMap<String, String>,
    edit: &BTreeMap<String, String>,
) -> Result<FieldChanges, FieldError> {
    let mut changes = FieldChanges::default();
    for (key, value) in edit {
        let key = key.trim();
        if key.is_empty() || key.chars().count() > MAX_KEY_CHARS {
            return Err(FieldError::BadKey);
        }
        if value.chars().count() > MAX_VALUE_CHARS {
            return Err(FieldError::ValueTooLong);
        }
        let present = current.contains_key(key);
        if value.trim().is_empty() {
            if present {
                changes.remove.insert(key.to_owned());
                changes.present.insert(key.to_owned());
            }
        } else {
            changes.set.insert(key.to_owned(), value.clone());
            if present {
                changes.present.insert(key.to_owned());
            }
        }
    }
    let added = changes.set.keys().filter(|k| !current.contains_key(*k)).count();
    let after = (current.len() + added).saturating_sub(changes.remove.len());
    if after > MAX_FIELDS {
        return Err(FieldError::TooMany);
    }
    changes.max_before = (MAX_FIELDS + changes.remove.len()).saturating_sub(added);
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(n: usize) -> BTreeMap<String, String> {
        (0..n).map(|i| (format!("k{i:02}"), "v".to_owned())).collect()
    }

    fn edit(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn an_edit_sets_and_removes_only_the_keys_it_names() {
        let plan = plan_field_edit(&fields(2), &edit(&[("k00", ""), ("city", "Pune"), ("gone", "")])).unwrap();
        assert_eq!(plan.set, edit(&[("city", "Pune")]));
        assert_eq!(plan.remove, BTreeSet::from(["k00".to_owned()]), "removing an absent key is no change");
        assert_eq!(plan.present, BTreeSet::from(["k00".to_owned()]));
        assert_eq!(plan.max_before, MAX_FIELDS, "one in, one out");
    }

    #[test]
    fn limits_on_count_name_and_value() {
        assert!(plan_field_edit(&fields(49), &edit(&[("new", "v")])).is_ok());
        assert_eq!(plan_field_edit(&fields(50), &edit(&[("new", "v")])), Err(FieldError::TooMany));
        let swap = plan_field_edit(&fields(50), &edit(&[("new", "v"), ("k00", "")])).unwrap();
        assert_eq!(swap.max_before, 50);
        assert_eq!(plan_field_edit(&fields(50), &edit(&[("k01", "changed")])).unwrap().max_before, 50);
        assert_eq!(plan_field_edit(&fields(0), &edit(&[(&"k".repeat(65), "v")])), Err(FieldError::BadKey));
        assert_eq!(plan_field_edit(&fields(0), &edit(&[(" ", "v")])), Err(FieldError::BadKey));
        assert!(plan_field_edit(&fields(0), &edit(&[(&"k".repeat(64), &"v".repeat(1000))])).is_ok());
        assert_eq!(plan_field_edit(&fields(0), &edit(&[("k", &"v".repeat(1001))])), Err(FieldError::ValueTooLong));
    }
}
