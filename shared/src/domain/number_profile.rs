//! What the team knows of each business number beyond Meta's id: the name
//! staff call it by ("Sales", "Support"), the number as customers dial it,
//! the WhatsApp Business Account it belongs to, and who takes a new
//! conversation on it. Admins add numbers here; a number customers already
//! wrote to works without one, shown by its id.

use super::Millis;
use serde::{Deserialize, Serialize};

/// The longest name, so it fits a filter menu and a conversation header.
pub const MAX_NAME_CHARS: usize = 40;

/// A business number as the team set it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct NumberProfile {
    /// Meta's `phone_number_id`, what webhooks and sends name it by.
    pub phone_number_id: String,
    /// What staff call it.
    pub name: String,
    /// The number as customers dial it (`+91 98100 00000`).
    pub display_phone: Option<String>,
    /// The WhatsApp Business Account it belongs to (its templates live there).
    pub waba_id: Option<String>,
    /// The teammate a new conversation on this number goes to, before any
    /// routing rule (when they are active and available).
    pub default_owner: Option<String>,
    /// When it was last changed (ms since the epoch): what an edit names
    /// to refuse a stale form.
    #[cfg_attr(feature = "schemars", schemars(with = "i64"))]
    pub updated_at: Millis,
}

/// An admin's edit of a number, as the settings form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct NumberProfileEdit {
    /// What staff call it (1 to 40 characters).
    pub name: String,
    /// The number as customers dial it: digits, spaces, `+`, `-`.
    #[serde(default)]
    pub display_phone: Option<String>,
    /// The WhatsApp Business Account's numeric id.
    #[serde(default)]
    pub waba_id: Option<String>,
    /// A teammate's e-mail, or none for the routing rule alone.
    #[serde(default)]
    pub default_owner: Option<String>,
    /// The `updated_at` the form was opened at; none when adding the number.
    #[serde(default)]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<i64>"))]
    pub expected_updated_at: Option<Millis>,
}

/// Why an edit is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadNumberProfile {
    /// Not Meta's id form.
    #[error("the number is Meta's numeric phone_number_id")]
    NumberId,
    /// Empty or too long.
    #[error("a name of 1 to {MAX_NAME_CHARS} characters")]
    Name,
    /// Not a dialable number.
    #[error("the display number holds 6 to 20 digits, spaces, + and -")]
    DisplayPhone,
    /// Not Meta's id form.
    #[error("the WhatsApp Business Account id is numeric")]
    Waba,
}

/// Meta's ids are digits only.
fn is_meta_id(text: &str) -> bool {
    (1..=32).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// An optional text, blank meaning none.
fn given(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

impl NumberProfile {
    /// The profile an edit makes of number `phone_number_id` at `now`;
    /// the default owner is normalised but whether they are on the team is
    /// the use case's to check.
    pub fn edited(phone_number_id: &str, edit: &NumberProfileEdit, now: Millis) -> Result<Self, BadNumberProfile> {
        if !is_meta_id(phone_number_id) {
            return Err(BadNumberProfile::NumberId);
        }
        let name = edit.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(BadNumberProfile::Name);
        }
        let display_phone = given(&edit.display_phone);
        if let Some(phone) = &display_phone {
            let digits = phone.bytes().filter(u8::is_ascii_digit).count();
            let allowed = phone.bytes().all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'+' | b'-'));
            if !allowed || !(6..=20).contains(&digits) || phone.len() > 30 {
                return Err(BadNumberProfile::DisplayPhone);
            }
        }
        let waba_id = given(&edit.waba_id);
        if waba_id.as_deref().is_some_and(|w| !is_meta_id(w)) {
            return Err(BadNumberProfile::Waba);
        }
        Ok(NumberProfile {
            phone_number_id: phone_number_id.to_owned(),
            name: name.to_owned(),
            display_phone,
            waba_id,
            default_owner: given(&edit.default_owner).map(|e| super::user::normalize_email(&e)),
            updated_at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(name: &str) -> NumberProfileEdit {
        NumberProfileEdit {
            name: name.into(),
            display_phone: Some(" +91 98100-00000 ".into()),
            waba_id: Some("102290129340398".into()),
            default_owner: Some(" Priya@Shop.in ".into()),
            expected_updated_at: None,
        }
    }

    #[test]
    fn an_edit_is_trimmed_and_the_owner_normalised() {
        let profile = NumberProfile::edited("106540352242922", &edit("  Sales "), Millis(5)).unwrap();
        assert_eq!(profile.name, "Sales");
        assert_eq!(profile.display_phone.as_deref(), Some("+91 98100-00000"));
        assert_eq!(profile.default_owner.as_deref(), Some("priya@shop.in"));
        assert_eq!(profile.updated_at, Millis(5));
        let blank = NumberProfileEdit {
            display_phone: Some(" ".into()),
            waba_id: None,
            default_owner: Some("".into()),
            ..edit("Support")
        };
        let profile = NumberProfile::edited("1", &blank, Millis(5)).unwrap();
        assert_eq!((profile.display_phone, profile.waba_id, profile.default_owner), (None, None, None));
    }

    #[test]
    fn what_meta_or_a_menu_could_not_take_is_refused() {
        let now = Millis(0);
        assert_eq!(NumberProfile::edited("+91981", &edit("Sales"), now), Err(BadNumberProfile::NumberId));
        assert_eq!(NumberProfile::edited("1", &edit("  "), now), Err(BadNumberProfile::Name));
        assert_eq!(NumberProfile::edited("1", &edit(&"x".repeat(41)), now), Err(BadNumberProfile::Name));
        assert!(NumberProfile::edited("1", &edit(&"é".repeat(40)), now).is_ok());
        let phone = |p: &str| NumberProfileEdit { display_phone: Some(p.into()), ..edit("Sales") };
        assert_eq!(NumberProfile::edited("1", &phone("call us"), now), Err(BadNumberProfile::DisplayPhone));
        assert_eq!(NumberProfile::edited("1", &phone("12345"), now), Err(BadNumberProfile::DisplayPhone));
        let waba = NumberProfileEdit { waba_id: Some("waba-1".into()), ..edit("Sales") };
        assert_eq!(NumberProfile::edited("1", &waba, now), Err(BadNumberProfile::Waba));
    }
}
